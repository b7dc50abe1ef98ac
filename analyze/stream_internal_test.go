package analyze

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// A stream finds the open session of an id, among its recent ones or in
// its map, and never a closed one or another's: random opens, closes and
// lookups of a few ids (so the recent entries are full and reused) agree
// with a plain map.
func TestStreamFind(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	st := newStream(Source{Key: "x"}, 0)
	want := map[string]*Session{}
	ids := make([]string, 24)
	for i := range ids {
		ids[i] = fmt.Sprintf("08DC3C801C40%04X", i*7919%65536)
	}
	ids = append(ids, "5A1", "08dc3c801c40abcd") // another length; lower case
	for step := 0; step < 20000; step++ {
		id := ids[rng.IntN(len(ids))]
		switch rng.IntN(3) {
		case 0:
			if want[id] == nil {
				s := &Session{ID: id}
				st.add(s)
				want[id] = s
			}
		case 1:
			if s := want[id]; s != nil {
				st.remove(s)
				delete(want, id)
			}
		default:
			if got := st.find([]byte(id)); got != want[id] {
				t.Fatalf("step %d: find(%s) = %p, want %p", step, id, got, want[id])
			}
		}
	}
}
