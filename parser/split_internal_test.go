package parser

import (
	"encoding/csv"
	"strings"
	"testing"
)

// FuzzSplitMatchesCSV feeds the same single-line CSV to the byte-level
// splitter and to encoding/csv (the oracle): wherever encoding/csv accepts
// a line, the fields must agree.
func FuzzSplitMatchesCSV(f *testing.F) {
	for _, s := range []string{
		`2024-03-05T20:00:44.100Z,C,S1,3,,,<,"220 a, b ""q""",`,
		`a,"b,c",d`,
		`"",,""""`,
		`x,"y"`,
		` CN=a CN=b 01,Sending certificate`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\r\n") || line == "" {
			return
		}
		cr := csv.NewReader(strings.NewReader(line))
		cr.FieldsPerRecord = -1
		want, err := cr.Read()
		if err != nil {
			return
		}
		r := NewReader(strings.NewReader(""), "")
		if open := r.split([]byte(line)); open {
			t.Fatalf("split(%q) reports an open quote; encoding/csv read %q", line, want)
		}
		if len(r.fields) != len(want) {
			t.Fatalf("split(%q) = %q, encoding/csv %q", line, r.fields, want)
		}
		for i := range want {
			if string(r.fields[i]) != want[i] {
				t.Fatalf("split(%q) field %d = %q, encoding/csv %q", line, i, r.fields[i], want[i])
			}
		}
	})
}
