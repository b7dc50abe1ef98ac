package parser

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"slices"
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

// splitPlain splits exactly like strings.Split on ",", for every length
// and comma position around the eight-byte words it reads.
func TestSplitPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("a,b,,\xff\x2c\xac0")
	for n := 0; n < 40; n++ {
		for try := 0; try < 200; try++ {
			line := make([]byte, n)
			for i := range line {
				line[i] = alphabet[rng.IntN(len(alphabet))]
			}
			got := splitPlain(nil, line)
			want := strings.Split(string(line), ",")
			if len(got) != len(want) {
				t.Fatalf("%q: %d fields, want %d", line, len(got), len(want))
			}
			for i := range got {
				if !bytes.Equal(got[i], []byte(want[i])) {
					t.Fatalf("%q: field %d %q, want %q", line, i, got[i], want[i])
				}
			}
		}
	}
}

// indexCommas (assembly on amd64) agrees with indexCommasGeneric for every
// length and position of commas and quotes around its sixteen-byte blocks,
// and for more commas than it records.
func TestIndexCommas(t *testing.T) {
	alphabets := [][]byte{[]byte("a,b,\xff\x2c\xac0"), []byte(",,,,,,,,a"), []byte("ab,\"c")}
	randomLines(rand.New(rand.NewPCG(3, 4)), alphabets, 0, 130, 200, func(line []byte) { checkIndexCommas(t, line) })
}

// randomLines calls check with tries lines of each length in [from, to)
// drawn from each alphabet.
func randomLines(rng *rand.Rand, alphabets [][]byte, from, to, tries int, check func([]byte)) {
	for _, alphabet := range alphabets {
		for n := from; n < to; n++ {
			for range tries {
				line := make([]byte, n)
				for i := range line {
					line[i] = alphabet[rng.IntN(len(alphabet))]
				}
				check(line)
			}
		}
	}
}

func FuzzIndexCommas(f *testing.F) {
	f.Add([]byte(`2024-03-05T20:00:44.100Z,C,S1,3,,,<,"220 a, b ""q""",`))
	f.Add([]byte(strings.Repeat(",", 40) + `"`))
	f.Fuzz(func(t *testing.T, line []byte) { checkIndexCommas(t, line) })
}

func checkIndexCommas(t *testing.T, line []byte) {
	t.Helper()
	var got, want [maxCommas]int32
	wn := indexCommasGeneric(line, &want)
	for _, avx2 := range []bool{false, true} {
		if avx2 && !hasAVX2() {
			continue
		}
		useAVX2 := setAVX2(avx2)
		n := indexCommas(line, &got)
		setAVX2(useAVX2)
		if n != wn {
			t.Fatalf("indexCommas(%q) = %d, want %d (AVX2 %v)", line, n, wn, avx2)
		}
		if n > 0 && !slices.Equal(got[:n], want[:n]) {
			t.Fatalf("indexCommas(%q) ends %v, want %v (AVX2 %v)", line, got[:n], want[:n], avx2)
		}
	}
	// The oracle of the oracle.
	if !bytes.Contains(line, []byte(`"`)) {
		if c := bytes.Count(line, []byte(",")); c > maxCommas && wn != commasMany || c <= maxCommas && wn != c {
			t.Fatalf("indexCommasGeneric(%q) = %d with %d commas", line, wn, c)
		}
	} else if wn != commasQuoted {
		t.Fatalf("indexCommasGeneric(%q) = %d with a quote", line, wn)
	}
}

// scanRow finds what bytes.IndexByte and indexCommas find, for line
// endings, commas and quotes at every position around its blocks, past
// 32 commas, and in the last, overlapping block.
func TestScanRow(t *testing.T) {
	if !hasAVX2() {
		t.Skip("scanRow needs AVX2")
	}
	alphabets := [][]byte{[]byte("a,b,\n\xff\x2c\xac0"), []byte(",,,,,,,,a\n"), []byte("ab,\"c\n"),
		[]byte("abcdefg,"), []byte(",,,,,,,,,,,,,,,,,\""), []byte("aaaaaaaaaaaaaaaaaaaa\n")}
	randomLines(rand.New(rand.NewPCG(5, 6)), alphabets, 32, 200, 100, func(b []byte) { checkScanRow(t, b) })
}

func FuzzScanRow(f *testing.F) {
	f.Add([]byte("2024-03-05T20:00:44.100Z,C,S1,3,,,<,\"220 a, b \"\"q\"\"\",\r\n2024"))
	f.Add([]byte(strings.Repeat(",", 40) + "\"\n" + strings.Repeat("x", 40)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if hasAVX2() {
			checkScanRow(t, b)
		}
	})
}

func checkScanRow(t *testing.T, b []byte) {
	t.Helper()
	var got, want [maxCommas]int32
	nl, n, ok := scanRow(b, &got)
	if !ok {
		if len(b) >= 32 {
			t.Fatalf("scanRow(%q) did not look", b)
		}
		return
	}
	wnl := bytes.IndexByte(b, '\n')
	if nl != wnl {
		t.Fatalf("scanRow(%q) line ending at %d, want %d", b, nl, wnl)
	}
	if nl < 0 {
		return
	}
	wn := indexCommasGeneric(b[:nl], &want)
	if n != wn {
		t.Fatalf("scanRow(%q) = %d commas, want %d", b, n, wn)
	}
	if n > 0 && !slices.Equal(got[:n], want[:n]) {
		t.Fatalf("scanRow(%q) ends %v, want %v", b, got[:n], want[:n])
	}
}

// isSessionID takes hex digits only, whatever the length, with its
// unrolled check for sixteen of them as with its loop.
func TestIsSessionID(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	want := func(b []byte) bool {
		if len(b) == 0 || len(b) > 32 {
			return false
		}
		for _, c := range b {
			if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)) {
				return false
			}
		}
		return true
	}
	alphabet := []byte("0123456789abcdefABCDEF/:@G`gx\x00\xff\x10\x19\xc1\xe6\xb0\x86\x7f")
	for n := 0; n < 34; n++ {
		for try := 0; try < 500; try++ {
			b := make([]byte, n)
			for i := range b {
				if rng.IntN(8) == 0 {
					b[i] = alphabet[rng.IntN(len(alphabet))]
				} else {
					b[i] = alphabet[rng.IntN(22)]
				}
			}
			if got := isSessionID(b); got != want(b) {
				t.Fatalf("isSessionID(%q) = %v", b, got)
			}
		}
	}
}
