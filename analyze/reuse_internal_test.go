package analyze

import "testing"

// twoSessions is two sessions one after the other: the second begins
// after the first has ended.
const twoSessions = `2024-03-05T20:00:00.000Z,C,08DC3C801C400001,0,10.0.0.5:1,52.101.1.1:25,+,,
2024-03-05T20:00:00.001Z,C,08DC3C801C400001,1,10.0.0.5:1,52.101.1.1:25,<,220 ready,
2024-03-05T20:00:00.002Z,C,08DC3C801C400001,2,10.0.0.5:1,52.101.1.1:25,-,,Local
2024-03-05T20:00:01.000Z,C,08DC3C801C400002,0,10.0.0.5:2,52.101.1.1:25,+,,
2024-03-05T20:00:01.001Z,C,08DC3C801C400002,1,10.0.0.5:2,52.101.1.1:25,<,220 ready,
2024-03-05T20:00:01.002Z,C,08DC3C801C400002,2,10.0.0.5:2,52.101.1.1:25,-,,Local
`

// A session handed on through a Reuse is the one the next session is
// built in, whether an Assembler or a Stitcher handed it on; without
// one (ReuseIn(nil)) the Stitcher keeps it apart.
func TestReuseBuildsInTheLastSessionHandedOn(t *testing.T) {
	var ids []string
	var got []*Session
	emit := func(s *Session) { ids = append(ids, s.ID); got = append(got, s) }

	var r Reuse
	assemble(t, "SEND20240305-1.LOG", twoSessions, Options{Reuse: &r, Emit: emit})
	if len(got) != 2 || got[0] != got[1] || ids[0] == ids[1] {
		t.Fatalf("Assembler with a Reuse: sessions %v at %p, want the second built in the first", ids, got)
	}

	for _, tc := range []struct {
		name  string
		reuse bool
	}{{"ReuseIn(r)", true}, {"ReuseIn(nil)", false}} {
		ids, got = nil, nil
		var r Reuse
		st := NewStitcher(Options{Emit: emit})
		if tc.reuse {
			st.ReuseIn(&r)
		} else {
			st.ReuseIn(nil)
		}
		assemble(t, "SEND20240305-1.LOG", twoSessions, Options{KeepHeads: true, Reuse: &r, Emit: func(s *Session) { st.AddClosed(s) }})
		if len(got) != 2 || ids[0] == ids[1] || (got[0] == got[1]) != tc.reuse {
			t.Fatalf("Stitcher %s: sessions %v at %p; same memory: %v, want %v", tc.name, ids, got, got[0] == got[1], tc.reuse)
		}
	}
}
