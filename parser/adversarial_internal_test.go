package parser

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// lineSource produces head, then n bytes of filler, then tail, without
// ever holding the filler in memory.
type lineSource struct {
	head, tail []byte
	n          int64
	fill       byte
	off        int64
}

func (s *lineSource) Read(p []byte) (int, error) {
	total := int64(len(s.head)) + s.n + int64(len(s.tail))
	if s.off >= total {
		return 0, io.EOF
	}
	i := 0
	for i < len(p) && s.off < total {
		switch {
		case s.off < int64(len(s.head)):
			k := copy(p[i:], s.head[s.off:])
			i += k
			s.off += int64(k)
		case s.off < int64(len(s.head))+s.n:
			k := min(int64(len(p)-i), int64(len(s.head))+s.n-s.off)
			b := p[i : i+int(k)]
			for j := range b {
				b[j] = s.fill
			}
			i += int(k)
			s.off += k
		default:
			k := copy(p[i:], s.tail[s.off-int64(len(s.head))-s.n:])
			i += k
			s.off += int64(k)
		}
	}
	return i, nil
}

// TestHugeLineMemory reads a 100 MB line (as a row, and as the
// continuation of an open quoted field): memory stays bounded by
// MaxLineBytes, not by the line.
func TestHugeLineMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 200 MB")
	}
	const size = 100 << 20
	good := "2024-03-05T20:00:45.100Z,C,5A1,1,,,<,250 ok,\n"
	for _, tc := range []struct {
		name string
		head string
		err  error
	}{
		{"row", "2024-03-05T20:00:44.100Z,C,5A1,0,,,>,", ErrLineTooLong},
		{"after an open quote", "2024-03-05T20:00:44.100Z,C,5A1,0,,,>,\"open\n", ErrQuote},
		{"markdown", "> 2024-03-05T20:00:44.100Z,C,5A1,0,,,>,", ErrLineTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &lineSource{head: []byte(tc.head), n: size, fill: 'x', tail: []byte(",\n" + good)}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			r := NewReader(src, "huge.log")
			_, err := r.Read()
			if !errors.Is(err, tc.err) {
				t.Fatalf("first Read: %v, want %v", err, tc.err)
			}
			rec, err := r.Read()
			if err != nil || string(rec.Data) != "250 ok" {
				t.Fatalf("second Read: %v", err)
			}
			if _, err := r.Read(); err != io.EOF {
				t.Fatalf("third Read: %v", err)
			}
			runtime.ReadMemStats(&after)
			grew := after.TotalAlloc - before.TotalAlloc
			t.Logf("allocated %.1f MB for a %d MB line", float64(grew)/(1<<20), size>>20)
			if grew > 8<<20 {
				t.Errorf("allocated %d MB reading a %d MB line", grew>>20, size>>20)
			}
			if st := r.Stats(); st.Bytes != int64(len(tc.head))+size+int64(len(",\n"+good)) || st.Rows != st.Records+st.Bad {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

// work reads in to the end and returns the bytes the slow paths handled.
func work(t *testing.T, in []byte, strict bool) (int64, Stats) {
	t.Helper()
	r := NewReader(bytes.NewReader(in), "SEND-adversarial.LOG")
	r.DefaultLogType = LogSend
	r.Strict = strict
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		var perr *ParseError
		if err != nil && !errors.As(err, &perr) {
			t.Fatal(err)
		}
	}
	st := r.Stats()
	if st.Rows != st.Records+st.Bad+st.Skipped || st.Bytes != int64(len(in)) {
		t.Fatalf("stats %+v for %d bytes", st, len(in))
	}
	return r.work, st
}

// TestLinear feeds inputs that keep the slow paths busy (a quoted field
// that never closes over a million lines, lines that each open a quote,
// rows collapsed onto long lines, markdown on every line) at two sizes,
// and checks that the work counted grows like the input, not faster.
func TestLinear(t *testing.T) {
	row := "2024-03-05T20:00:44.100Z,Outbound to Office 365,08DC3C8E5F1A2B41,1,192.0.2.21:52311,52.101.68.12:25,*,,attempting to connect"
	gens := []struct {
		name string
		n    int // lines in the small input; the big one has ten times more
		gen  func(n int) []byte
	}{
		{"open quote, then plain lines", 100_000, func(n int) []byte {
			return []byte("2024-03-05T20:00:44.100Z,C,5A1,0,,,<,\"250 never closed\n" + strings.Repeat("more text, and more\n", n))
		}},
		{"open quote, then lines with quotes", 20_000, func(n int) []byte {
			return []byte("2024-03-05T20:00:44.100Z,C,5A1,0,,,<,\"250 never closed\n" + strings.Repeat("x,\"y, z\n\"\"\"\"\"\"\n", n/2))
		}},
		{"collapsed rows", 20_000, func(n int) []byte {
			return []byte(strings.Repeat(strings.Repeat(row, 100)+"\n", n/100))
		}},
		{"markdown and html", 10_000, func(n int) []byte {
			return []byte(strings.Repeat("> **"+row+"**<br>\n", n))
		}},
		{"odd lines", 20_000, func(n int) []byte {
			return []byte(strings.Repeat(",,,,,,,,\n\"\"\"\"\"\"\n> \n<br>\n- x\n", n/5))
		}},
	}
	for _, g := range gens {
		t.Run(g.name, func(t *testing.T) {
			if testing.Short() && g.n > 20_000 {
				t.Skip("reads a million lines")
			}
			small, big := g.gen(g.n), g.gen(10*g.n)
			for _, strict := range []bool{false, true} {
				ws, _ := work(t, small, strict)
				wb, st := work(t, big, strict)
				if wb > 40*int64(len(big)) {
					t.Errorf("strict=%v: %d bytes of work for %d bytes of input", strict, wb, len(big))
				}
				if ws > 0 && (float64(wb)/float64(ws) > 12 || float64(wb)/float64(ws) < 8) {
					t.Errorf("strict=%v: work %d for %d bytes, %d for %d bytes: not linear", strict, ws, len(small), wb, len(big))
				}
				if !strict && g.name == "collapsed rows" && (st.Records != 10*g.n || st.Repaired != st.Records) {
					t.Errorf("collapsed rows: %+v", st)
				}
			}
		})
	}
}
