package synth

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	reTime    = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	reSession = regexp.MustCompile(`^[0-9A-F]{16}$`)
	reName    = regexp.MustCompile(`^(SEND|RECV)\d{10}-[1-9]\d*\.LOG$`)
)

func write(t testing.TB, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, _, err := Write(&buf, o)
	if err != nil {
		t.Fatalf("Write(%+v): %v", o, err)
	}
	if got := int64(buf.Len()); got != n {
		t.Fatalf("Write returned n=%d, wrote %d bytes", n, got)
	}
	return buf.Bytes()
}

// records parses a log file the way the tests require: the BOM is stripped,
// "#" lines are skipped, and the rest goes through encoding/csv with
// FieldsPerRecord=-1 and LazyQuotes=false.
func records(t testing.TB, name string, data []byte) [][]string {
	t.Helper()
	var body bytes.Buffer
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		if bytes.HasPrefix(line, []byte("#")) {
			continue
		}
		body.Write(line)
	}
	r := csv.NewReader(&body)
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: csv: %v", name, err)
		}
		out = append(out, rec)
	}
}

var variants = []struct {
	name string
	o    Options
}{
	{"send-multirow", Options{LogType: "send", Layout: "multirow"}},
	{"send-oneline", Options{LogType: "send", Layout: "oneline"}},
	{"send-mixed-failures", Options{LogType: "send", Layout: "mixed", FailureRate: 0.5, CertChangeAt: 0.5}},
	{"receive-multirow", Options{LogType: "receive"}},
	{"receive-oneline-failures", Options{LogType: "receive", Layout: "oneline", FailureRate: 0.6, CertChangeAt: 0.3}},
	{"send-interleave-1", Options{Interleave: 1, Connector: `Outbound, "special"`}},
}

func TestDeterministic(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			o := v.o
			o.Seed, o.Bytes = 42, 300_000
			a, b := write(t, o), write(t, o)
			if !bytes.Equal(a, b) {
				t.Fatalf("same seed gave different output (%d vs %d bytes)", len(a), len(b))
			}
			o.Seed = 43
			if c := write(t, o); bytes.Equal(a, c) {
				t.Fatalf("seeds 42 and 43 gave identical output")
			}
		})
	}
}

func TestSizeWithinBytes(t *testing.T) {
	for _, v := range variants[:4] {
		for _, limit := range []int64{200_000, 1 << 20, 5 << 20} {
			t.Run(v.name+"/"+strconv.FormatInt(limit, 10), func(t *testing.T) {
				o := v.o
				o.Seed, o.Bytes = 7, limit
				got := int64(len(write(t, o)))
				if got > limit || float64(got) < 0.95*float64(limit) {
					t.Fatalf("wrote %d bytes, want within 5%% below %d", got, limit)
				}
			})
		}
	}
}

func TestFieldsAndValues(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			o := v.o
			o.Seed, o.Bytes = 11, 2<<20
			data := write(t, o)
			if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: SMTP ")) {
				t.Fatalf("bad header: %q", data[:80])
			}
			if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
				t.Fatalf("found a line end that is not CRLF")
			}
			recs := records(t, v.name, data)
			if len(recs) < 1000 {
				t.Fatalf("only %d records", len(recs))
			}
			last := ""
			for i, r := range recs {
				if len(r) != 9 {
					t.Fatalf("record %d has %d fields: %q", i, len(r), r)
				}
				if !reTime.MatchString(r[0]) || r[0] < last {
					t.Fatalf("record %d: bad or decreasing time %q after %q", i, r[0], last)
				}
				last = r[0]
				if !reSession.MatchString(r[2]) {
					t.Fatalf("record %d: bad session id %q", i, r[2])
				}
				if !strings.Contains("+-<>*", r[6]) || len(r[6]) != 1 {
					t.Fatalf("record %d: bad event %q", i, r[6])
				}
				if o.Connector != "" && r[1] != o.Connector {
					t.Fatalf("record %d: connector %q, want %q", i, r[1], o.Connector)
				}
			}
		})
	}
}

// TestSessions checks Options.Sessions, per-session sequence numbers, increasing
// session ids, and that every session ends the way a finished session does.
func TestSessions(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			o := v.o
			o.Seed, o.Sessions = 5, 300
			var buf bytes.Buffer
			_, n, err := Write(&buf, o)
			if err != nil || n != 300 {
				t.Fatalf("Write: sessions=%d err=%v, want 300", n, err)
			}
			next := map[string]int{}
			lastRow := map[string][]string{}
			var order []string
			for _, r := range records(t, v.name, buf.Bytes()) {
				seq, err := strconv.Atoi(r[3])
				if err != nil {
					t.Fatalf("bad sequence number %q", r[3])
				}
				want, seen := next[r[2]]
				if !seen {
					order = append(order, r[2])
				}
				if seq != want {
					t.Fatalf("session %s: seq %d, want %d", r[2], seq, want)
				}
				next[r[2]] = seq + 1
				lastRow[r[2]] = r
			}
			if len(order) != 300 {
				t.Fatalf("%d sessions in output, want 300", len(order))
			}
			for i := 1; i < len(order); i++ {
				if order[i] <= order[i-1] {
					t.Fatalf("session ids not increasing in order of appearance: %s after %s", order[i], order[i-1])
				}
			}
			for id, r := range lastRow {
				if r[6] != "-" && !strings.HasPrefix(r[8], "Failed to connect.") {
					t.Fatalf("session %s ends with %q", id, r)
				}
			}
		})
	}
}

func TestCertChange(t *testing.T) {
	const oldThumb, newThumb = "3F7A9C2E51B84D06A1C3E5F7092B4D6F8A1C3E5B", "B1D94E7706C2A35F8E1B2C3D4E5F60718293A4B6"
	for _, layout := range []string{"multirow", "oneline"} {
		t.Run(layout, func(t *testing.T) {
			data := write(t, Options{Seed: 3, Sessions: 400, FailureRate: -1, CertChangeAt: 0.5, Layout: layout})
			s := string(data)
			// per session: which certificate it presented and how it ended
			thumb, delivered, rejected := map[string]string{}, map[string]bool{}, map[string]bool{}
			for _, r := range records(t, layout, data) {
				switch {
				case strings.Contains(r[7], oldThumb):
					thumb[r[2]] = "old"
				case strings.Contains(r[7], newThumb):
					thumb[r[2]] = "new"
				case strings.HasPrefix(r[7], "250 2.6.0 "):
					delivered[r[2]] = true
				case strings.HasPrefix(r[7], "550 5.7.64 TenantAttribution; Relay Access Denied ["):
					rejected[r[2]] = true
				}
			}
			var olds, news int
			for id, c := range thumb {
				switch {
				case c == "old" && (!delivered[id] || rejected[id]):
					t.Fatalf("session %s presents the old certificate but was not delivered", id)
				case c == "new" && (delivered[id] || !rejected[id]):
					t.Fatalf("session %s presents the new certificate but was not rejected with 5.7.64", id)
				}
				if c == "old" {
					olds++
				} else {
					news++
				}
			}
			if olds < 150 || news < 150 {
				t.Fatalf("%d sessions with the old and %d with the new certificate, want about 200 each", olds, news)
			}
			// FailureRate < 0: no random failures at all
			for _, code := range []string{"ATTR35", "ATTR36", "TLS negotiation failed", "Failed to connect"} {
				if strings.Contains(s, code) {
					t.Fatalf("FailureRate<0 but found %q", code)
				}
			}
		})
	}
	// never changes without CertChangeAt
	if s := string(write(t, Options{Seed: 3, Sessions: 200})); strings.Contains(s, newThumb) {
		t.Fatalf("certificate changed although CertChangeAt=0")
	}
}

func TestFailureKinds(t *testing.T) {
	s := string(write(t, Options{Seed: 9, Sessions: 2000, FailureRate: 0.5}))
	for _, want := range []string{
		"550 5.7.64 TenantAttribution; Relay Access Denied [",
		"451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35.",
		"550 5.7.64 Relay Access Denied ATTR36.",
		"TLS negotiation failed with error UnknownCredentials",
		"TLS negotiation failed with error SocketError",
		`"Failed to connect. Winsock error code: 10060,`,
		`"250 2.6.0 <`, "KB/sec Queued mail for delivery\",\r\n",
		",*,,sending message with RecordId ",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("send output lacks %q", want)
		}
	}
	r := string(write(t, Options{Seed: 9, Sessions: 2000, FailureRate: 0.5, LogType: "receive", Layout: "mixed"}))
	for _, want := range []string{
		",>,550 5.7.1 Unable to relay,", ",*,Tarpit for '0.00:00:05',", "Inbound AUTH LOGIN failed because of LogonDenied",
		",>,250  EXCH01.contoso.com Hello [", ",receiving message\r\n", `,*," CN=EXCH01.contoso.com CN=R3, O=Let's Encrypt, C=US `,
		",Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names\r\n",
		",*,,Sending certificate\r\n", "TlsDomainCapabilities='AcceptCloudServicesMail'", ",-,,Remote\r\n",
	} {
		if !strings.Contains(r, want) {
			t.Errorf("receive output lacks %q", want)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	for _, o := range []Options{
		{},
		{Sessions: -1},
		{Sessions: 1, LogType: "smtp"},
		{Sessions: 1, Layout: "diagonal"},
		{Sessions: 1, CertChangeAt: 1.5},
	} {
		if _, _, err := Write(io.Discard, o); err == nil {
			t.Errorf("Write(%+v) succeeded, want an error", o)
		}
	}
	if _, _, err := Write(io.Discard, Options{}); !errors.Is(err, ErrNoLimit) {
		t.Errorf("Write(Options{}) = %v, want ErrNoLimit", err)
	}
}

func TestWriteTree(t *testing.T) {
	for _, lt := range []string{"send", "receive"} {
		t.Run(lt, func(t *testing.T) {
			dir := t.TempDir()
			const limit = 3 << 20
			o := Options{Seed: 1, Bytes: limit, LogType: lt, Layout: "mixed", FailureRate: 0.2, CertChangeAt: 0.5,
				Start: time.Date(2024, 3, 5, 20, 59, 50, 0, time.UTC)}
			files, err := WriteTree(dir, o, 2, 100_000)
			if err != nil {
				t.Fatal(err)
			}
			again, err := WriteTree(t.TempDir(), o, 2, 100_000)
			if err != nil || len(again) != len(files) {
				t.Fatalf("second WriteTree: %d files, err %v; want %d files", len(again), err, len(files))
			}
			var total int64
			type state struct {
				next     map[string]int
				lastTime string
				files    int
				hours    map[string]bool
			}
			folders := map[string]*state{}
			spanning := 0
			for fi, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if d2, _ := os.ReadFile(filepath.Join(filepath.Dir(again[fi]), filepath.Base(f))); !bytes.Equal(data, d2) {
					t.Fatalf("%s differs between two runs with the same seed", f)
				}
				total += int64(len(data))
				base := filepath.Base(f)
				if !reName.MatchString(base) || (lt == "send") != strings.HasPrefix(base, "SEND") {
					t.Fatalf("bad file name %s", f)
				}
				if int64(len(data)) > 100_000 {
					t.Fatalf("%s is %d bytes, over the 100000 limit", f, len(data))
				}
				if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf#Software: Microsoft Exchange Server\r\n")) {
					t.Fatalf("%s: no header", f)
				}
				wantDir := map[string]string{"send": "SmtpSend", "receive": "SmtpReceive"}[lt]
				if filepath.Base(filepath.Dir(f)) != wantDir {
					t.Fatalf("%s not in a %s folder", f, wantDir)
				}
				st := folders[filepath.Dir(f)]
				if st == nil {
					st = &state{next: map[string]int{}, hours: map[string]bool{}}
					folders[filepath.Dir(f)] = st
				}
				st.files++
				st.hours[base[4:14]] = true
				recs := records(t, f, data)
				for i, r := range recs {
					if len(r) != 9 {
						t.Fatalf("%s record %d: %d fields", f, i, len(r))
					}
					if r[0] < st.lastTime {
						t.Fatalf("%s record %d: time %s before %s", f, i, r[0], st.lastTime)
					}
					st.lastTime = r[0]
					if h := strings.NewReplacer("-", "", "T", "").Replace(r[0][:13]); h != base[4:14] {
						t.Fatalf("%s record %d: time %s is not in the file's hour", f, i, r[0])
					}
					seq, _ := strconv.Atoi(r[3])
					want, seen := st.next[r[2]]
					if seen && seq <= want-1 {
						t.Fatalf("%s record %d: session %s seq %d after %d", f, i, r[2], seq, want-1)
					}
					if !seen && seq != 0 {
						t.Fatalf("%s record %d: session %s starts at seq %d", f, i, r[2], seq)
					}
					if seen && i == 0 {
						spanning++
					}
					st.next[r[2]] = seq + 1
				}
			}
			if len(folders) != 4 {
				t.Fatalf("%d folders, want 2 servers x 2 services", len(folders))
			}
			for d, st := range folders {
				if st.files < 3 || len(st.hours) < 2 {
					t.Errorf("%s: %d files over %d hours; want size and hour rollover", d, st.files, len(st.hours))
				}
			}
			if spanning == 0 {
				t.Errorf("no session continues from one file into the next")
			}
			if total > limit || float64(total) < 0.95*limit {
				t.Errorf("tree holds %d bytes, want within 5%% below %d", total, limit)
			}
		})
	}
}

func BenchmarkWrite(b *testing.B) {
	for _, v := range []struct {
		name string
		o    Options
	}{
		{"send", Options{}},
		{"receive", Options{LogType: "receive"}},
		{"send-oneline-failures", Options{Layout: "oneline", FailureRate: 0.2, CertChangeAt: 0.5}},
	} {
		b.Run(v.name, func(b *testing.B) {
			o := v.o
			o.Seed, o.Bytes = 1, 32<<20
			n, _, err := Write(io.Discard, o)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(n)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Write(io.Discard, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
