package parser_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logscan/logscan/parser"
)

const hdrSend = "#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: SMTP Send Protocol Log\r\n#Date: 2024-03-05T20:00:04.113Z\r\n#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n"

// row is what a test expects of one Read: a record summary or an error.
type row struct {
	line    int
	session string
	event   string
	data    string
	context string
	err     error // sentinel, when the read is an error
}

func readAll(t *testing.T, in, name string) ([]row, parser.Stats) {
	t.Helper()
	r := parser.NewReader(strings.NewReader(in), name)
	var got []row
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var perr *parser.ParseError
		if errors.As(err, &perr) {
			if perr.Line < 1 || perr.File != name {
				t.Fatalf("ParseError position %q:%d", perr.File, perr.Line)
			}
			got = append(got, row{line: perr.Line, err: perr.Err})
			continue
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		got = append(got, row{line: rec.Line, session: string(rec.SessionID), event: rec.Event.String(),
			data: string(rec.Data), context: string(rec.Context)})
	}
	return got, r.Stats()
}

func TestReader(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []row
	}{
		{
			name: "header CRLF BOM",
			in:   "\xef\xbb\xbf" + hdrSend + "2024-03-05T20:00:44.100Z,Outbound to Office 365,08DC3D5A1B2C0001,2,10.0.0.5:50123,52.101.1.1:25,+,,\r\n",
			want: []row{{line: 6, session: "08DC3D5A1B2C0001", event: "+"}},
		},
		{
			name: "no header LF",
			in:   "2024-03-05T20:00:44.100Z,C,51,0,,1.2.3.4:25,*,SendRoutingHeaders,Set Session Permissions\n",
			want: []row{{line: 1, session: "51", event: "*", data: "SendRoutingHeaders", context: "Set Session Permissions"}},
		},
		{
			name: "quoted with comma and escaped quote",
			in:   `2024-03-05T20:00:44.100Z,C,51,3,,,<,"220 host ready at Tue, 05 Mar 2024 ""x""",` + "\n",
			want: []row{{line: 1, session: "51", event: "<", data: `220 host ready at Tue, 05 Mar 2024 "x"`}},
		},
		{
			name: "quoted last field",
			in:   `2024-03-05T20:00:44.100Z,C,51,3,,,*,,"TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC"` + "\r\n",
			want: []row{{line: 1, session: "51", event: "*", context: "TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC"}},
		},
		{
			name: "blank lines and blanks around rows",
			in:   "\n  2024-03-05T20:00:44.100Z,C,51,0,,,>,EHLO a,  \r\n\r\n\t\n2024-03-05T20:00:45.100Z,C,51,1,,,<,250 ok,\n",
			want: []row{{line: 2, session: "51", event: ">", data: "EHLO a"}, {line: 5, session: "51", event: "<", data: "250 ok"}},
		},
		{
			name: "quoted field spans lines",
			in:   "2024-03-05T20:00:44.100Z,C,51,0,,,<,\"250 first\nsecond\",\n2024-03-05T20:00:45.100Z,C,51,1,,,>,QUIT,\n",
			want: []row{{line: 1, session: "51", event: "<", data: "250 first\nsecond"}, {line: 3, session: "51", event: ">", data: "QUIT"}},
		},
		{
			name: "open quote then a new row",
			in:   "2024-03-05T20:00:44.100Z,C,51,0,,,<,\"250 cut\n2024-03-05T20:00:45.100Z,C,51,1,,,>,QUIT,\n",
			want: []row{{line: 1, err: parser.ErrQuote}, {line: 2, session: "51", event: ">", data: "QUIT"}},
		},
		{
			name: "truncated last line inside quote",
			in:   "2024-03-05T20:00:44.100Z,C,51,0,,,>,QUIT,\n2024-03-05T20:00:45.100Z,C,51,1,,,<,\"221 clos",
			want: []row{{line: 1, session: "51", event: ">", data: "QUIT"}, {line: 2, err: parser.ErrQuote}},
		},
		{
			name: "truncated last line short",
			in:   "2024-03-05T20:00:44.100Z,C,51,0,,,>,QUIT,\n2024-03-05T20:00:45.100Z,C,51,1",
			want: []row{{line: 1, session: "51", event: ">", data: "QUIT"}, {line: 2, err: parser.ErrFieldCount}},
		},
		{
			name: "placeholders",
			in:   "Date/Time,Outbound to office 365,SessionID,SequenceNumber,LocalEndpoint,RemoteEndpoint,*,,Sending certificate\n2024-03-05T20:00:44.100Z,C,SessionID,x,,,?,a,\n",
			want: []row{{line: 1, err: parser.ErrBadTime}, {line: 2, err: parser.ErrBadEvent}},
		},
		{
			name: "placeholder session id",
			in:   "2024-03-05T20:00:44.100Z,C,SessionID,1,,,*,,Sending certificate\n2024-03-05T20:00:44.100Z,C,xxxxxxxx,1,,,*,,x\n",
			want: []row{{line: 1, err: parser.ErrBadSession}, {line: 2, err: parser.ErrBadSession}},
		},
		{
			name: "non-UTF-8 bytes are kept",
			in:   "2024-03-05T20:00:44.100Z,C,51,5,,,>,MAIL FROM:<ren\xe9@contoso.com> SIZE=1,\n",
			want: []row{{line: 1, session: "51", event: ">", data: "MAIL FROM:<ren\xe9@contoso.com> SIZE=1"}},
		},
		{
			name: "message tracking log is skipped",
			in:   "#Software: Microsoft Exchange Server\n#Log-type: Message Tracking Log\n#Fields: date-time,client-ip,client-hostname\n2024-03-05T20:00:44.100Z,1.2.3.4,host\n",
			want: []row{{line: 2, err: parser.ErrNotProtocolLog}},
		},
		{
			name: "header again mid-stream with reordered fields",
			in: hdrSend + "2024-03-05T20:00:44.100Z,C,51,0,,,>,QUIT,\r\n" +
				"\xef\xbb\xbf#Software: Microsoft Exchange Server\r\n#Log-type: SMTP Receive Protocol Log\r\n#Fields: session-id,date-time,event,data\r\n52,2024-03-05T21:00:00.000Z,<,EHLO x\r\n",
			want: []row{{line: 6, session: "51", event: ">", data: "QUIT"}, {line: 10, session: "52", event: "<", data: "EHLO x"}},
		},
		{
			name: "indented and de-hashed header",
			in:   " #Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\nSoftware: Microsoft Exchange Server\n2024-03-05T20:00:44.100Z,C,51,0,,,>,QUIT,\n",
			want: []row{{line: 3, session: "51", event: ">", data: "QUIT"}},
		},
		{
			name: "too many fields",
			in:   "2024-03-05T20:00:44.100Z,C,51,0,,,>,QUIT,,x\n2024-03-05T20:00:44.100Z,C,51,0,,,>,QUIT,,,\n",
			want: []row{{line: 1, err: parser.ErrFieldCount}, {line: 2, session: "51", event: ">", data: "QUIT"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st := readAll(t, tt.in, "test.log")
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
			if st.Rows != st.Records+st.Bad+st.Skipped {
				t.Errorf("stats do not add up: %+v", st)
			}
		})
	}
}

func TestReaderLongLine(t *testing.T) {
	long := "2024-03-05T20:00:44.100Z,C,51,0,,,>," + strings.Repeat("x", 300<<10) + ",\n"
	in := long + "2024-03-05T20:00:45.100Z,C,51,1,,,<,250 ok,\n"
	r := parser.NewReader(strings.NewReader(in), "long.log")
	r.MaxLineBytes = 100 << 10
	_, err := r.Read()
	if !errors.Is(err, parser.ErrLineTooLong) {
		t.Fatalf("first Read: %v, want ErrLineTooLong", err)
	}
	rec, err := r.Read()
	if err != nil || rec.Line != 2 || string(rec.Data) != "250 ok" {
		t.Fatalf("second Read = %+v, %v", rec, err)
	}
	// Under the limit a line longer than the bufio buffer is read whole.
	r = parser.NewReader(strings.NewReader(in), "long.log")
	rec, err = r.Read()
	if err != nil || len(rec.Data) != 300<<10 {
		t.Fatalf("Read of a 300 KiB row: %v (len %d)", err, len(rec.Data))
	}
	if st := r.Stats(); st.Bytes != int64(len(long)) {
		t.Errorf("Bytes = %d, want %d", st.Bytes, len(long))
	}
}

func TestHeaderAndLogType(t *testing.T) {
	in := hdrSend + "2024-03-05T20:00:44.100Z,C,51,0,,,>,QUIT,\r\n"
	r := parser.NewReader(strings.NewReader(in), "x")
	rec, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	h := rec.Header
	if h == nil || h.LogType != parser.LogSend || h.Version != "15.0.0.0" || h.Date.Format("15:04:05.000") != "20:00:04.113" || len(h.Fields) != 9 {
		t.Fatalf("header = %+v", h)
	}
	if got := rec.Time.Format("2006-01-02T15:04:05.000Z07:00"); got != "2024-03-05T20:00:44.100Z" {
		t.Errorf("Time = %s", got)
	}
	for name, want := range map[string]parser.LogType{
		`C:\Logs\SmtpSend\SEND2024030520-1.LOG`: parser.LogSend,
		"x/RECV20190221-2.LOG":                  parser.LogReceive,
		"notes.txt":                             parser.LogUnknown,
	} {
		if got := parser.LogTypeFromName(name); got != want {
			t.Errorf("LogTypeFromName(%q) = %v, want %v", name, got, want)
		}
	}
}

// dump is everything a Reader gives for one input, as text.
func dump(r *parser.Reader) string {
	var b strings.Builder
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(&b, "error %v\n", err)
			continue
		}
		fmt.Fprintf(&b, "%s:%d %v %s %s %d %s %s %s %q %q %q %v\n", rec.File, rec.Line, rec.Time, rec.LogType,
			rec.SessionID, rec.Seq, rec.Connector, rec.Local, rec.Remote, rec.Event, rec.Data, rec.Context, rec.Repairs)
	}
	fmt.Fprintf(&b, "%+v %v %v\n", r.Stats(), r.Encoding(), r.Header())
	return b.String()
}

// TestReaderReset: a Reader reset for each input reads it as a new Reader
// does, whatever it read before (other encodings, headers, damage).
func TestReaderReset(t *testing.T) {
	var files []string
	for _, dir := range []string{"../testdata/damaged", "../testdata/samples/EXCH01", "../testdata/samples/oddities", "../testdata/hostile"} {
		names, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, names...)
	}
	want := map[string]string{}
	data := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // a folder
		}
		data[f] = b
		want[f] = dump(parser.NewReader(bytes.NewReader(b), f))
	}
	if len(data) < 30 {
		t.Fatalf("only %d inputs", len(data))
	}
	for _, order := range []string{"forward", "backward"} {
		var r *parser.Reader
		for i := range files {
			f := files[i]
			if order == "backward" {
				f = files[len(files)-1-i]
			}
			if data[f] == nil {
				continue
			}
			if r == nil {
				r = parser.NewReader(bytes.NewReader(data[f]), f)
			} else {
				r.Reset(bytes.NewReader(data[f]), f)
			}
			if got := dump(r); got != want[f] {
				t.Errorf("%s, read %s after Reset:\n got %s\nwant %s", f, order, got, want[f])
			}
		}
	}
}
