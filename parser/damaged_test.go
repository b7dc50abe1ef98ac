package parser_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/logscan/logscan/parser"
)

var updateDamaged = flag.Bool("update-damaged", false, "rewrite testdata/damaged/expected.json from what the reader reads")

const (
	damagedDir  = "../testdata/damaged"
	samplesDir  = "../testdata/samples"
	damagedJSON = damagedDir + "/expected.json"
)

// damagedCase is one file of testdata/damaged and what reading it gives.
// Form and Source are written by hand; -update-damaged rewrites the rest.
type damagedCase struct {
	File string `json:"file"`
	Form string `json:"form"`
	// Source, when set, is the sample (under testdata/samples) the rows
	// were taken from: every record must equal the source row with the
	// same time, session id and sequence number.
	Source    string   `json:"source,omitempty"`
	Rows      int      `json:"rows"`
	Records   int      `json:"records"`
	Bad       int      `json:"bad"`
	Skipped   int      `json:"skipped"`
	Repaired  int      `json:"repaired"`
	Headers   int      `json:"headers"` // header blocks read
	BadLines  []int    `json:"bad_lines"`
	BadErrors []string `json:"bad_errors"` // the sentinel of each bad row, as "line: error"
	// StrictRecords is how many records the same file gives with repairs
	// off (Reader.Strict).
	StrictRecords int `json:"strict_records"`
}

type readResult struct {
	stats  parser.Stats
	recs   []parser.Record // copies
	bad    []int
	errs   []string
	errsAt []*parser.ParseError
}

// readLog reads one file the way the CLI does: log type from its name.
func readLog(t *testing.T, name string, data []byte, strict bool) readResult {
	t.Helper()
	r := parser.NewReader(bytes.NewReader(data), name)
	r.DefaultLogType = parser.LogTypeFromName(name)
	r.Strict = strict
	var res readResult
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var perr *parser.ParseError
		if errors.As(err, &perr) {
			if perr.Line < 1 || perr.File != name {
				t.Fatalf("%s: ParseError position %q:%d", name, perr.File, perr.Line)
			}
			if !errors.Is(perr, parser.ErrNotProtocolLog) && !errors.Is(perr, parser.ErrBadHeader) {
				res.bad = append(res.bad, perr.Line)
				res.errs = append(res.errs, strconv.Itoa(perr.Line)+": "+perr.Err.Error())
				res.errsAt = append(res.errsAt, perr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: Read: %v", name, err)
		}
		res.recs = append(res.recs, copyRecord(rec))
	}
	res.stats = r.Stats()
	st := res.stats
	if st.Rows != st.Records+st.Bad+st.Skipped || st.Repaired > st.Records || st.Records != len(res.recs) {
		t.Errorf("%s: stats do not add up: %+v", name, st)
	}
	if strict && st.Repaired != 0 {
		t.Errorf("%s: strict reader repaired %d rows", name, st.Repaired)
	}
	if st.Bytes != int64(len(data)) {
		t.Errorf("%s: Bytes = %d, want %d", name, st.Bytes, len(data))
	}
	return res
}

func copyRecord(rec *parser.Record) parser.Record {
	c := *rec
	for _, p := range []*[]byte{&c.Connector, &c.SessionID, &c.Local, &c.Remote, &c.Data, &c.Context, &c.Raw} {
		*p = bytes.Clone(*p)
	}
	return c
}

func recordKey(rec *parser.Record) string {
	return rec.Time.Format("2006-01-02T15:04:05.000Z") + "," + string(rec.SessionID) + "," + strconv.Itoa(rec.Seq)
}

func recordFields(rec *parser.Record) string {
	return fmt.Sprintf("%q %q %q %s %q %q", rec.Connector, rec.Local, rec.Remote, rec.Event, rec.Data, rec.Context)
}

// sourceRows reads a sample and indexes its records.
func sourceRows(t *testing.T, path string) (map[string]string, parser.LogType) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samplesDir, path))
	if err != nil {
		t.Fatal(err)
	}
	res := readLog(t, path, data, true)
	m := make(map[string]string, len(res.recs))
	for i := range res.recs {
		m[recordKey(&res.recs[i])] = recordFields(&res.recs[i])
	}
	return m, res.recs[0].LogType
}

func damagedFiles(t testing.TB) []string {
	ents, err := os.ReadDir(damagedDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && e.Name() != "README.md" && e.Name() != "expected.json" {
			names = append(names, e.Name())
		}
	}
	return names
}

// TestDamaged reads every file of testdata/damaged and checks the counts
// and bad lines against expected.json, and the records against the
// samples they were made from.
func TestDamaged(t *testing.T) {
	var want []damagedCase
	if b, err := os.ReadFile(damagedJSON); err == nil {
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
	} else if !*updateDamaged {
		t.Fatal(err)
	}
	byName := map[string]*damagedCase{}
	for i := range want {
		byName[want[i].File] = &want[i]
	}
	var got []damagedCase
	for _, name := range damagedFiles(t) {
		data, err := os.ReadFile(filepath.Join(damagedDir, name))
		if err != nil {
			t.Fatal(err)
		}
		res := readLog(t, name, data, false)
		strict := readLog(t, name, data, true)
		c := damagedCase{File: name, Rows: res.stats.Rows, Records: res.stats.Records, Bad: res.stats.Bad,
			Skipped: res.stats.Skipped, Repaired: res.stats.Repaired, Headers: res.stats.Headers, BadLines: res.bad, BadErrors: res.errs,
			StrictRecords: strict.stats.Records}
		if c.BadLines == nil {
			c.BadLines, c.BadErrors = []int{}, []string{}
		}
		w := byName[name]
		if w != nil {
			c.Form, c.Source = w.Form, w.Source
		}
		got = append(got, c)
		if testing.Verbose() {
			for _, rec := range res.recs {
				t.Logf("%s:%d [%v] %s %s", name, rec.Line, rec.Repairs, recordKey(&rec), recordFields(&rec))
			}
			for _, e := range res.errsAt {
				t.Logf("%v", e)
			}
		}
		if c.Source != "" {
			src, lt := sourceRows(t, c.Source)
			for i := range res.recs {
				rec := &res.recs[i]
				// The log type comes from the header (or the file name), so
				// this checks that damaged header lines were read as such.
				if rec.LogType != lt && !strings.HasPrefix(name, "missing-event-no-log-type") {
					t.Errorf("%s:%d: log type %v, want %v", name, rec.Line, rec.LogType, lt)
				}
				if want, ok := src[recordKey(rec)]; !ok {
					t.Errorf("%s:%d: record %s is not in %s", name, rec.Line, recordKey(rec), c.Source)
				} else if got := recordFields(rec); got != want {
					t.Errorf("%s:%d: record %s\n got %s\nwant %s", name, rec.Line, recordKey(rec), got, want)
				}
			}
		}
		if *updateDamaged {
			continue
		}
		if w == nil {
			t.Errorf("%s: not in expected.json (run go test ./parser -run TestDamaged -update-damaged)", name)
			continue
		}
		if fmt.Sprint(c) != fmt.Sprint(*w) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, c, *w)
		}
	}
	if *updateDamaged {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(got); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(damagedJSON, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(c damagedCase) bool { return c.File == w.File }) {
			t.Errorf("expected.json lists %s, which is not in %s", w.File, damagedDir)
		}
	}
}

// TestDamagedTable prints the suite as a markdown table (go test -run
// TestDamagedTable -v ./parser), for the README.
func TestDamagedTable(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("run with -v")
	}
	b, err := os.ReadFile(damagedJSON)
	if err != nil {
		t.Fatal(err)
	}
	var cases []damagedCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	sb.WriteString("\n| File | Rows | Records | Bad | Repaired | Strict records | Bad lines |\n|---|---:|---:|---:|---:|---:|---|\n")
	for _, c := range cases {
		fmt.Fprintf(&sb, "| `%s` | %d | %d | %d | %d | %d | %s |\n", c.File, c.Rows, c.Records, c.Bad, c.Repaired, c.StrictRecords, strings.Join(c.BadErrors, "; "))
	}
	t.Log(sb.String())
}
