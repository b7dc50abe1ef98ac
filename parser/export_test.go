package parser_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/logscan/logscan/parser"
)

var updateExports = flag.Bool("update-exports", false, "rewrite testdata/exports/*.golden from the readers' output")

const exportDir = "testdata/exports"

// exportReader adapts the four typed readers to one shape for tables.
type exportReader struct {
	name string
	read func(io.Reader, string) (any, []parser.ExportWarning, error)
}

func adapt[T any](f func(io.Reader, string) ([]T, []parser.ExportWarning, error)) func(io.Reader, string) (any, []parser.ExportWarning, error) {
	return func(r io.Reader, name string) (any, []parser.ExportWarning, error) {
		v, w, err := f(r, name)
		return v, w, err
	}
}

var (
	readInbound  = exportReader{"Get-InboundConnector", adapt(parser.ReadInboundConnectors)}
	readAccepted = exportReader{"Get-AcceptedDomain", adapt(parser.ReadAcceptedDomains)}
	readSend     = exportReader{"Get-SendConnector", adapt(parser.ReadSendConnectors)}
	readCerts    = exportReader{"Get-ExchangeCertificate", adapt(parser.ReadExchangeCertificates)}
	allReaders   = []exportReader{readInbound, readAccepted, readSend, readCerts}
)

// readerFor picks the reader of a testdata file by its name.
func readerFor(name string) exportReader {
	switch {
	case strings.HasPrefix(name, "inbound-connector"):
		return readInbound
	case strings.HasPrefix(name, "accepted-domains"):
		return readAccepted
	case strings.HasPrefix(name, "send-connectors"):
		return readSend
	}
	return readCerts
}

// goodExports are the testdata files that read without error.
func goodExports(t testing.TB) []string {
	t.Helper()
	ents, err := os.ReadDir(exportDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if strings.HasSuffix(n, ".golden") || strings.HasPrefix(n, "broken-") || strings.Contains(n, "-typename") {
			continue
		}
		out = append(out, n)
	}
	if len(out) < 13 {
		t.Fatalf("only %d good exports in %s", len(out), exportDir)
	}
	return out
}

func readFile(t testing.TB, rd exportReader, name string) (any, []parser.ExportWarning, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(exportDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return rd.read(bytes.NewReader(b), name)
}

// renderExport writes records and warnings as stable text: one
// "Field=value" line per struct field, strings quoted, lists in brackets.
func renderExport(recs any, warns []parser.ExportWarning) string {
	var b strings.Builder
	v := reflect.ValueOf(recs)
	for i := 0; i < v.Len(); i++ {
		rec := v.Index(i)
		fmt.Fprintf(&b, "[%d]\n", i)
		for j := 0; j < rec.NumField(); j++ {
			fmt.Fprintf(&b, "  %s=%s\n", rec.Type().Field(j).Name, renderField(rec.Field(j)))
		}
	}
	for _, w := range warns {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	return b.String()
}

func renderField(f reflect.Value) string {
	switch x := f.Interface().(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case []string:
		q := make([]string, len(x))
		for i, s := range x {
			q[i] = fmt.Sprintf("%q", s)
		}
		return "[" + strings.Join(q, " ") + "]"
	case time.Time:
		if x.IsZero() {
			return "zero"
		}
		return x.Format(time.RFC3339)
	}
	return fmt.Sprint(f.Interface())
}

func TestExportGolden(t *testing.T) {
	for _, name := range goodExports(t) {
		t.Run(name, func(t *testing.T) {
			recs, warns, err := readFile(t, readerFor(name), name)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := renderExport(recs, warns)
			golden := filepath.Join(exportDir, name+".golden")
			if *updateExports {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./parser -run TestExportGolden -update-exports)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s (rerun with -update-exports and review the diff):\n%s", name, golden, got)
			}
		})
	}
}

// TestExportFormsAgree reads the same configuration exported in different
// forms and expects the same structs, File and Line aside.
func TestExportFormsAgree(t *testing.T) {
	for _, group := range [][]string{
		{"inbound-connectors.json", "inbound-connectors-utf16.json", "inbound-connectors.csv"},
		{"accepted-domains.json", "accepted-domains.csv", "accepted-domains.txt"},
		{"send-connectors.json", "send-connectors.txt"},
		{"certificates.json", "certificates.txt"},
	} {
		var first string
		for _, name := range group {
			recs, _, err := readFile(t, readerFor(name), name)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := withoutPosition(renderExport(recs, nil))
			if first == "" {
				first = got
				continue
			}
			if got != first {
				t.Errorf("%s and %s disagree:\n%s\n---\n%s", group[0], name, first, got)
			}
		}
	}
}

func withoutPosition(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "  File=") && !strings.HasPrefix(l, "  Line=") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func TestInboundBareObjectAndArray(t *testing.T) {
	const obj = `{"Name":"A","ConnectorType":"OnPremises","TlsSenderCertificateName":"*.contoso.com"}`
	for _, tc := range []struct {
		name, in string
		names    []string
		lines    []int
	}{
		{"bare object", obj, []string{"A"}, []int{1}},
		{"array of one", "[\n" + obj + "\n]", []string{"A"}, []int{2}},
		{"array", "[\n  {\"Name\":\"A\",\"ConnectorType\":1},\n  {\n\"Name\":\"B\",\"ConnectorType\":2}\n]", []string{"A", "B"}, []int{2, 3}},
		{"REST wrapper", `{"@odata.context":"x","value":[` + obj + `]}`, []string{"A"}, []int{1}},
		{"objects one after another", obj + "\n" + obj, []string{"A", "A"}, []int{1, 2}},
		{"empty array", "[]", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, _, err := parser.ReadInboundConnectors(strings.NewReader(tc.in), "x.json")
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			var lines []int
			for _, c := range cs {
				names, lines = append(names, c.Name), append(lines, c.Line)
			}
			if !reflect.DeepEqual(names, tc.names) || !reflect.DeepEqual(lines, tc.lines) {
				t.Fatalf("names %q lines %v, want %q %v", names, lines, tc.names, tc.lines)
			}
		})
	}
}

func TestExportEnumsAsNumbers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"ConnectorType":1,"ConnectorSource":2}`, "OnPremises HybridWizard"},
		{`{"ConnectorType":2,"ConnectorSource":0}`, "Partner Default"},
		{`{"ConnectorType":"2","ConnectorSource":"1"}`, "Partner Migrated"},
		{`{"ConnectorType":"onpremises","ConnectorSource":"AdminUI"}`, "OnPremises AdminUI"},
		{`{"ConnectorType":{"value":1,"Value":"OnPremises"}}`, "OnPremises "},
	} {
		cs, _, err := parser.ReadInboundConnectors(strings.NewReader(tc.in), "x.json")
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got := cs[0].Type + " " + cs[0].Source; got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{`{"DomainName":"a","DomainType":0}`, "Authoritative"},
		{`{"DomainName":"a","DomainType":1}`, "ExternalRelay"},
		{`{"DomainName":"a","DomainType":2}`, "InternalRelay"},
		{`{"DomainName":"a","DomainType":"internalrelay"}`, "InternalRelay"},
	} {
		ds, _, err := parser.ReadAcceptedDomains(strings.NewReader(tc.in), "x.json")
		if err != nil || ds[0].DomainType != tc.want {
			t.Errorf("%s: got %+v %v, want %s", tc.in, ds, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{`{"SmartHosts":[],"TlsAuthLevel":1}`, "EncryptionOnly"},
		{`{"SmartHosts":[],"TlsAuthLevel":2}`, "CertificateValidation"},
		{`{"SmartHosts":[],"TlsAuthLevel":4}`, "DomainValidation"},
		{`{"SmartHosts":[],"TlsAuthLevel":null}`, ""},
	} {
		cs, _, err := parser.ReadSendConnectors(strings.NewReader(tc.in), "x.json")
		if err != nil || cs[0].TLSAuthLevel != tc.want {
			t.Errorf("%s: got %+v %v, want %s", tc.in, cs, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, services, status string }{
		{`{"Thumbprint":"ab","Services":27,"Status":1}`, "IMAP, POP, IIS, SMTP", "Valid"},
		{`{"Thumbprint":"ab","Services":0,"Status":6}`, "None", "RevocationCheckFailure"},
		{`{"Thumbprint":"ab","Services":"IIS, SMTP","Status":"DateInvalid"}`, "IIS, SMTP", "DateInvalid"},
	} {
		cs, _, err := parser.ReadExchangeCertificates(strings.NewReader(tc.in), "x.json")
		if err != nil || cs[0].Services != tc.services || cs[0].Status != tc.status {
			t.Errorf("%s: got %+v %v, want %s / %s", tc.in, cs, err, tc.services, tc.status)
		}
	}
	// An unknown number is kept, with a warning.
	cs, warns, err := parser.ReadInboundConnectors(strings.NewReader(`{"ConnectorType":7}`), "x.json")
	if err != nil || cs[0].Type != "7" || len(warns) != 1 || !strings.Contains(warns[0].Detail, "ConnectorType 7") {
		t.Errorf("unknown enum number: %+v %v %v", cs, warns, err)
	}
}

func TestSenderDomainsStripped(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"json", `{"ConnectorType":"Partner","SenderDomains":["smtp:*;1","SMTP:contoso.com;1","smtp:*.contoso.com;10","fabrikam.com"]}`,
			[]string{"*", "contoso.com", "*.contoso.com", "fabrikam.com"}},
		{"csv joined with ;", "\"ConnectorType\",\"SenderDomains\"\r\n\"Partner\",\"smtp:*;1;smtp:contoso.com;1\"\r\n", []string{"*", "contoso.com"}},
		{"csv joined with , and braces", "\"ConnectorType\",\"SenderDomains\"\r\n\"Partner\",\"{smtp:*;1, smtp:contoso.com;1}\"\r\n", []string{"*", "contoso.com"}},
		{"csv one per line", "\"ConnectorType\",\"SenderDomains\"\r\n\"Partner\",\"smtp:a.com;1\r\nsmtp:b.com;2\"\r\n", []string{"a.com", "b.com"}},
		{"format-list", "ConnectorType : Partner\r\nSenderDomains : {smtp:*;1, smtp:contoso.com;1}\r\n", []string{"*", "contoso.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, _, err := parser.ReadInboundConnectors(strings.NewReader(tc.in), "x")
			if err != nil {
				t.Fatal(err)
			}
			if got := cs[0].SenderDomains; !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("SenderDomains=%q, want %q", got, tc.want)
			}
		})
	}
}

func TestTypeNameCells(t *testing.T) {
	for _, typ := range []string{
		"System.Collections.ArrayList",
		"System.Object[]",
		"Microsoft.Exchange.Data.MultiValuedProperty`1[Microsoft.Exchange.Data.IPRange]",
		"Deserialized.Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.IPRange, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]",
	} {
		in := "#TYPE Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantInboundConnector\r\n" +
			"\"Name\",\"ConnectorType\",\"SenderIPAddresses\"\r\n" +
			"\"A\",\"OnPremises\",\"\"\r\n" +
			"\"B\",\"OnPremises\",\"" + typ + "\"\r\n"
		_, _, err := parser.ReadInboundConnectors(strings.NewReader(in), "t.csv")
		var xe *parser.ExportError
		if !errors.As(err, &xe) {
			t.Fatalf("%s: err = %v, want *ExportError", typ, err)
		}
		if xe.File != "t.csv" || xe.Line != 4 || xe.Column != 3 {
			t.Errorf("%s: at %s:%d column %d, want t.csv:4 column 3", typ, xe.File, xe.Line, xe.Column)
		}
		for _, want := range []string{"column 3 (SenderIPAddresses)", "re-export", "-join", "ConvertTo-Json"} {
			if !strings.Contains(xe.Detail, want) {
				t.Errorf("%s: %q lacks %q", typ, xe.Detail, want)
			}
		}
	}
	// The testdata file: full Export-Csv of the deserialized objects.
	_, _, err := readFile(t, readInbound, "inbound-connectors-typename.csv")
	if err == nil || !strings.Contains(err.Error(), "inbound-connectors-typename.csv:3: column 7 (SenderDomains)") || !strings.Contains(err.Error(), "re-export") {
		t.Errorf("typename.csv: %v", err)
	}
	// A type name in a column logscan does not use is no error.
	in := "\"Name\",\"ConnectorType\",\"EFSkipIPs\"\r\n\"A\",\"OnPremises\",\"System.Collections.ArrayList\"\r\n"
	if _, _, err := parser.ReadInboundConnectors(strings.NewReader(in), "t.csv"); err != nil {
		t.Errorf("unused type-name column: %v", err)
	}
}

func TestFormatListTruncatedList(t *testing.T) {
	for _, ellipsis := range []string{"…", "..."} {
		in := "\r\nName              : A\r\nConnectorType     : OnPremises\r\n" +
			"SenderIPAddresses : {192.0.2.1, 192.0.2.2, 192.0.2.3, 192.0.2.4" + ellipsis + "}\r\n\r\n"
		cs, warns, err := parser.ReadInboundConnectors(strings.NewReader(in), "t.txt")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := cs[0].SenderIPAddresses, []string{"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: SenderIPAddresses=%q, want %q", ellipsis, got, want)
		}
		if len(warns) != 1 {
			t.Fatalf("%s: warnings %v, want one", ellipsis, warns)
		}
		w := warns[0]
		if w.File != "t.txt" || w.Line != 4 || !strings.Contains(w.Detail, "$FormatEnumerationLimit = -1") || !strings.Contains(w.Detail, "SenderIPAddresses") {
			t.Errorf("%s: warning %v", ellipsis, w)
		}
	}
}

func TestFormatListWrapped(t *testing.T) {
	// Width 60: values start at column 21 and wrap at word boundaries,
	// except the Identity, a word longer than the line, which is cut.
	in := "\r\n" +
		"Thumbprint         : A909502DD82AE41433E6F83886B00D4277A32A7B\r\n" +
		"CertificateDomains : {mail.contoso.com, autodiscover.contoso.com,\r\n" +
		"                     legacy.contoso.com}\r\n" +
		"Subject            : CN=smtp.contoso.net, O=Contoso Ltd,\r\n" +
		"                     L=Redmond, S=Washington, C=US\r\n" +
		"Identity           : EX01.corp.contoso.com\\A909502DD82AE4143\r\n" +
		"                     3E6F83886B00D4277A32A7B\r\n" +
		"\r\n"
	cs, warns, err := parser.ReadExchangeCertificates(strings.NewReader(in), "t.txt")
	if err != nil || len(warns) != 0 {
		t.Fatal(err, warns)
	}
	c := cs[0]
	if got, want := c.CertificateDomains, []string{"mail.contoso.com", "autodiscover.contoso.com", "legacy.contoso.com"}; !reflect.DeepEqual(got, want) {
		t.Errorf("CertificateDomains=%q, want %q", got, want)
	}
	if got, want := c.Subject, "CN=smtp.contoso.net, O=Contoso Ltd, L=Redmond, S=Washington, C=US"; got != want {
		t.Errorf("Subject=%q, want %q", got, want)
	}
	if got, want := c.Identity, `EX01.corp.contoso.com\A909502DD82AE41433E6F83886B00D4277A32A7B`; got != want {
		t.Errorf("Identity=%q, want %q", got, want)
	}
	// A list broken inside an item (a culture without word wrap).
	in = "Name              : A\nConnectorType     : OnPremises\nSenderIPAddresses : {192.0.2.1, 192.0.2.2, 198.5\n                    1.100.7}\n"
	ic, _, err := parser.ReadInboundConnectors(strings.NewReader(in), "t.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ic[0].SenderIPAddresses, []string{"192.0.2.1", "192.0.2.2", "198.51.100.7"}; !reflect.DeepEqual(got, want) {
		t.Errorf("SenderIPAddresses=%q, want %q", got, want)
	}
}

func TestExportUTF16(t *testing.T) {
	const in = "[\r\n {\"Name\":\"Ä connector\",\"ConnectorType\":\"Partner\",\"SenderDomains\":[\"smtp:fabrikam.com;1\"]}\r\n]\r\n"
	u := utf16.Encode([]rune(in))
	le := []byte{0xFF, 0xFE}
	be := []byte{0xFE, 0xFF}
	for _, c := range u {
		le = append(le, byte(c), byte(c>>8))
		be = append(be, byte(c>>8), byte(c))
	}
	for name, b := range map[string][]byte{"utf-16le": le, "utf-16be": be, "utf-8 bom": append([]byte("\xEF\xBB\xBF"), in...)} {
		form, err := parser.DetectExportForm(b)
		if err != nil || form != parser.FormJSON {
			t.Errorf("%s: DetectExportForm = %v, %v", name, form, err)
		}
		cs, _, err := parser.ReadInboundConnectors(bytes.NewReader(b), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c := cs[0]; c.Name != "Ä connector" || c.Line != 2 || !reflect.DeepEqual(c.SenderDomains, []string{"fabrikam.com"}) {
			t.Errorf("%s: %+v", name, c)
		}
	}
}

func TestDetectExportForm(t *testing.T) {
	for _, name := range goodExports(t) {
		b, err := os.ReadFile(filepath.Join(exportDir, name))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]parser.ExportForm{".json": parser.FormJSON, ".csv": parser.FormCSV, ".txt": parser.FormFormatList}[filepath.Ext(name)]
		if got, err := parser.DetectExportForm(b); got != want || err != nil {
			t.Errorf("%s: %v, %v; want %v", name, got, err, want)
		}
	}
	for _, tc := range []struct {
		in   string
		want parser.ExportForm
		err  string
	}{
		{"Name,ConnectorType\nA,Partner\n", parser.FormCSV, ""},
		{"Name;ConnectorType\nA;Partner\n", parser.FormCSV, ""},
		{"PS C:\\> Get-InboundConnector | fl\n\nName : A\n", parser.FormFormatList, ""},
		{"", "", "empty"},
		{" \r\n\t\r\n", "", "empty"},
		{"\nName  Enabled\n----  -------\nA     True\n", "", "Format-Table"},
		{"#Software: Microsoft Exchange Server\n#Version: 15.0.0.0\n", "", "Exchange log"},
		{"hello", "", "cannot tell"},
	} {
		got, err := parser.DetectExportForm([]byte(tc.in))
		if got != tc.want || (tc.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("DetectExportForm(%q) = %v, %v; want %v, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestExportWrongCmdlet(t *testing.T) {
	for _, tc := range []struct {
		file string
		rd   exportReader
		want string
	}{
		{"broken-wrong-cmdlet.json", readInbound, "looks like a Get-AcceptedDomain export (it has DomainName), not a Get-InboundConnector export"},
		{"accepted-domains.csv", readInbound, "looks like a Get-AcceptedDomain export"},
		{"certificates.txt", readInbound, "looks like a Get-ExchangeCertificate export (it has Thumbprint)"},
		{"send-connectors.json", readInbound, "looks like a Get-SendConnector export (it has AddressSpaces)"},
		{"inbound-connectors.json", readAccepted, "looks like a Get-InboundConnector export"},
		{"inbound-connectors.txt", readSend, "looks like a Get-InboundConnector export"},
		{"accepted-domains.json", readCerts, "looks like a Get-AcceptedDomain export"},
	} {
		_, _, err := readFile(t, tc.rd, tc.file)
		var xe *parser.ExportError
		if !errors.As(err, &xe) || !strings.Contains(xe.Detail, tc.want) || xe.File != tc.file || xe.Line < 1 {
			t.Errorf("%s read as %s: %v; want %q", tc.file, tc.rd.name, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{`[{"Name":"To partner","ConnectorType":"Partner","RecipientDomains":["fabrikam.com"],"SmartHosts":[],"UseMXRecord":true}]`, "looks like a Get-OutboundConnector export"},
		{`[{"Name":"Default FE","Bindings":["0.0.0.0:25"],"RemoteIPRanges":[]}]`, "looks like a Get-ReceiveConnector export"},
		{`[{"Name":"x","Alias":"y"}]`, "no record has ConnectorType, TlsSenderCertificateName or SenderIPAddresses"},
	} {
		_, _, err := parser.ReadInboundConnectors(strings.NewReader(tc.in), "x.json")
		if err == nil || !strings.Contains(err.Error(), "x.json:1: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want %q", tc.in, err, tc.want)
		}
	}
}

// TestExportErrors checks every error is an *ExportError that wraps
// ErrExport, names the file, and has the line where one applies.
func TestExportErrors(t *testing.T) {
	type errCase struct {
		name string
		in   string // when file is empty
		file string
		rd   exportReader
		line int // 0: about the whole file
		want string
	}
	cases := []errCase{
		{name: "truncated json", file: "broken-truncated.json", rd: readInbound, line: 50, want: "the file ends inside the object opened at line 32"},
		{name: "format-table", file: "broken-format-table.txt", rd: readInbound, line: 3, want: "Format-Table"},
		{name: "format-list cut in a list", file: "broken-cut-record.txt", rd: readInbound, line: 29, want: "the file ends inside the list of SenderIPAddresses"},
		{name: "typename csv", file: "inbound-connectors-typename.csv", rd: readInbound, line: 3, want: "re-export"},
		{name: "empty", in: "", rd: readInbound, want: "empty"},
		{name: "blank", in: "\r\n\r\n", rd: readAccepted, want: "empty"},
		{name: "json syntax", in: "[\n {\"Name\": \"a\" \"ConnectorType\": 1}\n]", rd: readInbound, line: 2, want: "expected ',' or '}'"},
		{name: "json trailing comma", in: "[\n {\"Name\": \"a\",\n }\n]", rd: readInbound, line: 3, want: "expected a property name"},
		{name: "json bad value", in: "{\"Name\": \n tru }", rd: readInbound, line: 2, want: "expected a value"},
		{name: "json open string", in: "{\"Name\": \"a\n\"}", rd: readInbound, line: 1, want: "expected '\"' to close the string"},
		{name: "json top-level string", in: "[\"a\"]", rd: readInbound, line: 1, want: "expected an object for each item"},
		{name: "json bad bool", in: "{\n\"ConnectorType\": 1,\n\"Enabled\": \"maybe\"}", rd: readInbound, line: 3, want: "Enabled: expected True or False"},
		{name: "json bad date", in: "{\"Thumbprint\":\"ab\",\n\"NotAfter\": \"someday\"}", rd: readCerts, line: 2, want: "NotAfter: expected a date"},
		{name: "json unreadable object", in: "{\"Thumbprint\":\"ab\",\n\"Subject\": {\"x\": 1}}", rd: readCerts, line: 2, want: "Subject is a JSON object"},
		{name: "json too deep", in: strings.Repeat("[", 100), rd: readInbound, line: 1, want: "nested deeper"},
		{name: "csv field count", in: "\"Name\",\"ConnectorType\"\r\n\"a\",\"Partner\"\r\n\"b\"\r\n", rd: readInbound, line: 3, want: "expected 2 fields"},
		{name: "csv open quote", in: "#TYPE x\r\n\"Name\",\"ConnectorType\"\r\n\"a\",\"Partn", rd: readInbound, line: 3, want: "closing '\"'"},
		{name: "csv header only of another cmdlet", in: "\"Name\",\"DomainName\"\r\n", rd: readInbound, line: 1, want: "Get-AcceptedDomain"},
		{name: "format-list list not closed", in: "Name : a\nConnectorType : {x, y\nEnabled : True\n", rd: readInbound, line: 3, want: "expected '}'"},
		{name: "format-list blank in list", in: "Name : a\nConnectorType : {x, y\n\nEnabled : True\n", rd: readInbound, line: 3, want: "not closed"},
		{name: "format-list stray line", in: "Name : a\nConnectorType : x\nrandom words\n", rd: readInbound, line: 3, want: "expected 'Name : value'"},
		{name: "format-list bad bool", in: "\nName : a\nConnectorType : Partner\nRequireTls : sometimes\n", rd: readInbound, line: 4, want: "RequireTls: expected True or False"},
		{name: "NUL bytes", in: "{\"a\x00\"}", rd: readInbound, line: 1, want: "NUL"},
		{name: "protocol log", in: "#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n", rd: readSend, line: 1, want: "Exchange log"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			name := tc.file
			if name == "" {
				name = "in.x"
				_, _, err = tc.rd.read(strings.NewReader(tc.in), name)
			} else {
				_, _, err = readFile(t, tc.rd, tc.file)
			}
			var xe *parser.ExportError
			if !errors.As(err, &xe) {
				t.Fatalf("err = %v (%T), want *ExportError", err, err)
			}
			if !errors.Is(err, parser.ErrExport) {
				t.Errorf("errors.Is(err, ErrExport) = false")
			}
			if xe.File != name {
				t.Errorf("File = %q, want %q", xe.File, name)
			}
			if xe.Line != tc.line {
				t.Errorf("Line = %d, want %d (%v)", xe.Line, tc.line, err)
			}
			if !strings.Contains(xe.Detail, tc.want) {
				t.Errorf("Detail %q lacks %q", xe.Detail, tc.want)
			}
		})
	}
}

func TestExportRecordsHavePosition(t *testing.T) {
	for _, name := range goodExports(t) {
		recs, warns, err := readFile(t, readerFor(name), name)
		if err != nil {
			t.Fatal(err)
		}
		v := reflect.ValueOf(recs)
		if v.Len() == 0 {
			t.Errorf("%s: no records", name)
		}
		for i := 0; i < v.Len(); i++ {
			rec := v.Index(i)
			if f, l := rec.FieldByName("File").String(), rec.FieldByName("Line").Int(); f != name || l < 1 {
				t.Errorf("%s: record %d at %q:%d", name, i, f, l)
			}
		}
		for _, w := range warns {
			if w.File != name || w.Line < 1 {
				t.Errorf("%s: warning at %q:%d", name, w.File, w.Line)
			}
		}
	}
}

func TestSendConnectorFields(t *testing.T) {
	for _, name := range []string{"send-connectors.json", "send-connectors.txt"} {
		recs, _, err := readFile(t, readSend, name)
		if err != nil {
			t.Fatal(err)
		}
		cs := recs.([]parser.SendConnector)
		c := cs[0]
		if c.TLSCertificateIssuer != "CN=R3, O=Let's Encrypt, C=US" || c.TLSCertificateSubject != "CN=mail.contoso.com" {
			t.Errorf("%s: issuer %q subject %q", name, c.TLSCertificateIssuer, c.TLSCertificateSubject)
		}
		if !reflect.DeepEqual(c.SmartHosts, []string{"contoso-com.mail.protection.outlook.com"}) || !c.RequireTLS || !c.CloudServicesMailEnabled ||
			c.TLSAuthLevel != "DomainValidation" || c.TLSDomain != "mail.protection.outlook.com" {
			t.Errorf("%s: %+v", name, c)
		}
		if got, want := cs[1].SmartHosts, []string{"mail.messaging.microsoft.com", "192.168.1.3"}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: legacy SmartHosts=%q, want %q", name, got, want)
		}
	}
}
