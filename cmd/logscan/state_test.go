package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/logscan/logscan/internal/synth"
	"github.com/logscan/logscan/report"
)

// liveFile is one generated log file written out piece by piece, as
// Exchange writes it.
type liveFile struct {
	path    string // under the live folder
	content []byte
	written int
}

// stream is the files of one folder, in rollover order: Exchange writes
// one after another.
type liveStream struct {
	files []*liveFile
	next  int // the file being written
}

// advance appends about n more bytes of the stream, cutting anywhere
// (mid-line too), and starting the next file when one is full.
func (s *liveStream) advance(t *testing.T, n int) {
	t.Helper()
	for n > 0 && s.next < len(s.files) {
		f := s.files[s.next]
		k := min(n, len(f.content)-f.written)
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			t.Fatal(err)
		}
		w, err := os.OpenFile(f.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.content[f.written : f.written+k]); err != nil {
			t.Fatal(err)
		}
		w.Close()
		f.written += k
		n -= k
		if f.written == len(f.content) {
			s.next++
		}
	}
}

func (s *liveStream) done() bool { return s.next == len(s.files) }

// generateLive writes a corpus of several servers and services to gen and
// returns its streams, to be written under live.
func generateLive(t *testing.T, gen, live string, sessions int, seed int64) []*liveStream {
	t.Helper()
	paths, err := synth.WriteTree(gen, synth.Options{Seed: seed, Sessions: sessions, Layout: "mixed", CertChangeAt: 0.5, FailureRate: 0.2}, 2, 24<<10)
	if err != nil {
		t.Fatal(err)
	}
	byDir := map[string]*liveStream{}
	var out []*liveStream
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(gen, p)
		d := filepath.Dir(rel)
		if byDir[d] == nil {
			byDir[d] = &liveStream{}
			out = append(out, byDir[d])
		}
		byDir[d].files = append(byDir[d].files, &liveFile{path: filepath.Join(live, rel), content: b})
	}
	return out
}

// sessionLines splits ndjson output into its lines.
func sessionLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func readStateFile(t *testing.T, path string) *stateFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st stateFile
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return &st
}

// TestStateAddsUp is the property incremental scanning promises: over any
// sequence of runs on logs that are being written (files growing, cut
// mid-line, new files rolling over), the sessions reported, with their
// findings, add up to what one full run over the final files reports; the
// sessions not reported yet are exactly the ones still open, in the state.
func TestStateAddsUp(t *testing.T) {
	for _, seed := range seeds() {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			gen, live := t.TempDir(), t.TempDir()
			streams := generateLive(t, gen, live, 700, seed)
			state := filepath.Join(t.TempDir(), "state.json")
			rng := rand.New(rand.NewPCG(uint64(seed), 99))
			var got []string
			carried, runs := 0, 0
			for run := 0; ; run++ {
				all := true
				for _, s := range streams {
					total := 0
					for _, f := range s.files {
						total += len(f.content)
					}
					s.advance(t, rng.IntN(total/3+1))
					all = all && s.done()
				}
				jobs := []string{"1", "2"}[run%2]
				out, errOut, code := cli(t, "", "--state", state, "-f", "ndjson", "-j", jobs, "--fail-on", "never", live)
				if code != 0 {
					t.Fatalf("run %d: exit %d: %s", run, code, errOut)
				}
				got = append(got, sessionLines(out)...)
				carried += len(readStateFile(t, state).Open)
				runs++
				if all {
					break
				}
				if run > 50 {
					t.Fatal("the writer never finished")
				}
			}
			full, errOut, code := cli(t, "", "-f", "ndjson", "--fail-on", "never", live)
			if code != 0 {
				t.Fatalf("full run: exit %d: %s", code, errOut)
			}
			want := sessionLines(full)
			// Sessions still open in the state are those the full run
			// reports as not complete at the end.
			st := readStateFile(t, state)
			open := map[string]bool{}
			for _, o := range st.Open {
				open[o.Source.Key+"\x00"+o.ID] = true
			}
			var wantReported []string
			for _, l := range want {
				var s struct {
					Source    string `json:"source"`
					SessionID string `json:"session_id"`
					Complete  bool   `json:"complete"`
				}
				if err := json.Unmarshal([]byte(l), &s); err != nil {
					t.Fatal(err)
				}
				if open[s.Source+"\x00"+s.SessionID] {
					if s.Complete {
						t.Errorf("session %s is complete in the full run but still open in the state", s.SessionID)
					}
					delete(open, s.Source+"\x00"+s.SessionID)
					continue
				}
				wantReported = append(wantReported, l)
			}
			if len(open) > 0 {
				t.Errorf("the state holds %d open sessions the full run does not have", len(open))
			}
			slices.Sort(got)
			slices.Sort(wantReported)
			if len(got) != len(wantReported) {
				t.Errorf("incremental runs reported %d sessions, the full run %d (and %d still open)", len(got), len(wantReported), len(st.Open))
			}
			for i := 0; i < min(len(got), len(wantReported)); i++ {
				if got[i] != wantReported[i] {
					t.Fatalf("first difference:\nincremental %s\nfull        %s", clipDiff(got[i], wantReported[i]), clipDiff(wantReported[i], got[i]))
				}
			}
			if carried == 0 || runs < 3 {
				t.Errorf("%d runs carried %d open sessions in all: the test did not exercise carrying", runs, carried)
			}
			t.Logf("%d runs, %d sessions carried between them, %d sessions in all", runs, carried, len(want))
			if len(want) < 500 {
				t.Errorf("the full run has only %d sessions: the corpus is too small to mean much", len(want))
			}
		})
	}
}

func writeLog(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const stateHeader = "#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: SMTP Send Protocol Log\r\n#Date: %s\r\n" +
	"#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n"

// session writes one complete send session.
func sessionRows(at, id, reply string) string {
	rows := []string{"%s,Outbound,%s,0,10.0.0.2:5000,10.0.0.1:25,+,,", "%s,Outbound,%s,1,10.0.0.2:5000,10.0.0.1:25,<,220 mx.example.com,",
		"%s,Outbound,%s,2,10.0.0.2:5000,10.0.0.1:25,>,MAIL FROM:<a@example.com>,", "%s,Outbound,%s,3,10.0.0.2:5000,10.0.0.1:25,<," + reply + ",",
		"%s,Outbound,%s,4,10.0.0.2:5000,10.0.0.1:25,-,,Local"}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, r+"\r\n", at, id)
	}
	return b.String()
}

type stateSummary struct {
	Summary struct {
		Sessions int `json:"sessions"`
		Rows     int `json:"rows"`
	} `json:"summary"`
	State *report.State `json:"state"`
}

func stateRunJSON(t *testing.T, state, dir string) stateSummary {
	t.Helper()
	out, errOut, code := cli(t, "", "--state", state, "-f", "json", "--fail-on", "never", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var d stateSummary
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.State == nil {
		t.Fatal("no state in the JSON document")
	}
	return d
}

// TestStateRoundTrips follows one folder through what happens to logs
// between two nightly runs.
func TestStateRoundTrips(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "EXCH01", "TransportRoles", "Logs", "Hub", "ProtocolLog", "SmtpSend")
	state := filepath.Join(t.TempDir(), "state.json")
	a := filepath.Join(dir, "SEND2024030520-1.LOG")
	writeLog(t, a, fmt.Sprintf(stateHeader, "2024-03-05T20:00:00.000Z")+sessionRows("2024-03-05T20:00:01.000Z", "08DC000000000001", "250 OK"))

	d := stateRunJSON(t, state, dir)
	if d.Summary.Sessions != 1 || d.State.New != 1 {
		t.Fatalf("first run: %+v %+v", d.Summary, *d.State)
	}

	// Nothing new.
	d = stateRunJSON(t, state, dir)
	if d.Summary.Sessions != 0 || d.Summary.Rows != 0 || d.State.Unchanged != 1 {
		t.Fatalf("unchanged: %+v %+v", d.Summary, *d.State)
	}

	// Append: a session and half of the next, cut mid-line.
	more := sessionRows("2024-03-05T20:05:00.000Z", "08DC000000000002", "250 OK") + sessionRows("2024-03-05T20:06:00.000Z", "08DC000000000003", "550 5.7.64 TenantAttribution; Relay Access Denied")
	cut := strings.Index(more, "08DC000000000003,2,") + 7
	appendTo(t, a, more[:cut])
	d = stateRunJSON(t, state, dir)
	if d.Summary.Sessions != 1 || d.State.Appended != 1 || d.State.CarriedOut != 1 {
		t.Fatalf("append: %+v %+v", d.Summary, *d.State)
	}
	appendTo(t, a, more[cut:])
	d = stateRunJSON(t, state, dir)
	if d.Summary.Sessions != 1 || d.State.CarriedIn != 1 || d.State.CarriedOut != 0 {
		t.Fatalf("append the rest: %+v %+v", d.Summary, *d.State)
	}

	// Rotate: a new file.
	b := filepath.Join(dir, "SEND2024030521-1.LOG")
	writeLog(t, b, fmt.Sprintf(stateHeader, "2024-03-05T21:00:00.000Z")+sessionRows("2024-03-05T21:00:01.000Z", "08DC000000000004", "250 OK"))
	d = stateRunJSON(t, state, dir)
	if d.Summary.Sessions != 1 || d.State.New != 1 || d.State.Unchanged != 1 {
		t.Fatalf("rotate: %+v %+v", d.Summary, *d.State)
	}

	// Truncate and rewrite: read again from the start.
	writeLog(t, b, fmt.Sprintf(stateHeader, "2024-03-05T21:00:00.000Z"))
	d = stateRunJSON(t, state, dir)
	if d.Summary.Sessions != 0 || d.State.Replaced != 1 {
		t.Fatalf("truncate: %+v %+v", d.Summary, *d.State)
	}
	// Replaced by another file of the same size or longer.
	writeLog(t, b, fmt.Sprintf(stateHeader, "2024-03-05T22:00:00.000Z")+sessionRows("2024-03-05T22:00:01.000Z", "08DC000000000005", "250 OK")+
		sessionRows("2024-03-05T22:00:02.000Z", "08DC000000000006", "250 OK"))
	d = stateRunJSON(t, state, dir)
	if d.Summary.Sessions != 2 || d.State.Replaced != 1 {
		t.Fatalf("replace: %+v %+v", d.Summary, *d.State)
	}

	// Delete: forgotten.
	if err := os.Remove(a); err != nil {
		t.Fatal(err)
	}
	d = stateRunJSON(t, state, dir)
	if d.State.Forgotten != 1 || d.Summary.Sessions != 0 {
		t.Fatalf("delete: %+v %+v", d.Summary, *d.State)
	}
	st := readStateFile(t, state)
	if len(st.Files) != 1 || st.Files[0].Name != b {
		t.Fatalf("state files after the delete: %+v", st.Files)
	}
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// TestStateKilledMidWrite: a run that dies while writing the state leaves
// the previous one in place and usable, and the next run picks up from it.
func TestStateKilledMidWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "SmtpSend")
	stDir := t.TempDir()
	state := filepath.Join(stDir, "state.json")
	a := filepath.Join(dir, "SEND2024030520-1.LOG")
	writeLog(t, a, fmt.Sprintf(stateHeader, "2024-03-05T20:00:00.000Z")+sessionRows("2024-03-05T20:00:01.000Z", "08DC000000000001", "250 OK"))
	stateRunJSON(t, state, dir)
	before, _ := os.ReadFile(state)

	appendTo(t, a, sessionRows("2024-03-05T20:05:00.000Z", "08DC000000000002", "250 OK"))
	saveTestHook = func() error { return errors.New("killed") }
	_, errOut, code := cli(t, "", "--state", state, "-f", "json", "--fail-on", "never", dir)
	saveTestHook = nil
	if code != exitUsage || !strings.Contains(errOut, "write state") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	after, _ := os.ReadFile(state)
	if string(after) != string(before) {
		t.Fatal("the state changed although writing it failed")
	}
	// What a kill -9 leaves: a half-written temporary file beside it.
	if err := os.WriteFile(filepath.Join(stDir, ".state.json.tmp-123"), []byte(`{"format":"logscan-st`), 0o600); err != nil {
		t.Fatal(err)
	}
	d := stateRunJSON(t, state, dir)
	if d.Summary.Sessions != 1 || d.State.Appended != 1 {
		t.Fatalf("after the failed write: %+v %+v", d.Summary, *d.State)
	}
}

func TestStateErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "SmtpSend")
	writeLog(t, filepath.Join(dir, "SEND2024030520-1.LOG"), fmt.Sprintf(stateHeader, "2024-03-05T20:00:00.000Z")+sessionRows("2024-03-05T20:00:01.000Z", "08DC000000000001", "250 OK"))
	st := filepath.Join(t.TempDir(), "state.json")
	for _, c := range []struct {
		name, content, want string
	}{
		{"corrupt", `{"format":"logscan-state/1","files":[{"name":`, "damaged"},
		{"corrupt, with its line", "{\n  \"format\": \"logscan-state/1\",\n  \"files\": [x]\n}", "state.json:3"},
		{"not a state", `{"hello":1}`, "not a logscan state file"},
		{"other version", `{"format":"logscan-state/1","logscan":"0.9.0","files":[]}`, "written by logscan 0.9.0"},
		{"other format", `{"format":"logscan-state/0","logscan":"dev","files":[]}`, "logscan-state/0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			writeLog(t, st, c.content)
			_, errOut, code := cli(t, "", "--state", st, dir)
			if code != exitUsage || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "start over") {
				t.Errorf("exit %d, stderr %q; want exit 2 naming %q", code, errOut, c.want)
			}
			if b, _ := os.ReadFile(st); string(b) != c.content {
				t.Error("the unusable state file was overwritten")
			}
		})
	}
	_, errOut, code := cli(t, sessionRows("2024-03-05T20:00:01.000Z", "08DC000000000001", "250 OK"), "--state", st, "-")
	if code != exitUsage || !strings.Contains(errOut, "standard input") {
		t.Errorf("stdin with --state: exit %d, stderr %q", code, errOut)
	}
}

// clipDiff shows a around where it first differs from b.
func clipDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return "…" + a[max(0, i-200):min(len(a), i+200)] + "…"
}

// A state file kept among the logs, even one named like a log, is not read
// as one.
func TestStateFileAmongLogs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "SmtpSend")
	writeLog(t, filepath.Join(dir, "SEND2024030520-1.LOG"), fmt.Sprintf(stateHeader, "2024-03-05T20:00:00.000Z")+sessionRows("2024-03-05T20:00:01.000Z", "08DC000000000001", "250 OK"))
	state := filepath.Join(dir, "LOGSCAN-STATE.LOG")
	stateRunJSON(t, state, dir)
	d := stateRunJSON(t, state, dir)
	if d.State.Unchanged != 1 || d.State.New != 0 || d.Summary.Rows != 0 {
		t.Fatalf("second run: %+v %+v", d.Summary, *d.State)
	}
}

// seeds are the corpora TestStateAddsUp writes; LOGSCAN_STATE_SEEDS=N
// tries N of them.
func seeds() []int64 {
	n := 3
	if v := os.Getenv("LOGSCAN_STATE_SEEDS"); v != "" {
		fmt.Sscan(v, &n)
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

// The last line of a file without its line ending: a copy that lost it,
// or Exchange half-way through writing it.
func TestStateUnfinishedLastLine(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "SmtpSend")
	state := filepath.Join(t.TempDir(), "state.json")
	a := filepath.Join(dir, "SEND2024030520-1.LOG")
	rows := sessionRows("2024-03-05T20:00:01.000Z", "08DC000000000001", "250 OK")
	full := fmt.Sprintf(stateHeader, "2024-03-05T20:00:00.000Z") + rows

	// Cut inside the last row's context ("Loc" of "Local"): left for later.
	cut := strings.LastIndex(full, "Local") + 3
	writeLog(t, a, full[:cut])
	d := stateRunJSON(t, state, dir)
	if d.Summary.Sessions != 0 || d.State.CarriedOut != 1 {
		t.Fatalf("cut in the last row: %+v %+v", d.Summary, *d.State)
	}
	// The rest comes, still without a line ending: as the file stays so,
	// the next run takes the line as it is.
	appendTo(t, a, full[cut:len(full)-2])
	d = stateRunJSON(t, state, dir)
	if d.Summary.Sessions != 0 || d.State.Appended != 1 {
		t.Fatalf("grown, last line unfinished: %+v %+v", d.Summary, *d.State)
	}
	d = stateRunJSON(t, state, dir)
	if d.Summary.Sessions != 1 || d.State.CarriedIn != 1 || d.State.CarriedOut != 0 {
		t.Fatalf("unchanged since: %+v %+v", d.Summary, *d.State)
	}

	// A reply row without its line ending is whole: taken at once, and the
	// rows that follow keep their line numbers.
	b := filepath.Join(dir, "SEND2024030521-1.LOG")
	rows = sessionRows("2024-03-05T21:00:01.000Z", "08DC000000000002", "250 OK")
	full = fmt.Sprintf(stateHeader, "2024-03-05T21:00:00.000Z") + rows
	cut = strings.Index(full, ",<,250 OK,") + len(",<,250 OK,")
	writeLog(t, b, full[:cut])
	stateRunJSON(t, state, dir)
	appendTo(t, b, full[cut:])
	out, errOut, code := cli(t, "", "--state", state, "-f", "ndjson", "--fail-on", "never", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want, _, _ := cli(t, "", "-f", "ndjson", "--fail-on", "never", b)
	if out != want {
		t.Errorf("after the line ending came:\n got %s\nwant %s", out, want)
	}
}
