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

	"github.com/logscan/logscan/parser"
)

// readDesc reads in and describes each Read on a line: "3 * SendRoutingHeaders|Set Session Permissions [markdown]"
// for a record, "3 error: bad date-time" for a ParseError.
func readDesc(t *testing.T, in, name string, strict bool) ([]string, parser.Stats) {
	t.Helper()
	r := parser.NewReader(strings.NewReader(in), name)
	r.DefaultLogType = parser.LogTypeFromName(name)
	r.Strict = strict
	var out []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var perr *parser.ParseError
		if errors.As(err, &perr) {
			out = append(out, fmt.Sprintf("%d error: %v", perr.Line, perr.Err))
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		s := fmt.Sprintf("%d %s %s %s|%s", rec.Line, rec.SessionID, rec.Event, rec.Data, rec.Context)
		if rec.Repairs != 0 {
			s += " [" + rec.Repairs.String() + "]"
		}
		out = append(out, s)
	}
	st := r.Stats()
	if st.Rows != st.Records+st.Bad+st.Skipped || st.Repaired > st.Records {
		t.Errorf("stats do not add up: %+v", st)
	}
	if st.Bytes != int64(len(in)) {
		t.Errorf("Bytes = %d, want %d", st.Bytes, len(in))
	}
	return out, st
}

const (
	rowA = "2024-03-05T20:00:44.100Z,Outbound to Office 365,5A1,0,,52.101.68.12:25,*,SendRoutingHeaders,Set Session Permissions"
	rowB = "2024-03-05T20:00:44.165Z,Outbound to Office 365,5A1,3,192.0.2.21:52311,52.101.68.12:25,<,\"220 host ready at Tue, 05 Mar 2024 20:00:44 +0000\","
	rowC = "2024-03-05T20:00:44.166Z,Outbound to Office 365,5A1,4,192.0.2.21:52311,52.101.68.12:25,>,EHLO mail.contoso.com,"
	rowD = "2024-03-05T20:00:44.568Z,Outbound to Office 365,5A1,51,192.0.2.21:52311,52.101.68.12:25,-,,Local"
)

const (
	descA = "5A1 * SendRoutingHeaders|Set Session Permissions"
	descB = "5A1 < 220 host ready at Tue, 05 Mar 2024 20:00:44 +0000|"
	descC = "5A1 > EHLO mail.contoso.com|"
	descD = "5A1 - |Local"
)

func TestRepairs(t *testing.T) {
	tests := []struct {
		name string
		file string // default "SEND-x.LOG"
		in   string
		want []string
	}{
		{"markdown quote marks", "", "> " + rowA + "\n>\n>> " + rowB + "\n> > " + rowC + "\n>" + rowD + "\n",
			[]string{"1 " + descA + " [markdown]", "3 " + descB + " [markdown]", "4 " + descC + " [markdown]", "5 " + descD + " [markdown]"}},
		{"quoted header", "x.log", "> #Log-type: SMTP Receive Protocol Log\n> #Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\n> 2024-03-05T20:00:44.100Z,C,5A1,0,,,<,250 ok,\n",
			[]string{"3 5A1 < 250 ok| [markdown]"}},
		{"bullets", "", "- " + rowA + "\n* " + rowB + "\n+ " + rowC + "\n",
			[]string{"1 " + descA + " [markdown]", "2 " + descB + " [markdown]", "3 " + descC + " [markdown]"}},
		{"escapes switch markdown mode on", "", strings.ReplaceAll(rowA, ",*,", `,\*,`) + "\n" +
			"2024-03-05T20:00:44.296Z,C,5A1,29,,,<,250-Hello \\[203.0.113.10\\] SP\\_PROT,\n",
			[]string{"1 " + descA + " [markdown]", "2 5A1 < 250-Hello [203.0.113.10] SP_PROT| [markdown]"}},
		{"escapes are data before any markdown damage", "", "2024-03-05T20:00:44.296Z,C,5A1,29,,,<,250 SP\\_PROT,\n",
			[]string{`1 5A1 < 250 SP\_PROT|`}},
		{"bold", "", "**" + rowA + "**\n" + strings.Replace(rowC, "EHLO", "**EHLO**", 1) + "\n" +
			"2024-03-05T20:00:44.166Z,C,5A1,5,10.**.**.31:37964,,<,250 ok,\n",
			[]string{"1 " + descA + " [markdown]", "2 " + descC + " [markdown]", "3 5A1 < 250 ok|"}},
		{"code fences", "", "```log\n" + rowA + "\n```\n~~~\n",
			[]string{"2 " + descA}},
		{"br after rows", "", rowA + "<br>\n" + rowC + "<BR/>\n" + rowD + " <br />\n",
			[]string{"1 " + descA + " [html]", "2 " + descC + " [html]", "3 " + descD + " [html]"}},
		{"br inside a row, same line", "", rowA + "<br>\n" + strings.Replace(rowC, "52.101", "<br>52.101", 1) + "\n",
			[]string{"1 " + descA + " [html]", "2 " + descC + " [html]"}},
		// Without HTML damage before it, a <br> inside a row that reads as
		// written is kept: finding it would cost every row a scan.
		{"br inside a row, same line, first damage", "", strings.Replace(rowC, "52.101", "<br>52.101", 1) + "\n",
			[]string{"1 " + strings.Replace(descC, "|", "|", 1)}},
		{"br inside a row, next line", "", strings.Replace(rowC, ",192.0.2.21", ",<br>\n192.0.2.21", 1) + "\n" + rowD + "\n",
			[]string{"1 " + descC + " [html]", "3 " + descD}},
		{"br inside a quoted field, next line", "", strings.Replace(rowB, "host rea", "host rea<br/>\n", 1) + "\n" + rowD + "\n",
			[]string{"1 " + descB + " [html]", "3 " + descD}},
		{"br then a short row at the end", "", "2024-03-05T20:00:44.166Z,C,5A1,4,<br>\n",
			[]string{"1 error: wrong number of fields"}},
		{"rows separated by br", "", rowA + "<br>" + rowC + "<br>" + rowD + "<br>\n",
			[]string{"1 " + descA + " [html,collapsed]", "1 " + descC + " [html,collapsed]", "1 " + descD + " [html,collapsed]"}},
		{"entities", "", "2024-03-05T20:00:44.166Z,C,5A1,4,,,&gt;,RCPT TO:&lt;a@b.c&gt;,\n2024-03-05T20:00:44.166Z,C,5A1,5,,,&lt;,&quot;250 a, b&quot;,\n",
			[]string{"1 5A1 > RCPT TO:<a@b.c>| [html]", "2 5A1 < 250 a, b| [html]"}},
		{"collapsed", "", rowA + rowB + " " + rowC + rowD + "\n",
			[]string{"1 " + descA + " [collapsed]", "1 " + descB + " [collapsed]", "1 " + descC + " [collapsed]", "1 " + descD + " [collapsed]"}},
		{"collapsed with an open quote at the end", "", rowA + strings.Replace(rowB, "ready at", "ready\nat", 1) + "\n" + rowD + "\n",
			[]string{"1 " + descA + " [collapsed]", "1 " + strings.Replace(descB, "ready at", "ready\nat", 1) + " [collapsed]", "3 " + descD}},
		{"a date followed by a comma in data is not a row", "", "2024-03-05T20:00:44.100Z,C,5A1,0,,,*,\"x 2024-03-05T20:00:44.100Z,y\",z\n",
			[]string{"1 5A1 * x 2024-03-05T20:00:44.100Z,y|z"}},
		{"collapsed bad then good", "", strings.Replace(rowA, "5A1", "SessionID", 1) + rowC + "\n",
			[]string{"1 error: bad session-id", "1 " + descC + " [collapsed]"}},
		{"collapsed header and rows", "", "#Software: Microsoft Exchange Server #Log-type: SMTP Send Protocol Log#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context " + rowA + " " + rowD + "\n",
			[]string{"1 " + descA + " [collapsed]", "1 " + descD + " [collapsed]"}},
		{"missing event, send", "", "2024-03-05T20:00:44.100Z,C,5A1,0,,1.2.3.4:25,SendRoutingHeaders,Set Session Permissions\n" +
			"2024-03-05T20:00:44.100Z,C,5A1,1,,1.2.3.4:25,,\n" +
			"2024-03-05T20:00:44.100Z,C,5A1,2,,1.2.3.4:25,250 ok,\n" +
			"2024-03-05T20:00:44.100Z,C,5A1,3,,1.2.3.4:25,MAIL FROM:<a@b>,\n" +
			"2024-03-05T20:00:44.100Z,C,5A1,4,,1.2.3.4:25,,,Local\n" +
			"2024-03-05T20:00:44.100Z,C,5A1,5,,1.2.3.4:25,something else,\n" +
			"2024-03-05T20:00:44.100Z,C,5A1,6,1.2.3.4:25,>,QUIT,\n" +
			"2024-03-05T20:00:44.100Z,C,5A1,7,,,x,y,z\n",
			[]string{"1 5A1 * SendRoutingHeaders|Set Session Permissions [event]", "2 5A1 + | [event]", "3 5A1 < 250 ok| [event]",
				"4 5A1 > MAIL FROM:<a@b>| [event]", "5 5A1 - |Local [event]", "6 error: event column missing",
				"7 error: wrong number of fields", "8 error: bad event"}},
		{"missing event, receive", "RECV-x.LOG", "2024-03-05T20:00:44.100Z,C,5A1,2,,1.2.3.4:25,250 ok,\n" +
			"2024-03-05T20:00:44.100Z,C,5A1,3,,1.2.3.4:25,ehlo x,\n",
			[]string{"1 5A1 > 250 ok| [event]", "2 5A1 < ehlo x| [event]"}},
		{"missing event, no log type", "x.log", "2024-03-05T20:00:44.100Z,C,5A1,2,,1.2.3.4:25,250 ok,\n" +
			"Date/Time,C,5A1,3,,1.2.3.4:25,Certificate subject,\n",
			[]string{"1 error: event column missing", "2 error: bad date-time"}},
		{"wrapped block", "", "\"#Software: Microsoft Exchange Server\n#Log-type: SMTP Send Protocol Log\n" + rowA + "\n" + rowB + "\"\n",
			[]string{"3 " + descA, "4 " + descB + " [wrap]"}},
		{"wrapped rows", "", "\"" + rowA + "\n" + rowD + "\"\n",
			[]string{"1 " + descA + " [wrap]", "2 " + descD + " [wrap]"}},
		{"wrapped one line", "", "\"" + rowD + "\"\n",
			[]string{"1 " + descD + " [wrap]"}},
		{"all fields quoted is not a wrapped block", "", `"2024-03-05T20:00:44.100Z","C","5A1","0","","","*","SendRoutingHeaders","Set Session Permissions"` + "\n" + rowD + "\"\n",
			[]string{"1 5A1 * SendRoutingHeaders|Set Session Permissions", "2 5A1 - |Local\""}},
		{"odd CSV", "", "\"\"\"\"\"\"\n,,,,,,,,\n\n\"\",,,,,,,,\n\"2024-03-05T20:00:44.100Z\",C,5A1,0,\"\",\"\",\"*\",\"a \"\"b\"\"\",\"\"\n",
			[]string{"1 error: wrong number of fields", "2 error: bad date-time", "4 error: bad date-time", `5 5A1 * a "b"|`}},
		{"placeholders stay bad", "", "> Date/Time,Outbound to Office 365,SessionID,SequenceNumber,LocalEndpoint,RemoteEndpoint,*,,Sending certificate\n" +
			"2024-03-05T20:00:44.100Z,C,xxxxxxxx,1,,,\\*,,Sending certificate\n",
			[]string{"1 error: bad date-time", "2 error: bad session-id"}},
		{"custom columns are read as written", "", "#Fields: event,date-time,session-id\n> ,2024-03-05T20:00:44.100Z,5A\n-,2024-03-05T20:00:44.100Z,5A\n",
			[]string{"2 error: bad event", "3 5A - |"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := tt.file
			if name == "" {
				name = "SEND-x.LOG"
			}
			got, _ := readDesc(t, tt.in, name, false)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
			}
			// Strict mode never repairs, and keeps the books too.
			if _, st := readDesc(t, tt.in, name, true); st.Repaired != 0 {
				t.Errorf("strict: Repaired = %d", st.Repaired)
			}
		})
	}
}

// TestRepairsLeaveGoodInputAlone reads every sample with and without
// repairs: well-formed input (and the samples' oddities) must give the
// same records and errors either way, with nothing repaired.
func TestRepairsLeaveGoodInputAlone(t *testing.T) {
	err := filepath.WalkDir(samplesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".log") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		got, st := readDesc(t, string(b), filepath.Base(path), false)
		want, _ := readDesc(t, string(b), filepath.Base(path), true)
		if st.Repaired != 0 {
			t.Errorf("%s: %d rows repaired", path, st.Repaired)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: repairs changed a sample", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRepairString(t *testing.T) {
	if got := (parser.RepairMarkdown | parser.RepairCollapsed).String(); got != "markdown,collapsed" {
		t.Errorf("String() = %q", got)
	}
	if got := parser.Repair(0).String(); got != "" {
		t.Errorf("String() = %q", got)
	}
}

func TestMissingEventError(t *testing.T) {
	r := parser.NewReader(strings.NewReader("2024-03-05T20:00:44.100Z,C,5A1,2,,1.2.3.4:25,250 ok,\n"), "x.log")
	_, err := r.Read()
	var perr *parser.ParseError
	if !errors.As(err, &perr) || !errors.Is(err, parser.ErrMissingEvent) || perr.Column != 7 {
		t.Fatalf("Read: %v", err)
	}
	if !strings.Contains(perr.Error(), "x.log:1: field 7: event column missing: data is an SMTP reply") {
		t.Errorf("Error() = %q", perr.Error())
	}
	if !bytes.Contains([]byte(perr.Raw), []byte("250 ok")) {
		t.Errorf("Raw = %q", perr.Raw)
	}
}

// TestEarlyDates: a date before 1970 is not a protocol-log date (and
// 0001-01-01T00:00:00Z would be the zero time.Time); found by FuzzReader.
func TestEarlyDates(t *testing.T) {
	in := "0001-01-01T00:00:00.000Z,C,5A,0,,,+,,\n0001-01-01T0:00:00.0Z,,0,,,0,,\n1969-12-31T23:59:59Z,C,5A,0,,,+,,\n1970-01-01T00:00:00.000Z,C,5A,0,,,+,,\n"
	got, _ := readDesc(t, in, "SEND-x.LOG", false)
	want := []string{"1 error: bad date-time", "2 error: bad date-time", "3 error: bad date-time", "4 5A + |"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}
