package parser

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// rowsOf reads every record and error of r as text, one per entry.
func rowsOf(t *testing.T, r *Reader) []string {
	t.Helper()
	var out []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			out = append(out, "error "+err.Error())
			continue
		}
		out = append(out, fmt.Sprintf("%s:%d %s %s %q %q %q %s", rec.File, rec.Line, rec.Time.Format("15:04:05.000"),
			rec.SessionID, rec.Data, rec.Context, rec.Connector, rec.LogType))
	}
}

func TestCheckpointResume(t *testing.T) {
	const log = "\xef\xbb\xbf#Software: Microsoft Exchange Server\r\n" +
		"#Version: 15.0.0.0\r\n" +
		"#Log-type: SMTP Send Protocol Log\r\n" +
		"#Date: 2024-03-05T20:00:00.000Z\r\n" +
		"#Fields: session-id,date-time,connector-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n" +
		"08DC3C8E5F1A2B43,2024-03-05T20:00:01.000Z,Outbound,0,,10.0.0.1:25,*,,attempting to connect\r\n" +
		"08DC3C8E5F1A2B43,2024-03-05T20:00:01.100Z,Outbound,1,10.0.0.2:5000,10.0.0.1:25,+,,\r\n" +
		"08DC3C8E5F1A2B43,2024-03-05T20:00:01.200Z,Outbound,2,10.0.0.2:5000,10.0.0.1:25,<,\"220 a, b\",\r\n" +
		"not a row\r\n" +
		"08DC3C8E5F1A2B43,2024-03-05T20:00:01.300Z,Outbound,3,10.0.0.2:5000,10.0.0.1:25,-,,Local\r\n"
	whole := rowsOf(t, NewReader(strings.NewReader(log), "f"))
	if len(whole) != 5 {
		t.Fatalf("whole read gave %d entries: %q", len(whole), whole)
	}
	// Stop after every line ending, resume from the checkpoint: the rows
	// read in two parts are the rows read at once.
	for cut := 0; cut <= len(log); cut++ {
		if cut > 0 && log[cut-1] != '\n' {
			continue
		}
		first := NewReader(strings.NewReader(log[:cut]), "f")
		got := rowsOf(t, first)
		cp := first.Checkpoint()
		if cp.Offset != int64(cut) {
			t.Fatalf("cut %d: checkpoint offset %d", cut, cp.Offset)
		}
		second := NewReader(strings.NewReader(log[cut:]), "f")
		if !second.Resume(cp) {
			t.Fatalf("cut %d: Resume refused a UTF-8 checkpoint", cut)
		}
		got = append(got, rowsOf(t, second)...)
		if end := second.Checkpoint(); end.Offset != int64(len(log)) || end.Line != 10 {
			t.Errorf("cut %d: checkpoint at the end %d:%d, want %d:10", cut, end.Offset, end.Line, len(log))
		}
		if strings.Join(got, "\n") != strings.Join(whole, "\n") {
			t.Errorf("cut %d:\n got %q\nwant %q", cut, got, whole)
		}
	}
}

func TestResumeRefusesUTF16(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("\xff\xfe")
	for _, c := range "#Software: x\r\n" {
		b.WriteByte(byte(c))
		b.WriteByte(0)
	}
	r := NewReader(&b, "f")
	rowsOf(t, r)
	cp := r.Checkpoint()
	if cp.Encoding != EncodingUTF16LE {
		t.Fatalf("encoding %v", cp.Encoding)
	}
	if NewReader(strings.NewReader(""), "f").Resume(cp) {
		t.Error("Resume accepted a UTF-16 checkpoint")
	}
}

// A read that ends in an unfinished line: the checkpoint says so, and what
// is appended later continues that line, with the same line number.
func TestCheckpointPartialLine(t *testing.T) {
	const head = "#Software: Microsoft Exchange Server\r\n#Log-type: SMTP Send Protocol Log\r\n" +
		"#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n"
	const row4 = "2024-03-05T20:00:01.000Z,Outbound,08DC3C8E5F1A2B43,0,,10.0.0.1:25,*,,attempting to connect"
	const row5 = "2024-03-05T20:00:01.100Z,Outbound,08DC3C8E5F1A2B43,1,10.0.0.2:5000,10.0.0.1:25,+,,"
	first := NewReader(strings.NewReader(head+row4), "f")
	got := rowsOf(t, first)
	cp := first.Checkpoint()
	if !cp.Partial || cp.Line != 4 || len(got) != 1 {
		t.Fatalf("after an unfinished line: %+v, rows %q", cp, got)
	}
	// The line was complete after all: its ending comes, then a row.
	second := NewReader(strings.NewReader("\r\n"+row5+"\r\n"), "f")
	second.Resume(cp)
	got = rowsOf(t, second)
	if len(got) != 1 || !strings.HasPrefix(got[0], "f:5 ") {
		t.Fatalf("rows after the continuation: %q", got)
	}
	if end := second.Checkpoint(); end.Partial || end.Line != 5 {
		t.Fatalf("end checkpoint %+v", end)
	}
}
