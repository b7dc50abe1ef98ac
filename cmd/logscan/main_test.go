package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/internal/synth"
	"github.com/logscan/logscan/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	samples    = "../../testdata/samples"
	exports    = "../../testdata/exports"
	exch01Send = samples + "/EXCH01/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend"
)

// allExports names the Exchange Online and on-premises exports of the
// contoso scenario, with the given send-connector export.
func allExports(send string) []string {
	return []string{"--connectors", exports + "/inbound-connectors.json", "--accepted-domains", exports + "/accepted-domains.csv",
		"--send-connectors", exports + "/" + send, "--certificates", exports + "/certificates.txt"}
}

// cli runs logscan in-process.
func cli(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Setenv("SOURCE_DATE_EPOCH", "1709668800") // 2024-03-05T20:00:00Z
	t.Setenv("COLUMNS", "140")
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// golden compares got with testdata/name, or rewrites it with -update.
// A mismatch is written next to it as name.got-* (ignored by git).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		gotPath := path + ".got-" + filepath.Ext(name)[1:]
		os.WriteFile(gotPath, []byte(got), 0o644)
		t.Errorf("output differs from %s; got written to %s (diff them, then go test -update if right)", path, gotPath)
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"samples.txt", []string{samples}, 1},
		{"samples.json", []string{"--format", "json", samples}, 1},
		{"samples.ndjson", []string{"-f", "ndjson", samples}, 1},
		{"exch01-send.txt", []string{exch01Send}, 1},
		// The renamed certificate: TenantAttribution, explained from the exports.
		{"diagnose-tenant.txt", append(allExports("send-connectors-ok.txt"), exch01Send), 1},
		{"diagnose-tenant.json", append(allExports("send-connectors-ok.txt"), "--format", "json", exch01Send), 1},
		// The legacy smart host: ATTR35.
		{"diagnose-attr35.txt", []string{"--send-connectors", exports + "/send-connectors-legacy.txt", exch01Send}, 1},
		{"explain.txt", []string{"explain", "5.7.64", "ATTR35", "attr36", "451", "4.7.512", "TenantAttribution"}, 0},
		{"diagnose-tenant.html", append(allExports("send-connectors-ok.txt"), "--format", "html", exch01Send), 1},
		{"samples.csv", []string{"--format", "csv", samples}, 1},
		{"show.txt", []string{"show", "08DC3C8E5F1A2B63", exch01Send}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := cli(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			golden(t, tt.name, stdout)
			golden(t, tt.name+".stderr", stderr)
		})
	}
}

// The NDJSON contract: every documented field is present on every line.
func TestNDJSONFields(t *testing.T) {
	stdout, _, code := cli(t, "", "--format", "ndjson", "--fail-on", "never", samples)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	required := strings.Fields(`source log_type connector session_id start end complete local remote remote_host ehlo
		seen_ip starttls tls tls_error connect_error local_cert remote_cert messages final outcome disconnect findings first`)
	outcomes := map[string]bool{"delivered": true, "deferred": true, "rejected": true, "failed": true, "incomplete": true, "idle": true}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) < 10 {
		t.Fatalf("only %d sessions", len(lines))
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for _, k := range required {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d: no %q", i+1, k)
			}
		}
		if !outcomes[m["outcome"].(string)] {
			t.Errorf("line %d: outcome %v", i+1, m["outcome"])
		}
		if f, ok := m["final"].(map[string]any); ok {
			if _, isNum := f["code"].(float64); !isNum {
				t.Errorf("line %d: final.code is not a number", i+1)
			}
		}
	}
}

// Reading from standard input finds the same sessions as reading the file.
func TestStdin(t *testing.T) {
	file := samples + "/EXCH01/TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpReceive/RECV2024030520-1.LOG"
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fromFile, _, _ := cli(t, "", "-f", "ndjson", file)
	for _, args := range [][]string{{"-f", "ndjson", "--fail-on", "never"}, {"-f", "ndjson", "--fail-on", "never", "-"}} {
		fromStdin, stderr, code := cli(t, string(body), args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if a, b := ids(t, fromFile), ids(t, fromStdin); a != b {
			t.Errorf("%v: sessions differ:\nfile  %s\nstdin %s", args, a, b)
		}
	}
}

func ids(t *testing.T, ndjson string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(ndjson), "\n") {
		var s struct {
			ID      string `json:"session_id"`
			Outcome string `json:"outcome"`
			Rows    int    `json:"rows"`
		}
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s.ID+":"+s.Outcome+":"+strconv.Itoa(s.Rows))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unknown flag", []string{"--bogus"}, 2, "unknown flag: --bogus"},
		{"bad format", []string{"--format", "xml", samples}, 2, `unknown --format "xml"`},
		{"missing path", []string{"does-not-exist"}, 2, "does-not-exist: no such file or folder"},
		{"empty folder", []string{t.TempDir()}, 2, "no protocol logs (*.LOG) found"},
		{"help", []string{"--help"}, 0, "Usage:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := cli(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.stderr)
			}
		})
	}
	// One missing path among readable ones: reported, and the rest is read.
	stdout, stderr, code := cli(t, "", "--fail-on", "never", "nope.LOG", samples+"/oddities/SEND-no-header-lf.LOG")
	if code != 0 || !strings.Contains(stderr, "nope.LOG: no such file or folder") || !strings.Contains(stdout, "Sessions: 1") {
		t.Errorf("exit %d\nstderr %s\nstdout %s", code, stderr, stdout)
	}
}

func TestOutputFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "summary.json")
	_, stderr, code := cli(t, "", "--format", "json", "--fail-on", "never", "-o", out, samples)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Schema  string `json:"schema"`
		Summary struct {
			Sessions int `json:"sessions"`
		} `json:"summary"`
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.Schema != "logscan/v1" || doc.Summary.Sessions == 0 {
		t.Fatalf("document: %v %+v", err, doc)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	// An unwritable place is a clear error and leaves nothing.
	_, stderr, code = cli(t, "", "-o", filepath.Join(dir, "no", "such", "dir", "r.txt"), samples)
	if code != 2 || !strings.Contains(stderr, "cannot write") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// Sessions that synth writes across many rolled-over files of several
// servers and services all come back whole: the count matches, every one
// is complete, and nothing is unreadable.
func TestGeneratedTreeJoinsAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	for _, typ := range []string{"send", "receive"} {
		files, err := synth.WriteTree(dir, synth.Options{Seed: 7, Sessions: 1200, LogType: typ, Layout: "mixed",
			FailureRate: 0.2, CertChangeAt: 0.5}, 2, 48<<10)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) < 12 {
			t.Fatalf("%s: only %d files; want many rollovers", typ, len(files))
		}
	}
	stdout, stderr, code := cli(t, "", "--format", "json", "--fail-on", "never", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Summary struct {
			Sessions, Incomplete, BadRows, Evicted int
			ByOutcome                              map[string]int `json:"by_outcome"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Summary
	if s.Sessions != 2400 || s.Incomplete != 0 || s.BadRows != 0 || s.Evicted != 0 {
		t.Errorf("summary = %+v; want 2400 sessions, all complete", s)
	}
	for _, o := range []string{"delivered", "rejected", "deferred", "failed"} {
		if s.ByOutcome[o] == 0 {
			t.Errorf("no %s sessions: %v", o, s.ByOutcome)
		}
	}
}

func TestFailOn(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{exch01Send}, 1},                       // errors found, default --fail-on error
		{[]string{"--fail-on", "never", exch01Send}, 0}, // report only
		{[]string{"--fail-on", "warning", samples + "/oddities/SEND-no-header-lf.LOG"}, 0},
		{[]string{samples + "/EXCH02"}, 1}, // a TLS failure is an error
		{[]string{"--fail-on", "bogus", exch01Send}, 2},
		{append(allExports("send-connectors-ok.txt"), "--fail-on", "never", exch01Send), 0},
	}
	for _, tt := range tests {
		_, stderr, code := cli(t, "", tt.args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (%s)", tt.args, code, tt.code, stderr)
		}
	}
}

func TestBrokenExport(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "inbound.json")
	os.WriteFile(bad, []byte("[\n  {\n    \"Name\": \"Inbound from x\",\n    \"Enabled\": true,\n"), 0o644)
	_, stderr, code := cli(t, "", "--connectors", bad, exch01Send)
	if code != 2 || !strings.Contains(stderr, bad+":") {
		t.Errorf("exit %d, stderr %q; want 2 and the file:line", code, stderr)
	}
	_, stderr, code = cli(t, "", "--accepted-domains", filepath.Join(dir, "missing.csv"), exch01Send)
	if code != 2 || !strings.Contains(stderr, "missing.csv: no such file") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// Sessions in NDJSON carry the ids of their findings.
func TestNDJSONFindings(t *testing.T) {
	stdout, _, _ := cli(t, "", append(allExports("send-connectors-ok.txt"), "-f", "ndjson", exch01Send)...)
	want := map[string]string{
		"08DC3C8E5F1A2B63": "tenant-attribution-denied",
		"08DC3C8E5F1A2B43": "attr35-wrong-region",
		"08DC3C8E5F1A2B4C": "attr36-relay-denied",
		"08DC3C8E5F1A2B61": "tls-negotiation-failed",
	}
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var s struct {
			ID       string   `json:"session_id"`
			Findings []string `json:"findings"`
		}
		json.Unmarshal([]byte(l), &s)
		if w, ok := want[s.ID]; ok {
			if !slices.Contains(s.Findings, w) {
				t.Errorf("%s: findings %v lack %s", s.ID, s.Findings, w)
			}
			if w == "tenant-attribution-denied" && !slices.Contains(s.Findings, "cert-name-mismatch") {
				t.Errorf("%s: findings %v lack cert-name-mismatch", s.ID, s.Findings)
			}
			delete(want, s.ID)
		}
	}
	if len(want) > 0 {
		t.Errorf("sessions not seen: %v", want)
	}
}

// Log text is hostile: EHLO names, connector names, certificate subjects
// and replies that carry markup must reach the HTML report as inert text.
func TestHTMLInjection(t *testing.T) {
	stdout, stderr, code := cli(t, "", "--format", "html", "../../testdata/hostile")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, probe := range []string{`alert("banner")`, "alert(document.cookie)", `alert("cert")`, `alert("reply")`, "alert(4)", "alert(5)"} {
		if !strings.Contains(strings.ReplaceAll(stdout, "&#34;", `"`), probe) {
			t.Errorf("the hostile text %q is not shown at all", probe)
		}
	}
	lower := strings.ToLower(stdout)
	for tag, want := range map[string]int{"<script": 1, "</script": 1, "<img": 0, "<svg": 1, "</style": 1, "<body": 1} {
		if got := strings.Count(lower, tag); got != want {
			t.Errorf("%q occurs %d times, want %d (only logscan's own markup)", tag, got, want)
		}
	}
	for _, raw := range []string{"</title><script", "</style><script", `"><img`, `"><svg`, "<body onload", `href="javascript:`} {
		if strings.Contains(lower, raw) {
			t.Errorf("raw markup from the log: %q", raw)
		}
	}
	if !strings.Contains(lower, "&lt;/title&gt;&lt;script&gt;") {
		t.Errorf("the certificate name's </title><script> is not shown escaped")
	}
	for _, attr := range []string{" onerror=", " onload="} {
		if i := strings.Index(lower, attr); i >= 0 && !strings.Contains(lower[max(0, i-40):i], "&lt;") {
			t.Errorf("an unescaped %s attribute: %q", attr, lower[max(0, i-60):i+20])
		}
	}
	// The other outputs carry the text too, and never let control bytes
	// or markup change how they render.
	text, _, _ := cli(t, "", "../../testdata/hostile")
	if !strings.Contains(text, `<script>alert("reply")</script>`) {
		t.Errorf("text output lost the hostile reply")
	}
}

func TestCSV(t *testing.T) {
	stdout, _, _ := cli(t, "", "--format", "csv", exch01Send)
	if !strings.HasPrefix(stdout, "\ufeffsource,server,") {
		t.Fatalf("no BOM and header: %q", stdout[:min(40, len(stdout))])
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(stdout, "\ufeff")))
	recs, err := r.ReadAll()
	if err != nil || len(recs) != 14 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	for _, rec := range recs[1:] {
		if len(rec) != len(recs[0]) {
			t.Errorf("ragged row %v", rec)
		}
	}
	// A formula in log text is defused for spreadsheets.
	hostile, _, _ := cli(t, "", "--format", "csv", "../../testdata/hostile")
	if strings.Contains(hostile, ",=") || strings.Contains(hostile, ",+") {
		t.Errorf("a cell starts with a formula character")
	}
}

func TestShow(t *testing.T) {
	out, _, code := cli(t, "", "show", "08dc3c8e5f1a2b70", exch01Send)
	if code != 0 || !strings.Contains(out, "Outcome: rejected") || !strings.Contains(out, "tenant-attribution-denied") ||
		!strings.Contains(out, "SEND2024030520-2.LOG") || !strings.Contains(out, "SEND2024030521-1.LOG") {
		t.Errorf("show across files: exit %d\n%s", code, out)
	}
	_, stderr, code := cli(t, "", "show", "0000000000000000", exch01Send)
	if code != 2 || !strings.Contains(stderr, "no session 0000000000000000") {
		t.Errorf("unknown id: exit %d %q", code, stderr)
	}
	_, _, code = cli(t, "", "show")
	if code != 2 {
		t.Errorf("show without id: exit %d", code)
	}
}

// trace follows a message by its InternetMessageId across servers.
func TestTrace(t *testing.T) {
	dir := t.TempDir()
	body, err := os.ReadFile(exch01Send + "/SEND2024030520-1.LOG")
	if err != nil {
		t.Fatal(err)
	}
	for _, srv := range []string{"EXCH01", "EXCH09"} {
		d := filepath.Join(dir, srv, "TransportRoles", "Logs", "Hub", "ProtocolLog", "SmtpSend")
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, "SEND2024030520-1.LOG"), body, 0o644)
	}
	id := "<17297365d66b10f2c5f4de7bd1bd8cd3@EXCH01.contoso.com>"
	out, stderr, code := cli(t, "", "trace", id, dir)
	if code != 0 || !strings.Contains(out, "2 sessions") || !strings.Contains(out, "EXCH09 Hub") || !strings.Contains(out, "EXCH01 Hub") {
		t.Errorf("exit %d %s\n%s", code, stderr, out)
	}
	_, stderr, code = cli(t, "", "trace", "<nope@x>", dir)
	if code != 2 || !strings.Contains(stderr, "no message") {
		t.Errorf("unknown id: exit %d %q", code, stderr)
	}
}

// The progress line is for terminals only: a pipe or a file gets none.
func TestNoProgressWhenNotATerminal(t *testing.T) {
	_, stderr, _ := cli(t, "", "--fail-on", "never", samples)
	if strings.Contains(stderr, "\r") || strings.Contains(stderr, "files,") {
		t.Errorf("progress on a non-terminal stderr: %q", stderr)
	}
	if p := newProgress(os.Stderr, true, 100, 1); p != nil && !isTerminal(os.Stderr) {
		t.Errorf("progress enabled on a non-terminal")
	}
}

// Parsing files in parallel and stitching the sessions that cross them
// gives exactly what reading them one after another gives: the same
// sessions in the same order, the same findings, byte for byte.
func TestParallelMatchesSequential(t *testing.T) {
	dir := t.TempDir()
	for i, typ := range []string{"send", "receive"} {
		if _, err := synth.WriteTree(dir, synth.Options{Seed: int64(11 + i), Sessions: 900, LogType: typ, Layout: "mixed",
			FailureRate: 0.2, CertChangeAt: 0.4, Interleave: 12}, 2, 24<<10); err != nil {
			t.Fatal(err)
		}
	}
	// A folder holding copies of one log (a session id starts again in
	// another file), and the damaged copies, which share session ids.
	copies := t.TempDir()
	log, err := os.ReadFile(filepath.Join(samples, "EXCH01", "TransportRoles", "Logs", "Hub", "ProtocolLog", "SmtpSend", "SEND2024030520-1.LOG"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"SEND2024030520-1.LOG", "SEND2024030520-1 - Copy.LOG", "SEND2024030520-2.LOG"} {
		if err := os.WriteFile(filepath.Join(copies, name), log, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{dir, copies, filepath.Join("..", "..", "testdata", "damaged")} {
		for _, format := range []string{"ndjson", "json", "html"} {
			one, _, code1 := cli(t, "", "-j", "1", "-f", format, d)
			four, _, code4 := cli(t, "", "-j", "4", "-f", format, d)
			if code1 != code4 || one != four {
				t.Errorf("%s, %s: -j 1 and -j 4 differ (exit %d, %d; %d and %d bytes)", d, format, code1, code4, len(one), len(four))
			}
		}
	}
	// And the sessions are whole: every one complete.
	out, _, _ := cli(t, "", "-j", "4", "-f", "json", "--fail-on", "never", dir)
	if !strings.Contains(out, `"incomplete": 0,`) {
		t.Errorf("sessions were split across files")
	}
}

// A support bundle: the sample tree zipped, read directly, gives the same
// sessions as the folder; the server comes from the path inside the zip.
func TestZipBundle(t *testing.T) {
	zipPath := filepath.Join(t.TempDir(), "bundle.zip")
	f, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	root := samples + "/EXCH01"
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(samples, p)
		w, _ := zw.Create(filepath.ToSlash(rel))
		b, _ := os.ReadFile(p)
		w.Write(b)
		return nil
	})
	zw.Close()
	f.Close()
	fromDir, _, _ := cli(t, "", "-f", "ndjson", "--fail-on", "never", root)
	fromZip, stderr, code := cli(t, "", "-f", "ndjson", "--fail-on", "never", zipPath)
	if code != 0 || ids(t, fromDir) != ids(t, fromZip) {
		t.Fatalf("zip: exit %d %s\ndir %s\nzip %s", code, stderr, ids(t, fromDir), ids(t, fromZip))
	}
	if !strings.Contains(fromZip, `"server":"EXCH01","service":"Hub"`) {
		t.Errorf("server not taken from inside the zip")
	}
}

func TestSinceUntil(t *testing.T) {
	count := func(args ...string) int {
		out, stderr, code := cli(t, "", append([]string{"-f", "ndjson", "--fail-on", "never"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, stderr)
		}
		return strings.Count(out, "\n")
	}
	all := count(exch01Send)
	late := count("--since", "2024-03-05T20:40:00Z", exch01Send)
	early := count("--until", "2024-03-05T20:40:00Z", exch01Send)
	if all != 13 || late+early != all || late == 0 || early == 0 {
		t.Errorf("all %d, since %d, until %d", all, late, early)
	}
	// The daily EXCH02 file of March 5 is skipped unread for a later day.
	_, stderr, code := cli(t, "", "--since", "2024-03-07", samples+"/EXCH02")
	if code != 2 || !strings.Contains(stderr, "outside --since/--until") {
		t.Errorf("exit %d %q", code, stderr)
	}
	_, stderr, code = cli(t, "", "--since", "yesterday-ish", exch01Send)
	if code != 2 || !strings.Contains(stderr, "--since") {
		t.Errorf("bad time: exit %d %q", code, stderr)
	}
}

// --redact leaves no e-mail address, customer IP address, organisation
// domain or server name from the input in any output format.
func TestRedactNoLeaks(t *testing.T) {
	plain, _, _ := cli(t, "", append(allExports("send-connectors-ok.txt"), "-f", "ndjson", "--fail-on", "never", samples)...)
	secrets := map[string]bool{}
	addDomain := func(h string) {
		h = strings.ToLower(strings.Trim(strings.TrimPrefix(h, "*."), "[]<> "))
		if h == "" || analyze.IsEXOHost(h) || strings.HasSuffix(h, "microsoft.com") || strings.HasSuffix(h, "digicert.com") {
			return
		}
		labels := strings.Split(h, ".")
		if len(labels) >= 2 {
			secrets[strings.Join(labels[len(labels)-2:], ".")] = true // the organisation's domain
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(plain), "\n") {
		var s report.Session
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatal(err)
		}
		for _, ep := range []string{s.Local, s.Remote, s.SeenIP} {
			host := ep
			if i := strings.LastIndexByte(ep, ':'); i > 0 && strings.Count(ep, ":") == 1 {
				host = ep[:i]
			}
			if host != "" && !analyze.IsEOPAddress(host) {
				secrets[host] = true
			}
		}
		if s.Server != "" {
			secrets[strings.ToLower(s.Server)] = true
		}
		for _, m := range s.Messages {
			for _, a := range append([]string{m.From}, m.To...) {
				if i := strings.LastIndexByte(a, '@'); i > 0 {
					secrets[strings.ToLower(a)] = true
					addDomain(a[i+1:])
				}
			}
		}
		addDomain(s.EHLO)
		if c := s.LocalCert; c != nil {
			for _, n := range c.SAN {
				addDomain(n)
			}
		}
	}
	delete(secrets, "")
	if len(secrets) < 10 || !secrets["contoso.com"] || !secrets["exch01"] {
		t.Fatalf("too few originals collected to test: %v", secrets)
	}
	for _, format := range []string{"text", "json", "ndjson", "csv", "html"} {
		out, stderr, code := cli(t, "", append(allExports("send-connectors-ok.txt"), "--redact", "-f", format, "--fail-on", "never", samples)...)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", format, code, stderr)
		}
		lower := strings.ToLower(out)
		for secret := range secrets {
			if i := strings.Index(lower, secret); i >= 0 {
				t.Errorf("%s: %q survives redaction: …%s…", format, secret, out[max(0, i-60):min(len(out), i+40)])
			}
		}
		if format == "html" && !strings.Contains(out, "This report is redacted") {
			t.Errorf("html does not say it is redacted")
		}
	}
	// The same key gives the same pseudonyms in two runs.
	a, _, _ := cli(t, "", "--redact-key", "s3cret", "-f", "ndjson", "--fail-on", "never", exch01Send)
	b, _, _ := cli(t, "", "--redact-key", "s3cret", "-f", "ndjson", "--fail-on", "never", exch01Send)
	if a != b || strings.Contains(strings.ToLower(a), "contoso") {
		t.Errorf("--redact-key: runs differ or leak")
	}
	// show works with --redact.
	out, _, _ := cli(t, "", "show", "--redact", "08DC3C8E5F1A2B63", exch01Send)
	if !strings.Contains(out, "Outcome: rejected") || strings.Contains(strings.ToLower(out), "contoso") {
		t.Errorf("show --redact:\n%s", out)
	}
}

// failWriter fails every write with err after n bytes.
type failWriter struct {
	n   int
	err error
}

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n <= 0 {
		return 0, w.err
	}
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, w.err
	}
	w.n -= len(p)
	return len(p), nil
}

// A reader that went away (logscan … | head) ends the run quietly; a full
// disk is a clear error with exit status 2.
func TestOutputFailures(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1709668800")
	for _, tc := range []struct {
		err    error
		code   int
		stderr string
	}{
		{syscall.EPIPE, 0, ""},
		{syscall.ENOSPC, 2, "no space left on device"},
	} {
		for _, format := range []string{"text", "ndjson"} {
			var errb bytes.Buffer
			code := run([]string{"-f", format, "--fail-on", "never", samples}, strings.NewReader(""), &failWriter{n: 100, err: tc.err}, &errb)
			if code != tc.code || !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("%v, %s: exit %d, stderr %q", tc.err, format, code, errb.String())
			}
		}
	}
}
