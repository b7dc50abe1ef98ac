package parser_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/logscan/logscan/parser"
)

// FuzzReader checks that the reader never panics, reports every bad line as
// a *ParseError with a position, and keeps its books, with and without
// repairs; that repairs leave well-formed input alone; and that a UTF-16
// copy reads like the UTF-8 original.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		hdrSend + "2024-03-05T20:00:44.100Z,Outbound to Office 365,08DC3D5A1B2C0001,2,10.0.0.5:50123,52.101.1.1:25,+,,\r\n",
		"2024-03-05T20:00:44.100Z,C,5A1,3,,,<,\"220 a, b \"\"q\"\"\",\n",
		"2024-03-05T20:00:44.100Z,C,5A1,0,,,<,\"250 first\nsecond\",\n",
		"2024-03-05T20:00:44.100Z,C,5A1,0,,,<,\"cut",
		"\xef\xbb\xbf#Fields: session-id,event\n5A,+\n",
		"#Log-type: Message Tracking Log\nx,y\n",
		"Date/Time,C,SessionID,1,,,*,,Sending certificate",
		"2024-03-05T20:00:44.100Z,C,5A1,1,,,*, CN=a CN=b 01 0123456789ABCDEF0123456789ABCDEF01234567 2020-01-17T15:15:33.000Z 2025-01-17T15:15:33.000Z a;b,Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names\n",
		"\n\n \t \r\n",
		"2024-03-05 20:00:44Z,C,5A1,1,,,>,x,\n",
		"> 2024-03-05T20:00:44.100Z,C,5A1,1,,,\\*,,Local**<br>2024-03-05T20:00:44.100Z,C,5A1,2,,,&lt;,250 ok,\n",
		"\"2024-03-05T20:00:44.100Z,C,5A1,1,,,-,,Local\"\n",
		"\xff\xfe2\x000\x002\x004\x00",
	} {
		f.Add([]byte(s))
	}
	// Every sample and damaged copy in testdata.
	for _, dir := range []string{"../testdata/samples", "../testdata/damaged"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, ".md") || strings.HasSuffix(path, ".json") {
				return err
			}
			b, err := os.ReadFile(path)
			if err == nil {
				f.Add(b)
			}
			return err
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, st := fuzzRead(t, in, false)
		want, sst := fuzzRead(t, in, true)
		if sst.Repaired != 0 {
			t.Fatalf("strict reader repaired %d rows", sst.Repaired)
		}
		// Repairs run only for rows that do not read as written.
		if sst.Bad == 0 && sst.Skipped == 0 && wellFormed(decodeUTF16(in)) && (st.Repaired != 0 || got != want) {
			t.Fatalf("repairs changed well-formed input:\nrepaired %d\n got %s\nwant %s", st.Repaired, got, want)
		}
		// UTF-16 LE with a byte order mark reads like UTF-8 with one.
		if utf8.Valid(in) && len(in) < 1<<16 {
			u16 := []byte{0xff, 0xfe}
			for _, u := range utf16.Encode([]rune(string(in))) {
				u16 = append(u16, byte(u), byte(u>>8))
			}
			u8, _ := fuzzRead(t, append([]byte("\xef\xbb\xbf"), in...), false)
			if g, _ := fuzzRead(t, u16, false); g != u8 {
				t.Fatalf("UTF-16 reads differently:\n got %s\nwant %s", g, u8)
			}
		}
	})
}

// fuzzRead reads in, checks each result and the books, and describes
// what it read.
func fuzzRead(t *testing.T, in []byte, strict bool) (string, parser.Stats) {
	r := parser.NewReader(bytes.NewReader(in), "fuzz.log")
	r.MaxLineBytes = 4096
	r.MaxJoinLines = 4
	r.Strict = strict
	var b strings.Builder
	for i := 0; ; i++ {
		if i > len(in)+2 {
			t.Fatalf("Read did not reach EOF after %d calls", i)
		}
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var perr *parser.ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("error %T %v is not a *ParseError", err, err)
			}
			if perr.Line < 1 || perr.Line > r.Stats().Lines || perr.File != "fuzz.log" || perr.Err == nil {
				t.Fatalf("ParseError %#v after %d lines", perr, r.Stats().Lines)
			}
			_ = perr.Error()
			_ = perr.Reason()
			fmt.Fprintf(&b, "%d: %v\n", perr.Line, perr.Err)
			continue
		}
		if rec.Line < 1 || rec.Line > r.Stats().Lines || len(rec.SessionID) == 0 || rec.Time.IsZero() ||
			!strings.Contains("+-><*", rec.Event.String()) || len(rec.Event.String()) != 1 {
			t.Fatalf("bad record %+v", rec)
		}
		if strict && rec.Repairs != 0 || rec.Repairs&^(parser.RepairMarkdown|parser.RepairHTML|parser.RepairWrap|parser.RepairCollapsed|parser.RepairEvent) != 0 {
			t.Fatalf("record repairs %v (strict %v)", rec.Repairs, strict)
		}
		fmt.Fprintf(&b, "%d %s %s %d %q %q %q %s %q %q %v\n", rec.Line, rec.Time.Format("2006-01-02T15:04:05.000Z"), rec.SessionID, rec.Seq,
			rec.Connector, rec.Local, rec.Remote, rec.Event, rec.Data, rec.Context, rec.LogType)
	}
	st := r.Stats()
	if st.Rows != st.Records+st.Bad+st.Skipped || st.Repaired > st.Records || st.Repaired < 0 {
		t.Fatalf("stats do not add up: %+v", st)
	}
	if st.Bytes != int64(len(in)) {
		t.Fatalf("Bytes = %d, want %d", st.Bytes, len(in))
	}
	return b.String(), st
}

// decodeUTF16 returns in as the reader sees it when it is UTF-16 (as
// the reader detects it: a byte order mark, or every other byte zero).
func decodeUTF16(in []byte) []byte {
	r := parser.NewReader(bytes.NewReader(in), "")
	r.Read()
	var be bool
	switch r.Encoding() {
	case parser.EncodingUTF16LE:
	case parser.EncodingUTF16BE:
		be = true
	default:
		return in
	}
	u := make([]uint16, len(in)/2)
	for i := range u {
		if be {
			u[i] = uint16(in[2*i])<<8 | uint16(in[2*i+1])
		} else {
			u[i] = uint16(in[2*i+1])<<8 | uint16(in[2*i])
		}
	}
	return []byte(string(utf16.Decode(u)))
}

// wellFormed reports whether in has none of the damage that repairs may
// find in rows that also read as written: an HTML line break, or a header
// line holding a second header line or a row.
func wellFormed(in []byte) bool {
	if bytes.Contains(bytes.ToLower(in), []byte("<br")) {
		return false
	}
	for _, line := range bytes.Split(in, []byte("\n")) {
		line = bytes.TrimLeft(line, " \t\xef\xbb\xbf")
		if len(line) > 0 && line[0] == '#' && (bytes.Count(line, []byte("#")) > 1 || bytes.Contains(line, []byte("Z,"))) {
			return false
		}
	}
	return true
}
