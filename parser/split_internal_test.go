package parser

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

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
