package parser_test

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"

	"github.com/logscan/logscan/parser"
)

func encodeUTF16(s string, be, bom bool) []byte {
	var b []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xfeff}, units...)
	}
	for _, u := range units {
		if be {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

// readAllFrom reads every record and error from r.
func readAllFrom(t *testing.T, r *parser.Reader) (recs []string, errs []string) {
	t.Helper()
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		var perr *parser.ParseError
		if errors.As(err, &perr) {
			errs = append(errs, perr.Error())
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, string(rec.Raw)+"@"+strconv.Itoa(rec.Line))
	}
}

func TestUTF16(t *testing.T) {
	text := hdrSend +
		"2024-03-05T20:00:44.100Z,组织内 SMTP 发送连接器,5A1,0,,,>,EHLO mail.contoso.com,\r\n" +
		"\r\n" +
		"2024-03-05T20:00:44.101Z,Outbound,5A1,1,,,>,RCPT TO:<😀@example.org>,\r\n" + // a surrogate pair
		"2024-03-05T20:00:44.102Z,Outbound,5A1,2,,,<,250 ok,"
	want, _ := readAllFrom(t, parser.NewReader(strings.NewReader(text), "utf8"))
	if len(want) != 3 {
		t.Fatalf("UTF-8 reference: %q", want)
	}
	for _, tc := range []struct {
		name    string
		be, bom bool
		enc     parser.Encoding
	}{
		{"LE BOM", false, true, parser.EncodingUTF16LE},
		{"BE BOM", true, true, parser.EncodingUTF16BE},
		{"LE", false, false, parser.EncodingUTF16LE},
		{"BE", true, false, parser.EncodingUTF16BE},
	} {
		in := encodeUTF16(text, tc.be, tc.bom)
		for _, rd := range []struct {
			name string
			r    func() io.Reader
		}{
			{"whole", func() io.Reader { return bytes.NewReader(in) }},
			{"one byte at a time", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(in)) }},
			{"half reads", func() io.Reader { return iotest.HalfReader(bytes.NewReader(in)) }},
			{"error with last data", func() io.Reader { return iotest.DataErrReader(bytes.NewReader(in)) }},
		} {
			t.Run(tc.name+"/"+rd.name, func(t *testing.T) {
				r := parser.NewReader(rd.r(), "x")
				got, errs := readAllFrom(t, r)
				if strings.Join(got, "\n") != strings.Join(want, "\n") || len(errs) > 0 {
					t.Errorf("got %q %q\nwant %q", got, errs, want)
				}
				if r.Encoding() != tc.enc {
					t.Errorf("Encoding() = %v, want %v", r.Encoding(), tc.enc)
				}
				if st := r.Stats(); st.Bytes != int64(len(in)) || st.Lines != 9 {
					t.Errorf("Bytes = %d (want %d), Lines = %d (want 9)", st.Bytes, len(in), st.Lines)
				}
			})
		}
	}
}

func TestUTF16Damaged(t *testing.T) {
	row := "2024-03-05T20:00:44.100Z,C,5A1,0,,,>,"
	for _, tc := range []struct {
		name string
		in   []byte
		data string
	}{
		{"odd last byte", append(encodeUTF16(row+"x,", false, true), 'y'), "x"},
		{"lone high surrogate", append(encodeUTF16(row+"a", false, true), append([]byte{0x3d, 0xd8}, encodeUTF16("b,", false, false)...)...), "a\uFFFDb"},
		{"lone low surrogate", append(encodeUTF16(row+"a", true, true), append([]byte{0xde, 0x00}, encodeUTF16("b,", true, false)...)...), "a\uFFFDb"},
		{"high surrogate at the end", append(encodeUTF16(row+"a,", false, true), 0x3d, 0xd8), "a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, one := range []bool{false, true} {
				var src io.Reader = bytes.NewReader(tc.in)
				if one {
					src = iotest.OneByteReader(src)
				}
				r := parser.NewReader(src, "x")
				rec, err := r.Read()
				if err != nil || string(rec.Data) != tc.data {
					t.Fatalf("Read = %v; data %q, want %q", err, rec.Data, tc.data)
				}
				for {
					if _, err := r.Read(); err == io.EOF {
						break
					}
				}
				if st := r.Stats(); st.Bytes != int64(len(tc.in)) || st.Rows != st.Records+st.Bad {
					t.Errorf("stats %+v, input %d bytes", st, len(tc.in))
				}
			}
		})
	}
}

func TestEncodingEdges(t *testing.T) {
	for _, in := range []string{"", "\xff", "\xff\xfe", "\xfe\xff", "2", "\xef\xbb\xbf", "a\x00", "\x00a\x00"} {
		r := parser.NewReader(strings.NewReader(in), "x")
		for i := 0; ; i++ {
			if i > 10 {
				t.Fatalf("%q: no EOF", in)
			}
			if _, err := r.Read(); err == io.EOF {
				break
			}
		}
		if st := r.Stats(); st.Bytes != int64(len(in)) {
			t.Errorf("%q: Bytes = %d", in, st.Bytes)
		}
	}
	// Legacy code-page bytes stay as they are.
	r := parser.NewReader(strings.NewReader("2024-03-05T20:00:44.100Z,Connector f\xfcr Office 365,5A1,0,,,>,MAIL FROM:<ren\xe9@contoso.com>,\n"), "x")
	rec, err := r.Read()
	if err != nil || string(rec.Connector) != "Connector f\xfcr Office 365" || r.Encoding() != parser.EncodingUTF8 {
		t.Fatalf("Read = %+v, %v", rec, err)
	}
}
