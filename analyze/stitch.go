package analyze

import "github.com/logscan/logscan/parser"

// Segment is what an Assembler made of one file (run with KeepHeads):
// the sessions that ended in it, in the order they ended, and those still
// open at its end (from Detach).
type Segment struct {
	Closed []*Session
	Open   []*Session
}

// Stitcher joins segments read in parallel into the sessions a single
// Assembler would have produced reading the files one after another. Add
// the segments in file order; a session's part from one file (open at its
// end) and its part from the next (a head: its first row there is not a
// start row) are joined by replaying the head's rows into the open part.
// Sessions go to Options.Emit in the order they end, as with an Assembler.
type Stitcher struct {
	opts    Options
	open    map[stitchKey]*Session
	order   []stitchKey // open sessions, in the order they were kept
	texts   *interner
	seq     int64 // orders kept sessions across files, as one Assembler would
	evicted int
	cache   *sessionCache // own, or the one ReuseIn gave
	own     sessionCache
	again   replayer // parses heads' rows again (replay)
}

type stitchKey struct {
	source string
	typ    parser.LogType
	id     string
}

// NewStitcher returns a Stitcher; Options.Emit, MaxOpen, Transcripts and
// MaxRows apply as to an Assembler.
func NewStitcher(opts Options) *Stitcher {
	if opts.MaxOpen <= 0 {
		opts.MaxOpen = DefaultMaxOpen
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxRows
	}
	st := &Stitcher{opts: opts, open: map[stitchKey]*Session{}, texts: newInterner()}
	st.cache = &st.own
	return st
}

// ReuseIn makes the Stitcher leave the sessions it hands on in r (nil: a
// set of its own), until the next call. A goroutine taking its turn at the
// Stitcher gives it the Reuse of its Assemblers: the session it builds
// next is then the one just handed on, still in its processor's cache.
func (st *Stitcher) ReuseIn(r *Reuse) {
	if r == nil {
		st.cache = &st.own
		return
	}
	st.cache = &r.c
}

// Evicted returns how many sessions were closed early to bound memory.
func (st *Stitcher) Evicted() int { return st.evicted }

func keyOf(s *Session) stitchKey { return stitchKey{s.Source, s.keyType, s.ID} }

// Add takes the next file's segment.
func (st *Stitcher) Add(seg Segment) {
	for _, s := range seg.Closed {
		st.AddClosed(s)
	}
	st.AddOpen(seg.Open)
}

// AddClosed takes the next session that ended in the file being added, in
// the order they ended there; AddOpen then ends the file. Together they
// are Add, for a file whose sessions arrive while it is still being read.
func (st *Stitcher) AddClosed(s *Session) {
	if tail := st.open[keyOf(s)]; tail != nil {
		if s.head {
			st.replay(tail, s)
			if tail.state.ended {
				st.drop(keyOf(tail))
				st.emit(tail, false)
			}
			return
		}
		// A new session under an id still open: the old one will not go
		// on (as in AddOpen).
		st.drop(keyOf(tail))
		st.emit(tail, false)
	}
	// (Written only when they change: a line of the session written here
	// is one the reader reusing it must fetch back from this processor.)
	if s.head {
		s.head = false
	}
	if t := &s.transcript; !st.opts.Transcripts && (t.rows != nil || t.buf != nil || t.dropped != 0) {
		s.transcript = transcript{}
	}
	st.emit(s, false)
}

// AddOpen takes the sessions still open at the end of the file being
// added (from Assembler.Detach).
func (st *Stitcher) AddOpen(open []*Session) {
	for _, s := range open {
		k := keyOf(s)
		if tail := st.open[k]; tail != nil {
			if s.head {
				st.replay(tail, s)
				continue
			}
			// A new session under an id still open: the old one will not
			// go on.
			st.drop(k)
			st.emit(tail, false)
		}
		s.head = false
		st.keep(k, s)
	}
	st.compact()
}

// keep holds s open under k, in the order sessions began, within MaxOpen.
func (st *Stitcher) keep(k stitchKey, s *Session) {
	s.state.order = st.seq
	st.seq++
	st.open[k] = s
	st.order = append(st.order, k)
	if len(st.open) > st.opts.MaxOpen {
		st.evictOldest()
	}
}

// replay feeds the rows of head into tail, the earlier part of the same
// session. Heads are the few sessions that cross a file boundary: parsing
// their rows a second time costs little. (A file whose #Fields reorders
// the columns is read in the standard order here.)
func (st *Stitcher) replay(tail, head *Session) {
	maxRows := st.opts.rowCap()
	rows, _ := head.Transcript()
	st.again.replay(rows, nil, tail.keyType, func(rec *parser.Record, file string) {
		tail.add(rec, file, maxRows, st.texts)
	})
}

func (st *Stitcher) emit(s *Session, evicted bool) {
	if s.Outcome == "" || evicted { // not finished yet (a tail)
		s.Evicted = evicted
		s.finish()
	}
	if s.head {
		s.head = false
	}
	s.trimRows(st.opts)
	if st.opts.Emit != nil {
		st.opts.Emit(s)
	}
	s.release(st.cache)
}

func (st *Stitcher) drop(k stitchKey) { delete(st.open, k) }

func (st *Stitcher) evictOldest() {
	for i, k := range st.order {
		if s := st.open[k]; s != nil {
			st.order = st.order[i+1:]
			st.drop(k)
			st.evicted++
			st.emit(s, true)
			return
		}
	}
}

// compact forgets order entries of sessions no longer open.
func (st *Stitcher) compact() {
	if len(st.order) < 2*len(st.open)+64 {
		return
	}
	keep := st.order[:0]
	seen := map[stitchKey]bool{}
	for _, k := range st.order {
		if st.open[k] != nil && !seen[k] {
			seen[k] = true
			keep = append(keep, k)
		}
	}
	st.order = keep
}

// Flush ends the input: every session still open is handed on as it
// stands, in the order they began.
func (st *Stitcher) Flush() {
	st.FlushIf(func(*Session) bool { return true })
	st.order = nil
}
