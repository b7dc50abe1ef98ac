package inputs_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logscan/logscan/internal/inputs"
	"github.com/logscan/logscan/parser"
)

// logText is a small Send log (rows from testdata/samples) whose #Date
// and session id identify it.
func logText(date, id string) string {
	return "\ufeff#Software: Microsoft Exchange Server\r\n" +
		"#Version: 15.0.0.0\r\n" +
		"#Log-type: SMTP Send Protocol Log\r\n" +
		"#Date: " + date + "\r\n" +
		"#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n" +
		date + ",Outbound to Office 365," + id + ",0,,52.101.68.12:25,*,SendRoutingHeaders,Set Session Permissions\r\n" +
		date + ",Outbound to Office 365," + id + ",1,,52.101.68.12:25,*,,attempting to connect\r\n" +
		date + ",Outbound to Office 365," + id + ",2,192.0.2.21:52311,52.101.68.12:25,+,,\r\n" +
		date + `,Outbound to Office 365,` + id + `,3,192.0.2.21:52311,52.101.68.12:25,<,"220 AM4PEPF00027A6C.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready at Tue, 05 Mar 2024 20:00:44 +0000",` + "\r\n"
}

const (
	hub01 = "EXCH01/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend/"
	fe02  = "EXCH02/V15/TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpSend/"
)

// tree is two servers' Send logs, by path; names out of order on purpose.
var tree = map[string]string{
	hub01 + "SEND2024030521-1.LOG":  logText("2024-03-05T21:00:01.000Z", "08DC3C8E5F1A2B04"),
	hub01 + "SEND2024030520-10.LOG": logText("2024-03-05T20:50:00.000Z", "08DC3C8E5F1A2B03"),
	hub01 + "SEND2024030520-2.LOG":  logText("2024-03-05T20:20:00.000Z", "08DC3C8E5F1A2B02"),
	hub01 + "SEND2024030520-1.LOG":  logText("2024-03-05T20:00:03.412Z", "08DC3C8E5F1A2B01"),
	hub01 + "notes.txt":             "not a log\n",
	fe02 + "SEND2024030520-1.LOG":   logText("2024-03-05T20:00:07.000Z", "08DC3C8E5F1A2C01"),
}

// wantOrder is tree's logs in the order Collect must give them.
var wantOrder = []string{
	hub01 + "SEND2024030520-1.LOG",
	hub01 + "SEND2024030520-2.LOG",
	hub01 + "SEND2024030520-10.LOG",
	hub01 + "SEND2024030521-1.LOG",
	fe02 + "SEND2024030520-1.LOG",
}

func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// member is one entry of a test zip. raw, when set, is written as is
// with the header given (CreateRaw), for methods and flags archive/zip
// does not write.
type member struct {
	name   string
	body   string
	method uint16
	mode   fs.FileMode
	raw    *zip.FileHeader
}

func zipBytes(t testing.TB, ms ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range ms {
		var w io.Writer
		var err error
		switch {
		case m.raw != nil:
			m.raw.Name = m.name
			m.raw.CompressedSize64 = uint64(len(m.body))
			m.raw.UncompressedSize64 = uint64(len(m.body))
			w, err = zw.CreateRaw(m.raw)
		default:
			fh := &zip.FileHeader{Name: m.name, Method: zip.Deflate, Modified: time.Date(2024, 3, 6, 8, 0, 0, 0, time.UTC)}
			if m.method != 0 || strings.HasSuffix(m.name, ".zip") {
				fh.Method = m.method
			}
			if m.mode != 0 {
				fh.SetMode(m.mode)
			}
			w, err = zw.CreateHeader(fh)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, m.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// treeMembers is tree as zip members under prefix; EXCH02's with the
// backslashes Windows PowerShell's Compress-Archive writes.
func treeMembers(prefix string) []member {
	ms := []member{{name: prefix + "EXCH01/", mode: fs.ModeDir | 0o755}}
	for name, body := range tree {
		if strings.HasPrefix(name, "EXCH02") {
			name = strings.ReplaceAll(name, "/", `\`)
		}
		ms = append(ms, member{name: prefix + name, body: body})
	}
	return ms
}

func writeFile(t testing.TB, p string, b []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gzBytes(t testing.TB, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	io.WriteString(zw, s)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func names(ins []inputs.Input) []string {
	var s []string
	for _, in := range ins {
		s = append(s, in.Name)
	}
	return s
}

func read(t testing.TB, in inputs.Input) string {
	t.Helper()
	rc, err := in.Open()
	if err != nil {
		t.Fatalf("Open(%s): %v", in.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", in.Name, err)
	}
	return string(b)
}

// checkTree checks inputs made from tree: order, names, sources, content
// (read twice), sizes.
func checkTree(t *testing.T, ins []inputs.Input, prefix, keyPrefix string) {
	t.Helper()
	var want []string
	for _, w := range wantOrder {
		want = append(want, prefix+w)
	}
	if got := names(ins); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("names:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, in := range ins {
		server, service := "EXCH01", "Hub"
		if strings.HasPrefix(wantOrder[i], "EXCH02") {
			server, service = "EXCH02", "FrontEnd"
		}
		if in.Source.Server != server || in.Source.Service != service {
			t.Errorf("%s: Source = %+v, want server %s service %s", in.Name, in.Source, server, service)
		}
		if want := keyPrefix + strings.TrimSuffix(wantOrder[i][:strings.LastIndexByte(wantOrder[i], '/')], "/"); in.Source.Key != want {
			t.Errorf("%s: Source.Key = %q, want %q", in.Name, in.Source.Key, want)
		}
		if in.LogType != parser.LogSend {
			t.Errorf("%s: LogType = %v, want Send", in.Name, in.LogType)
		}
		body := tree[wantOrder[i]]
		if got := read(t, in); got != body {
			t.Errorf("%s: first Open gives %d bytes, want %d", in.Name, len(got), len(body))
		}
		if got := read(t, in); got != body {
			t.Errorf("%s: second Open gives %d bytes, want %d", in.Name, len(got), len(body))
		}
		if in.Size != int64(len(body)) {
			t.Errorf("%s: Size = %d, want %d", in.Name, in.Size, len(body))
		}
		if in.ModTime.IsZero() {
			t.Errorf("%s: no ModTime", in.Name)
		}
	}
}

func noErrors(t *testing.T, skipped []inputs.Skipped, errs []error) {
	t.Helper()
	for _, s := range skipped {
		t.Errorf("skipped %s: %s", s.Name, s.Reason)
	}
	for _, err := range errs {
		t.Errorf("error: %v", err)
	}
}

func TestCollectFolder(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, tree)
	// The folder twice, and a file in it by name: each file once.
	ins, skipped, errs := inputs.Collect([]string{dir, dir, filepath.Join(dir, filepath.FromSlash(wantOrder[1]))}, inputs.Options{})
	defer inputs.Cleanup()
	noErrors(t, skipped, errs)
	for i := range ins {
		ins[i].Name = filepath.ToSlash(ins[i].Name)
	}
	slash := filepath.ToSlash(dir)
	checkTree(t, ins, slash+"/", slash+"/")
}

func TestCollectZip(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, filepath.Join(dir, "bundle.zip"), zipBytes(t, treeMembers("")...))
	ins, skipped, errs := inputs.Collect([]string{p}, inputs.Options{})
	defer inputs.Cleanup()
	noErrors(t, skipped, errs)
	checkTree(t, ins, p+":", p+":")
}

func TestCollectZipTopLevel(t *testing.T) {
	// Members at the top of the archive: rollover order, log type from
	// the member name, one Source for all.
	dir := t.TempDir()
	p := writeFile(t, filepath.Join(dir, "flat.ZIP"), zipBytes(t,
		member{name: "SEND2024030520-10.LOG", body: "10"},
		member{name: "SEND2024030520-2.log", body: "2"},
		member{name: "SEND2024030520-1.LOG", body: "1"},
		member{name: "RECV2024030520-1.LOG.gz", body: string(gzBytes(t, "r1"))},
	))
	ins, skipped, errs := inputs.Collect([]string{p}, inputs.Options{})
	defer inputs.Cleanup()
	noErrors(t, skipped, errs)
	want := []string{p + ":RECV2024030520-1.LOG.gz", p + ":SEND2024030520-1.LOG", p + ":SEND2024030520-2.log", p + ":SEND2024030520-10.LOG"}
	if got := names(ins); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("names:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, body := range []string{"r1", "1", "2", "10"} {
		if got := read(t, ins[i]); got != body {
			t.Errorf("%s: read %q, want %q", ins[i].Name, got, body)
		}
		if ins[i].Source.Key != p {
			t.Errorf("%s: Source.Key = %q, want %q", ins[i].Name, ins[i].Source.Key, p)
		}
	}
	if got, want := ins[0].LogType, parser.LogReceive; got != want {
		t.Errorf("LogType(%s) = %v, want %v", ins[0].Name, got, want)
	}
	if got, want := ins[1].LogType, parser.LogSend; got != want {
		t.Errorf("LogType(%s) = %v, want %v", ins[1].Name, got, want)
	}
}

func TestCollectNestedZip(t *testing.T) {
	dir := t.TempDir()
	spool := filepath.Join(dir, "spool")
	if err := os.Mkdir(spool, 0o755); err != nil {
		t.Fatal(err)
	}
	// Per-server zips inside a bundle, as log collectors make them: the
	// server comes from the inner zip's name. One is deflated (spooled),
	// one stored (read in place).
	inner1 := zipBytes(t, member{name: "TransportRoles/Logs/Hub/ProtocolLog/SmtpSend/SEND2024030520-1.LOG", body: tree[wantOrder[0]]})
	inner2 := zipBytes(t, member{name: "V15/TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpSend/SEND2024030520-1.LOG", body: tree[wantOrder[4]]})
	outer := zipBytes(t,
		member{name: "collect/EXCH01.zip", body: string(inner1), method: zip.Deflate},
		member{name: "collect/EXCH02.zip", body: string(inner2), method: zip.Store},
		member{name: "collect/report.html", body: "<html>"},
	)
	p := writeFile(t, filepath.Join(dir, "case 1234.zip"), outer)
	// Keep the spooled file visible until Cleanup (on Unix it is
	// otherwise unlinked as soon as it is created).
	defer inputs.SetUnlinkEarly(false)()
	ins, skipped, errs := inputs.Collect([]string{p}, inputs.Options{TempDir: spool})
	noErrors(t, skipped, errs)
	if spooled, _ := os.ReadDir(spool); len(spooled) != 1 {
		t.Errorf("spooled files: %v, want 1 (EXCH01.zip; EXCH02.zip is stored and read in place)", spooled)
	}
	want := []string{
		p + ":collect/EXCH01.zip:TransportRoles/Logs/Hub/ProtocolLog/SmtpSend/SEND2024030520-1.LOG",
		p + ":collect/EXCH02.zip:V15/TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpSend/SEND2024030520-1.LOG",
	}
	if got := names(ins); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("names:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, w := range []struct{ server, service, body string }{{"EXCH01", "Hub", tree[wantOrder[0]]}, {"EXCH02", "FrontEnd", tree[wantOrder[4]]}} {
		if ins[i].Source.Server != w.server || ins[i].Source.Service != w.service {
			t.Errorf("%s: Source = %+v, want %s %s", ins[i].Name, ins[i].Source, w.server, w.service)
		}
		for range 2 {
			if got := read(t, ins[i]); got != w.body {
				t.Errorf("%s: read %d bytes, want %d", ins[i].Name, len(got), len(w.body))
			}
		}
	}
	if err := inputs.Cleanup(); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	if left, _ := os.ReadDir(spool); len(left) > 0 {
		t.Errorf("temporary files left after Cleanup: %v", left)
	}

	// Only the deflated inner zip is spooled: with nowhere to spool it,
	// it is an error and the stored one is still read.
	ins2, _, errs := inputs.Collect([]string{p}, inputs.Options{TempDir: filepath.Join(dir, "missing")})
	defer inputs.Cleanup()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "EXCH01.zip") || len(ins2) != 1 || !strings.Contains(ins2[0].Name, "EXCH02.zip") {
		t.Errorf("spooling to a missing folder: inputs %q, errors %v", names(ins2), errs)
	}
	// With the spool limit below the inner zip's size, the same.
	ins2, _, errs = inputs.Collect([]string{p}, inputs.Options{TempDir: spool, MaxSpool: 10})
	if len(errs) != 1 || !errors.Is(errs[0], inputs.ErrTooLarge) || len(ins2) != 1 {
		t.Errorf("spool limit: inputs %q, errors %v", names(ins2), errs)
	}
	if err := inputs.Cleanup(); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	if left, _ := os.ReadDir(spool); len(left) > 0 {
		t.Errorf("temporary files left after Cleanup: %v", left)
	}
	if _, err := ins[0].Open(); err == nil {
		t.Errorf("Open after Cleanup: no error")
	}
	if err := inputs.Cleanup(); err != nil {
		t.Errorf("second Cleanup: %v", err)
	}
}

func TestCollectDepth(t *testing.T) {
	// d1 (on disk) ⊃ d2 ⊃ d3 ⊃ d4: logs at depths 1 to 3 are read, d4 is not opened.
	d4 := zipBytes(t, member{name: "SEND2024030520-4.LOG", body: "4"})
	d3 := zipBytes(t, member{name: "SEND2024030520-3.LOG", body: "3"}, member{name: "d4.zip", body: string(d4), method: zip.Deflate})
	d2 := zipBytes(t, member{name: "SEND2024030520-2.LOG", body: "2"}, member{name: "d3.zip", body: string(d3), method: zip.Deflate})
	d1 := zipBytes(t, member{name: "SEND2024030520-1.LOG", body: "1"}, member{name: "d2.zip", body: string(d2), method: zip.Deflate})
	dir := t.TempDir()
	p := writeFile(t, filepath.Join(dir, "d1.zip"), d1)
	ins, _, errs := inputs.Collect([]string{p}, inputs.Options{TempDir: t.TempDir()})
	defer inputs.Cleanup()
	want := []string{p + ":SEND2024030520-1.LOG", p + ":d2.zip:SEND2024030520-2.LOG", p + ":d2.zip:d3.zip:SEND2024030520-3.LOG"}
	if got := names(ins); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("names:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := read(t, ins[2]); got != "3" {
		t.Errorf("depth 3 reads %q", got)
	}
	if len(errs) != 1 || !errors.Is(errs[0], inputs.ErrTooDeep) {
		t.Fatalf("errs = %v, want one ErrTooDeep", errs)
	}
	if got, want := errs[0].Error(), p+":d2.zip:d3.zip:d4.zip: "; !strings.HasPrefix(got, want) {
		t.Errorf("error %q, want it to start %q", got, want)
	}
}

func TestCollectGz(t *testing.T) {
	dir := t.TempDir()
	body := tree[wantOrder[0]]
	gz := gzBytes(t, body)
	p := writeFile(t, filepath.Join(dir, filepath.FromSlash(hub01), "SEND2024030520-1.LOG.gz"), gz)
	q := writeFile(t, filepath.Join(dir, "renamed.dat"), gz) // gzip found by its first bytes
	ins, skipped, errs := inputs.Collect([]string{filepath.Join(dir, "EXCH01"), q}, inputs.Options{})
	defer inputs.Cleanup()
	noErrors(t, skipped, errs)
	// renamed.dat's folder sorts before EXCH01's.
	if got, want := names(ins), []string{q, p}; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("names = %q, want %q", got, want)
	}
	in := ins[1]
	if in.Source.Server != "EXCH01" || in.Source.Service != "Hub" || in.LogType != parser.LogSend {
		t.Errorf("%s: Source %+v LogType %v", in.Name, in.Source, in.LogType)
	}
	if in.Size != int64(len(gz)) {
		t.Errorf("Size = %d, want the compressed size %d", in.Size, len(gz))
	}
	for _, in := range ins {
		for range 2 {
			if got := read(t, in); got != body {
				t.Errorf("%s: read %d bytes, want %d", in.Name, len(got), len(body))
			}
		}
	}

	// Past the size cap, reading stops with ErrTooLarge.
	ins, _, _ = inputs.Collect([]string{p}, inputs.Options{MaxMemberSize: 100})
	rc, err := ins[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if !errors.Is(err, inputs.ErrTooLarge) || len(b) != 100 {
		t.Errorf("reading past the cap: %d bytes, %v; want 100 bytes, ErrTooLarge", len(b), err)
	}
}

func TestCollectHostileZip(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("x", 200)
	p := writeFile(t, filepath.Join(dir, "hostile.zip"), zipBytes(t,
		member{name: "../evil.LOG", body: "evil"},
		member{name: "/abs/SEND2024030520-1.LOG", body: "abs"},
		member{name: `C:\Windows\SEND2024030520-1.LOG`, body: "drive"},
		member{name: "ok/a/../../../SEND2024030520-1.LOG", body: "dots"},
		member{name: "ok/\x1b[2JSEND2024030520-6.LOG", body: "escape"},
		member{name: "ok/SEND2024030520-1.LOG", body: "ok"},
		member{name: "ok/SEND2024030520-2.LOG", body: big},
		member{name: "ok/SEND2024030520-3.LOG", body: "link target", mode: fs.ModeSymlink | 0o777},
		member{name: "ok/SEND2024030520-4.LOG", body: "secret", raw: &zip.FileHeader{Method: zip.Store, Flags: 0x1}},
		member{name: "ok/SEND2024030520-5.LOG", body: "deflate64", raw: &zip.FileHeader{Method: 9}},
	))
	ins, skipped, errs := inputs.Collect([]string{p}, inputs.Options{MaxMemberSize: 100})
	defer inputs.Cleanup()
	if got, want := names(ins), []string{p + ":ok/SEND2024030520-1.LOG"}; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("names = %q, want %q", got, want)
	}
	if got := read(t, ins[0]); got != "ok" {
		t.Errorf("read %q", got)
	}
	if len(skipped) > 0 {
		t.Errorf("skipped: %v", skipped)
	}
	want := []struct {
		name string
		err  error
	}{
		{"../evil.LOG", inputs.ErrUnsafeName},
		{"/abs/SEND2024030520-1.LOG", inputs.ErrUnsafeName},
		{"C:/Windows/SEND2024030520-1.LOG", inputs.ErrUnsafeName},
		{"ok/a/../../../SEND2024030520-1.LOG", inputs.ErrUnsafeName},
		{"ok/?[2JSEND2024030520-6.LOG", inputs.ErrUnsafeName},
		{"ok/SEND2024030520-2.LOG", inputs.ErrTooLarge},
		{"ok/SEND2024030520-4.LOG", inputs.ErrEncrypted},
		{"ok/SEND2024030520-5.LOG", inputs.ErrCompression},
	}
	if len(errs) != len(want) {
		t.Fatalf("%d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i, w := range want {
		var ae *inputs.ArchiveError
		if !errors.As(errs[i], &ae) || ae.Name != p+":"+w.name || !errors.Is(errs[i], w.err) {
			t.Errorf("error %d = %v, want an ArchiveError for %s wrapping %v", i, errs[i], w.name, w.err)
		}
		if strings.ContainsRune(errs[i].Error(), 0x1b) {
			t.Errorf("error %d carries an escape character: %q", i, errs[i])
		}
	}
	if msg := errs[0].Error(); !strings.Contains(msg, "never writes") {
		t.Errorf("unsafe name message %q does not say members are not written to disk", msg)
	}
}

func TestCollectErrors(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, filepath.Join(dir, "SEND2024030520-1.LOG"), []byte(tree[wantOrder[0]]))
	corrupt := writeFile(t, filepath.Join(dir, "corrupt.zip"), []byte("PK\x03\x04 this is not a zip archive at all"))
	truncated := zipBytes(t, treeMembers("")...)
	cut := writeFile(t, filepath.Join(dir, "cut.zip"), truncated[:len(truncated)/2])
	nologs := writeFile(t, filepath.Join(dir, "nologs.zip"), zipBytes(t, member{name: "readme.txt", body: "hi"}))
	empty := filepath.Join(dir, "empty")
	writeFile(t, filepath.Join(empty, "sub", "readme.txt"), []byte("hi"))
	writeFile(t, filepath.Join(empty, "sub", "bundle.zip"), zipBytes(t, member{name: "SEND2024030520-1.LOG", body: "x"}))
	missing := filepath.Join(dir, "missing")

	ins, _, errs := inputs.Collect([]string{missing, corrupt, cut, nologs, empty, good}, inputs.Options{})
	defer inputs.Cleanup()
	if got, want := names(ins), []string{good}; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("names = %q, want %q", got, want)
	}
	if len(errs) != 5 {
		t.Fatalf("errs = %v, want 5", errs)
	}
	var pe *fs.PathError
	if !errors.Is(errs[0], fs.ErrNotExist) || !errors.As(errs[0], &pe) || pe.Path != missing {
		t.Errorf("missing path: %v", errs[0])
	}
	for i, p := range []string{corrupt, cut} {
		var ae *inputs.ArchiveError
		if !errors.Is(errs[1+i], inputs.ErrBadArchive) || !errors.As(errs[1+i], &ae) || ae.Name != p {
			t.Errorf("bad zip %s: %v", p, errs[1+i])
		}
	}
	for i, p := range []string{nologs, empty} {
		if !errors.Is(errs[3+i], inputs.ErrNoLogs) || !errors.As(errs[3+i], &pe) || pe.Path != p {
			t.Errorf("no logs in %s: %v", p, errs[3+i])
		}
	}
	if !strings.Contains(errs[4].Error(), "1 .zip file") {
		t.Errorf("folder with a zip and no logs: %v, want a hint at the zip", errs[4])
	}
}

func TestCollectSinceUntil(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for h := 17; h <= 23; h++ {
		files[fmt.Sprintf("hourly/SEND20240305%02d-1.LOG", h)] = "h"
	}
	for _, d := range []string{"20240304", "20240305", "20240306"} {
		files["daily/SEND"+d+"-1.LOG"] = "d"
		files["daily/RECV"+d+"-1.LOG.gz"] = string(gzBytes(t, "r"))
	}
	files["hourly/notalog.log"] = "kept: no date in the name"
	writeTree(t, dir, files)
	var ms []member
	for h := 17; h <= 23; h++ {
		ms = append(ms, member{name: fmt.Sprintf("EXCH01/SEND20240305%02d-1.LOG", h), body: "z"})
	}
	zp := writeFile(t, filepath.Join(dir, "z", "bundle.zip"), zipBytes(t, ms...))

	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	kept := func(ins []inputs.Input) string {
		var s []string
		for _, in := range ins {
			n := filepath.ToSlash(in.Name)
			s = append(s, n[strings.LastIndexAny(n, "/:")+1:])
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct {
		name         string
		since, until string
		want         string
		skipped      int
	}{
		{"unbounded", "", "", "RECV20240304-1.LOG.gz RECV20240305-1.LOG.gz RECV20240306-1.LOG.gz SEND20240304-1.LOG SEND20240305-1.LOG SEND20240306-1.LOG " +
			"SEND2024030517-1.LOG SEND2024030518-1.LOG SEND2024030519-1.LOG SEND2024030520-1.LOG SEND2024030521-1.LOG SEND2024030522-1.LOG SEND2024030523-1.LOG notalog.log " +
			"SEND2024030517-1.LOG SEND2024030518-1.LOG SEND2024030519-1.LOG SEND2024030520-1.LOG SEND2024030521-1.LOG SEND2024030522-1.LOG SEND2024030523-1.LOG", 0},
		// 18:00-19:00 ends 20:00 with the margin: out; 22:00 starts 21:00 with it: in.
		{"window", "2024-03-05T20:30:00Z", "2024-03-05T21:30:00Z", "RECV20240305-1.LOG.gz SEND20240305-1.LOG " +
			"SEND2024030519-1.LOG SEND2024030520-1.LOG SEND2024030521-1.LOG SEND2024030522-1.LOG notalog.log " +
			"SEND2024030519-1.LOG SEND2024030520-1.LOG SEND2024030521-1.LOG SEND2024030522-1.LOG", 4 + 3 + 3},
		// Exactly at the margin: a file whose hour plus one hour ends at --since is out...
		{"since at margin", "2024-03-05T20:00:00Z", "", "RECV20240305-1.LOG.gz RECV20240306-1.LOG.gz SEND20240305-1.LOG SEND20240306-1.LOG " +
			"SEND2024030519-1.LOG SEND2024030520-1.LOG SEND2024030521-1.LOG SEND2024030522-1.LOG SEND2024030523-1.LOG notalog.log " +
			"SEND2024030519-1.LOG SEND2024030520-1.LOG SEND2024030521-1.LOG SEND2024030522-1.LOG SEND2024030523-1.LOG", 2 + 2 + 2},
		// ...a second earlier it is in; and the day before ends at 00:00 + 1h.
		{"since inside margin", "2024-03-05T19:59:59Z", "", "RECV20240305-1.LOG.gz RECV20240306-1.LOG.gz SEND20240305-1.LOG SEND20240306-1.LOG " +
			"SEND2024030518-1.LOG SEND2024030519-1.LOG SEND2024030520-1.LOG SEND2024030521-1.LOG SEND2024030522-1.LOG SEND2024030523-1.LOG notalog.log " +
			"SEND2024030518-1.LOG SEND2024030519-1.LOG SEND2024030520-1.LOG SEND2024030521-1.LOG SEND2024030522-1.LOG SEND2024030523-1.LOG", 2 + 1 + 1},
		{"daily since margin", "2024-03-05T00:59:59Z", "2024-03-05T18:00:00Z", "RECV20240304-1.LOG.gz RECV20240305-1.LOG.gz SEND20240304-1.LOG SEND20240305-1.LOG " +
			"SEND2024030517-1.LOG SEND2024030518-1.LOG SEND2024030519-1.LOG notalog.log " +
			"SEND2024030517-1.LOG SEND2024030518-1.LOG SEND2024030519-1.LOG", 2 + 4 + 4},
		// The next day starts at 00:00, within an hour of --until 23:00.
		{"until margin", "", "2024-03-05T23:00:00Z", "RECV20240304-1.LOG.gz RECV20240305-1.LOG.gz RECV20240306-1.LOG.gz SEND20240304-1.LOG SEND20240305-1.LOG SEND20240306-1.LOG " +
			"SEND2024030517-1.LOG SEND2024030518-1.LOG SEND2024030519-1.LOG SEND2024030520-1.LOG SEND2024030521-1.LOG SEND2024030522-1.LOG SEND2024030523-1.LOG notalog.log " +
			"SEND2024030517-1.LOG SEND2024030518-1.LOG SEND2024030519-1.LOG SEND2024030520-1.LOG SEND2024030521-1.LOG SEND2024030522-1.LOG SEND2024030523-1.LOG", 0},
		{"until before margin", "", "2024-03-05T22:59:59Z", "RECV20240304-1.LOG.gz RECV20240305-1.LOG.gz SEND20240304-1.LOG SEND20240305-1.LOG " +
			"SEND2024030517-1.LOG SEND2024030518-1.LOG SEND2024030519-1.LOG SEND2024030520-1.LOG SEND2024030521-1.LOG SEND2024030522-1.LOG SEND2024030523-1.LOG notalog.log " +
			"SEND2024030517-1.LOG SEND2024030518-1.LOG SEND2024030519-1.LOG SEND2024030520-1.LOG SEND2024030521-1.LOG SEND2024030522-1.LOG SEND2024030523-1.LOG", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o inputs.Options
			if tc.since != "" {
				o.Since = at(tc.since)
			}
			if tc.until != "" {
				o.Until = at(tc.until)
			}
			ins, skipped, errs := inputs.Collect([]string{filepath.Join(dir, "daily"), filepath.Join(dir, "hourly"), zp}, o)
			defer inputs.Cleanup()
			if len(errs) > 0 {
				t.Fatalf("errs: %v", errs)
			}
			if got := kept(ins); got != tc.want {
				t.Errorf("kept:\n%s\nwant\n%s", got, tc.want)
			}
			if len(skipped) != tc.skipped {
				t.Errorf("%d skipped, want %d: %v", len(skipped), tc.skipped, skipped)
			}
			for _, s := range skipped {
				if !strings.Contains(s.Reason, "--since") && !strings.Contains(s.Reason, "--until") {
					t.Errorf("skipped %s: reason %q names neither bound", s.Name, s.Reason)
				}
			}
		})
	}
	// Everything named outside: skipped, not an error.
	ins, skipped, errs := inputs.Collect([]string{filepath.Join(dir, "daily")}, inputs.Options{Since: at("2024-04-01T00:00:00Z")})
	defer inputs.Cleanup()
	if len(ins) != 0 || len(skipped) != 6 || len(errs) != 0 {
		t.Errorf("all outside: %d inputs, %d skipped, errors %v", len(ins), len(skipped), errs)
	}
	if want := "named for 2024-03-04 UTC (day), before --since"; skipped[0].Reason != want {
		t.Errorf("Reason = %q, want %q", skipped[0].Reason, want)
	}
}

func TestStdin(t *testing.T) {
	for _, tc := range []struct{ name, in string }{{"plain", "rows"}, {"gzip", string(gzBytes(t, "rows"))}} {
		t.Run(tc.name, func(t *testing.T) {
			ins, _, errs := inputs.Collect([]string{"-", "-"}, inputs.Options{Stdin: strings.NewReader(tc.in)})
			if len(errs) > 0 || len(ins) != 1 {
				t.Fatalf("%d inputs, errors %v; want 1", len(ins), errs)
			}
			in := ins[0]
			if in.Name != "-" || in.Size != -1 || in.Source.Key != "-" {
				t.Errorf("stdin input: %+v", in)
			}
			if d, err := inputs.PeekDate(in); !d.IsZero() || err != nil {
				t.Errorf("PeekDate(stdin) = %v, %v; want zero, nil", d, err)
			}
			if got := read(t, in); got != "rows" {
				t.Errorf("read %q", got)
			}
			if _, err := in.Open(); !errors.Is(err, inputs.ErrStdinOnce) {
				t.Errorf("second Open: %v, want ErrStdinOnce", err)
			}
		})
	}
}

func TestPeekDate(t *testing.T) {
	dir := t.TempDir()
	withDate := tree[wantOrder[0]]
	utf16 := func(s string) string {
		b := []byte{0xff, 0xfe}
		for _, r := range strings.TrimPrefix(s, "\ufeff") {
			b = append(b, byte(r), byte(r>>8))
		}
		return string(b)
	}
	files := map[string]string{
		"a/SEND2024030520-1.LOG": withDate,
		"b/SEND2024030520-1.LOG": "2024-03-05T20:00:44.100Z,Outbound,08DC3C8E5F1A2B41,0,,52.101.68.12:25,*,,attempting to connect\r\n",
		"c/SEND2024030520-1.LOG": "",
		"d/SEND2024030520-1.LOG": utf16(withDate),
		"e/SEND2024030520-1.LOG": withDate + strings.Repeat("2024-03-05T20:00:44.100Z,Outbound,08DC3C8E5F1A2B41,0,,52.101.68.12:25,*,,attempting to connect\r\n", 100000),
	}
	writeTree(t, dir, files)
	zp := writeFile(t, filepath.Join(dir, "z.zip"), zipBytes(t, member{name: "x/SEND2024030520-1.LOG.gz", body: string(gzBytes(t, withDate))}))
	ins, _, errs := inputs.Collect([]string{dir, zp}, inputs.Options{})
	defer inputs.Cleanup()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	date := time.Date(2024, 3, 5, 20, 0, 3, 412e6, time.UTC)
	want := map[string]time.Time{"a": date, "b": {}, "c": {}, "d": date, "e": date, "z": date}
	if len(ins) != len(want) {
		t.Fatalf("inputs: %q", names(ins))
	}
	for _, in := range ins {
		key := filepath.Base(filepath.Dir(in.Name))
		if strings.Contains(in.Name, "z.zip:") {
			key = "z"
		}
		got, err := inputs.PeekDate(in)
		if err != nil || !got.Equal(want[key]) {
			t.Errorf("PeekDate(%s) = %v, %v; want %v", in.Name, got, err, want[key])
		}
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2024, 3, 6, 12, 0, 0, 0, time.UTC)
	utc := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2024-03-05T20:00:00Z", utc(2024, 3, 5, 20, 0, 0)},
		{"2024-03-05T20:00:00.5Z", utc(2024, 3, 5, 20, 0, 0).Add(500 * time.Millisecond)},
		{"2024-03-05T21:00:00+01:00", utc(2024, 3, 5, 20, 0, 0)},
		{"2024-03-05T15:00:00-05:00", utc(2024, 3, 5, 20, 0, 0)},
		{"2024-03-05T20:00Z", utc(2024, 3, 5, 20, 0, 0)},
		{"2024-03-05 20:00:00+00:00", utc(2024, 3, 5, 20, 0, 0)},
		{"2024-03-05", utc(2024, 3, 5, 0, 0, 0)},
		{" 2024-03-05 ", utc(2024, 3, 5, 0, 0, 0)},
		{"2024-03-05 20:00", utc(2024, 3, 5, 20, 0, 0)},
		{"2024-03-05 20:00:30", utc(2024, 3, 5, 20, 0, 30)},
		{"2024-03-05T20:00", utc(2024, 3, 5, 20, 0, 0)},
		{"2024-03-05T20:00:30", utc(2024, 3, 5, 20, 0, 30)},
		{"24h", utc(2024, 3, 5, 12, 0, 0)},
		{"90m", utc(2024, 3, 6, 10, 30, 0)},
		{"7d", utc(2024, 2, 28, 12, 0, 0)},
		{"2w", utc(2024, 2, 21, 12, 0, 0)},
		{"1d12h", utc(2024, 3, 5, 0, 0, 0)},
		{"1.5h", utc(2024, 3, 6, 10, 30, 0)},
		{"30s", utc(2024, 3, 6, 11, 59, 30)},
		{"0h", now},
	} {
		got, err := inputs.ParseTime(tc.in, now)
		if err != nil || !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "yesterday", "24", "24x", "h", "-24h", "2024-03-05T25:00:00Z", "2024-02-30", "2024-3-5", "05/03/2024", "20:00", "1.2.3h", "99999999999w", "2024-03-05T20:00:00 CET"} {
		if got, err := inputs.ParseTime(in, now); !errors.Is(err, inputs.ErrBadTime) {
			t.Errorf("ParseTime(%q) = %v, %v; want ErrBadTime", in, got, err)
		}
	}
}

// BenchmarkZipRead reads every member of a zip holding 20 MB of logs.
func BenchmarkZipRead(b *testing.B) {
	const members, perMember = 4, 5 << 20
	var ms []member
	var total int64
	for i := range members {
		var sb strings.Builder
		sb.WriteString(logText("2024-03-05T20:00:03.412Z", "08DC3C8E5F1A2B01"))
		for n := 0; sb.Len() < perMember; n++ {
			fmt.Fprintf(&sb, "2024-03-05T20:%02d:%02d.%03dZ,Outbound to Office 365,08DC3C8E5F1A%04X,%d,192.0.2.21:%d,52.101.68.12:25,>,RCPT TO:<user%d@contoso.com>,\r\n",
				n/60000%60, n/1000%60, n%1000, n%9999, n%40, 50000+n%10000, n)
		}
		ms = append(ms, member{name: fmt.Sprintf("EXCH01/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend/SEND2024030520-%d.LOG", i+1), body: sb.String()})
		total += int64(sb.Len())
	}
	p := writeFile(b, filepath.Join(b.TempDir(), "bundle.zip"), zipBytes(b, ms...))
	ins, _, errs := inputs.Collect([]string{p}, inputs.Options{})
	defer inputs.Cleanup()
	if len(errs) > 0 || len(ins) != members {
		b.Fatalf("%d inputs, errors %v", len(ins), errs)
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range ins {
			rc, err := in.Open()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, rc); err != nil {
				b.Fatal(err)
			}
			rc.Close()
		}
	}
}
