package parser_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/logscan/logscan/parser"
)

// FuzzReader checks that the reader never panics, reports every bad line as
// a *ParseError with a position, and keeps its books.
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
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := parser.NewReader(strings.NewReader(in), "fuzz.log")
		r.MaxLineBytes = 4096
		r.MaxJoinLines = 4
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
				if perr.Line < 1 {
					t.Fatalf("ParseError.Line = %d", perr.Line)
				}
				_ = perr.Error()
				_ = perr.Reason()
				continue
			}
			if rec.Line < 1 || len(rec.SessionID) == 0 || rec.Time.IsZero() {
				t.Fatalf("bad record %+v", rec)
			}
		}
		st := r.Stats()
		if st.Rows != st.Records+st.Bad+st.Skipped {
			t.Fatalf("stats do not add up: %+v", st)
		}
		if st.Bytes != int64(len(in)) {
			t.Fatalf("Bytes = %d, want %d", st.Bytes, len(in))
		}
	})
}
