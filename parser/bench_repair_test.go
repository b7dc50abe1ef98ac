package parser_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/logscan/logscan/parser"
)

// BenchmarkRepair measures the repair paths on the benchmark corpus
// damaged as a whole: every line quoted in markdown, every line ending in
// <br>, every eight rows collapsed onto one line. (The undamaged corpus is
// BenchmarkReader.)
func BenchmarkRepair(b *testing.B) {
	data := corpus(b)
	lines := bytes.SplitAfter(data, []byte("\n"))
	damage := map[string]func(i int, line []byte) []byte{
		"markdown": func(_ int, line []byte) []byte { return append([]byte("> "), line...) },
		"html": func(_ int, line []byte) []byte {
			return append(bytes.TrimRight(line, "\r\n"), "<br>\r\n"...)
		},
		"collapsed": func(i int, line []byte) []byte {
			if i%8 != 7 && len(line) > 0 && line[0] != '#' && line[0] != 0xef {
				return bytes.TrimRight(line, "\r\n")
			}
			return line
		},
	}
	for _, name := range []string{"markdown", "html", "collapsed"} {
		var in []byte
		for i, l := range lines {
			in = append(in, damage[name](i, l)...)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			var st parser.Stats
			for b.Loop() {
				r := parser.NewReader(bytes.NewReader(in), "bench")
				for {
					if _, err := r.Read(); err == io.EOF {
						break
					}
				}
				st = r.Stats()
			}
			if st.Bad != 0 || st.Repaired != st.Records {
				b.Fatalf("%+v", st)
			}
		})
	}
}
