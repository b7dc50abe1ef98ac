package analyze

import (
	"bytes"
	"io"
	"os"
	"reflect"
	"sort"
	"testing"
	"time"
	"unsafe"

	"github.com/logscan/logscan/internal/synth"
	"github.com/logscan/logscan/parser"
)

// The Checker's and the Summary's memos of their last lookups answer as
// the lookups do: sessions of three sources, connectors and certificate
// changes, read row by row in turn, are checked and counted twice, once
// with the memos forgotten after every session.
func TestMemosMatchLookups(t *testing.T) {
	cfg := Config{Now: time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC)}
	var err error
	if cfg.Inbound, _, err = parser.ReadInboundConnectors(mustOpen(t, "../testdata/exports/inbound-connectors.json"), "in"); err != nil {
		t.Fatal(err)
	}
	if cfg.Domains, _, err = parser.ReadAcceptedDomains(mustOpen(t, "../testdata/exports/accepted-domains.csv"), "ad"); err != nil {
		t.Fatal(err)
	}
	cfg.HaveInbound, cfg.HaveDomains = true, true

	start := time.Date(2024, 3, 5, 20, 0, 0, 0, time.UTC)
	type input struct {
		name string
		r    *parser.Reader
	}
	var ins []*input
	for i, o := range []synth.Options{
		{Seed: 1, Sessions: 300, CertChangeAt: 0.3, Layout: "mixed"},
		{Seed: 2, Sessions: 300, Connector: "Outbound to EXO", FailureRate: 0.3, Start: start.Add(5 * time.Minute)},
		{Seed: 3, Sessions: 200, CertChangeAt: 0.6, Layout: "oneline", Interleave: 2, Start: start.Add(time.Hour)},
		{Seed: 4, Sessions: 200, Connector: "Outbound to EXO", Start: start.Add(30 * time.Minute)},
	} {
		var b bytes.Buffer
		if _, _, err := synth.Write(&b, o); err != nil {
			t.Fatal(err)
		}
		name := []string{"EXCH01/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend/SEND2024030520-1.LOG",
			"EXCH02/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend/SEND2024030520-1.LOG",
			"EXCH03/TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpSend/SEND2024030520-1.LOG",
			// the first's source, another connector
			"EXCH01/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend/SEND2024030520-2.LOG"}[i]
		ins = append(ins, &input{name, parser.NewReader(&b, name)})
	}

	memo, fresh := NewChecker(cfg), NewChecker(cfg)
	sumMemo, sumFresh := NewSummary(), NewSummary()
	a := NewAssembler(Options{Emit: func(s *Session) {
		memo.Check(s)
		sumMemo.AddSession(s)
		fresh.Check(s)
		fresh.lastMatch.ok, fresh.lastTrack, fresh.lastUsage = false, groupMemo[*certTrack]{}, groupMemo[*usage]{}
		fresh.lastIP.ok, fresh.lastNames.covKnown, fresh.recent = false, false, [8]recentHit{}
		sumFresh.AddSession(s)
		sumFresh.lastConn.c, sumFresh.lastMinute.b = nil, nil
		sumFresh.lastCert[0].a, sumFresh.lastCert[1].a = nil, nil
		for _, a := range sumFresh.certs {
			a.lastConnector = ""
		}
	}})
	for len(ins) > 0 {
		for i := 0; i < len(ins); i++ {
			in := ins[i]
			rec, err := in.r.Read()
			if err == io.EOF {
				ins = append(ins[:i], ins[i+1:]...)
				i--
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			a.Add(SourceOf(in.name), in.name, rec)
		}
	}
	a.Flush()

	gotF, gotS := memo.Findings()
	wantF, wantS := fresh.Findings()
	if len(gotF) < 3 {
		t.Fatalf("only %d findings: the inputs do not exercise the checks", len(gotF))
	}
	if !reflect.DeepEqual(gotF, wantF) || !reflect.DeepEqual(gotS, wantS) {
		t.Errorf("findings with memos differ from those without:\n%+v\nwant\n%+v", gotF, wantF)
	}
	got, want := sumMemo.Result(), sumFresh.Result()
	if len(got.Connectors) < 4 || len(got.Certs) < 3 || len(got.Timeline) < 4 {
		t.Fatalf("%d connectors, %d certificates, %d minutes: the inputs do not exercise the summary",
			len(got.Connectors), len(got.Certs), len(got.Timeline))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("summary with memos differs from the one without:\n%+v\nwant\n%+v", got, want)
	}
}

func mustOpen(t *testing.T, name string) io.Reader {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// The findings hit last are remembered by copies of their keys: a key
// read from a session's text, which the next session rewrites, still
// names its own finding.
func TestRecentFindingsKeepTheirKeys(t *testing.T) {
	c := NewChecker(Config{})
	describe := func() (string, string, string, string) { return "t", "e", "r", "l" }
	buf := []byte("reply text A")
	fromSession := unsafe.String(&buf[0], len(buf))
	c.record(nil, hit{id: "response-rejected", key: fromSession, describe: describe})
	copy(buf, "reply text B") // the session's buffer, reused
	c.record(nil, hit{id: "response-rejected", key: "reply text B", describe: describe})
	c.record(nil, hit{id: "response-rejected", key: "reply text A", describe: describe})
	c.record(nil, hit{id: "response-rejected", key: "reply text A", key2: "/2", describe: describe})
	c.record(nil, hit{id: "response-deferred", key: "reply text A", key2: "/2", describe: describe})
	var keys []string
	for _, fd := range c.found {
		keys = append(keys, fd.f.Key)
	}
	sort.Strings(keys)
	if !reflect.DeepEqual(keys, []string{"reply text A", "reply text A/2", "reply text A/2", "reply text B"}) {
		t.Fatalf("findings %q, want one for each id and key", keys)
	}
}
