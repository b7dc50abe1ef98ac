package analyze

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unsafe"

	"github.com/logscan/logscan/parser"
)

// Defaults for Options.
const (
	DefaultMaxOpen = 50_000 // open sessions held at once
	DefaultMaxRows = 400    // transcript rows kept per session
)

// Options configure an Assembler.
type Options struct {
	// Emit receives each session once it has ended (or at Flush). It may
	// keep the session, but the session and its text (the replies' Text,
	// Enhanced and Raw, the evidence rows' Line.Raw) stay valid after Emit
	// returns only if Emit calls Session.Keep: otherwise the session is
	// reused, and what Emit keeps of it must be copied.
	Emit func(*Session)
	// MaxOpen bounds the sessions held open at once; past it the least
	// recently active one is closed early, marked Evicted and incomplete.
	// 0 means DefaultMaxOpen.
	MaxOpen int
	// Transcripts keeps every row of each session (up to MaxRows) for
	// Session.Transcript; without it only the rows that serve as evidence
	// (error replies, certificates, TLS and connect errors) keep their text.
	Transcripts bool
	// MaxRows bounds the transcript rows kept per session (the session is
	// still analysed in full). 0 means DefaultMaxRows.
	MaxRows int
	// KeepHeads keeps every row of a session whose first row is not a start
	// row (it began in an earlier file), so that a Stitcher can replay it
	// into the part of the session read from that earlier file.
	KeepHeads bool
	// KeepRows keeps every row of every open session, so that the
	// sessions still open at the end can be carried to the next run
	// (Session.Carry). Rows are let go when a session is handed on.
	KeepRows bool
	// Reuse, when set, is where the Assembler takes the sessions it
	// builds in and leaves those it hands on: give one goroutine's
	// Assemblers and its turns at a Stitcher the same (Stitcher.ReuseIn).
	Reuse *Reuse
}

// headMaxRows bounds the rows kept of a head for replay.
const headMaxRows = 1 << 20

// Source names where a file's rows come from. Session ids are unique only
// within one source (a server's service folder), so sessions are keyed by
// (source, log type, session id).
type Source struct {
	Key     string // the folder, as given; "-" for standard input
	Server  string // derived from the path, "" when unknown
	Service string // Hub, FrontEnd, Mailbox, Edge, or ""
}

// Label is a short name for people: "EXCH01 Hub", or the last two
// folders of the path.
func (s Source) Label() string {
	switch {
	case s.Server != "" && s.Service != "":
		return s.Server + " " + s.Service
	case s.Server != "":
		return s.Server
	}
	k := strings.ReplaceAll(s.Key, `\`, "/")
	if i := strings.LastIndexByte(k, '/'); i > 0 {
		if j := strings.LastIndexByte(k[:i], '/'); j >= 0 {
			return k[j+1:]
		}
	}
	return k
}

type streamKey struct {
	source string
	typ    parser.LogType
}

type stream struct {
	src  Source
	typ  parser.LogType
	open map[string]*Session
	// recent are the sessions last found, tried before the map: a file's
	// rows interleave a few sessions at a time. Only ids of sixteen digits
	// (as Exchange writes them), compared as two words.
	recent [8]recentSession
	next   int // the entry recent reuses next
}

type recentSession struct {
	w0, w1 uint64
	s      *Session
}

func newStream(src Source, typ parser.LogType) *stream {
	return &stream{src: src, typ: typ, open: make(map[string]*Session)}
}

// find returns the open session of id, or nil.
func (st *stream) find(id []byte) *Session {
	if len(id) != 16 {
		return st.open[string(id)]
	}
	w0, w1 := binary.LittleEndian.Uint64(id), binary.LittleEndian.Uint64(id[8:])
	// All eight are compared, without a branch each: which one matches is
	// as good as random, and a branch taken at random is mispredicted
	// half the time (this loop with one branch per entry was 2.5% of a
	// scan). A forgotten entry is zero, which no id of hex digits is.
	var hits uint
	for i := range st.recent {
		r := &st.recent[i]
		var eq uint
		if (r.w0^w0)|(r.w1^w1) == 0 {
			eq = 1
		}
		hits |= eq << i
	}
	if hits != 0 {
		if s := st.recent[bits.TrailingZeros(hits)].s; s != nil {
			return s
		}
	}
	s := st.open[string(id)]
	if s != nil {
		st.remember(w0, w1, s)
	}
	return s
}

func (st *stream) remember(w0, w1 uint64, s *Session) {
	st.recent[st.next] = recentSession{w0, w1, s}
	st.next = (st.next + 1) % len(st.recent)
}

// add opens s.
func (st *stream) add(s *Session) {
	st.open[s.ID] = s
	if len(s.ID) == 16 {
		id := unsafe.Slice(unsafe.StringData(s.ID), 16)
		st.remember(binary.LittleEndian.Uint64(id), binary.LittleEndian.Uint64(id[8:]), s)
	}
}

// remove forgets s, which is open.
func (st *stream) remove(s *Session) {
	delete(st.open, s.ID)
	for i := range st.recent {
		if st.recent[i].s == s {
			st.recent[i] = recentSession{}
		}
	}
}

// Assembler rebuilds sessions from records. Feed it each file's records in
// order, files of one source in name order (see [SortFiles]); sessions
// carry over from one file to the next.
type Assembler struct {
	opts     Options
	maxRows  int // opts.rowCap()
	streams  map[streamKey]*stream
	last     *stream
	lastKey  streamKey
	lastSess *Session // the session of the last row, while it is open

	head, tail *Session // open sessions, least recently active first
	nopen      int
	order      int64
	evicted    int
	texts      *interner
	cache      *sessionCache // own, or Options.Reuse's
	own        sessionCache
}

// NewAssembler returns an Assembler.
func NewAssembler(opts Options) *Assembler {
	if opts.MaxOpen <= 0 {
		opts.MaxOpen = DefaultMaxOpen
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxRows
	}
	a := &Assembler{opts: opts, maxRows: opts.rowCap(), streams: make(map[streamKey]*stream), texts: newInterner()}
	a.cache = &a.own
	if opts.Reuse != nil {
		a.cache = &opts.Reuse.c
	}
	return a
}

// Evicted returns how many sessions were closed early to bound memory.
func (a *Assembler) Evicted() int { return a.evicted }

// Open returns how many sessions are open now.
func (a *Assembler) Open() int { return a.nopen }

// Add feeds one record read from file (a name for positions) of src.
func (a *Assembler) Add(src Source, file string, rec *parser.Record) {
	st := a.last
	if st == nil || rec.LogType != a.lastKey.typ || !samePointer(src.Key, a.lastKey.source) {
		// (Compared by pointer: each file of a folder has its own string
		// of the folder's key; the map finds the stream, and lastKey then
		// has this file's string.)
		k := streamKey{src.Key, rec.LogType}
		st = a.streams[k]
		if st == nil {
			st = newStream(src, rec.LogType)
			a.streams[k] = st
		}
		a.last, a.lastKey = st, k
	}
	// Rows of one session mostly come in runs: try the last one first.
	s := a.lastSess
	if s == nil || !sameID(s.ID, rec.SessionID) || s.keyType != rec.LogType || !samePointer(s.Source, src.Key) {
		s = st.find(rec.SessionID)
		if s != nil && !samePointer(s.Source, src.Key) {
			s.Source = src.Key // the same key (the stream's), this file's string of it
		}
	}
	if s != nil && rec.Seq == 0 && s.Last.File != file {
		// The session starts again in another file (a copy of the same
		// log, or its id used again): the one open will not go on. A
		// Stitcher decides the same for files read in parallel.
		a.close(st, s, false)
		s = nil
	}
	if s == nil {
		s = newSession(a.cache, src, rec.LogType, string(rec.SessionID))
		s.state.order = a.order
		a.order++
		st.add(s)
		a.nopen++
		a.pushBack(s)
		if a.nopen > a.opts.MaxOpen {
			a.evict()
		}
	} else {
		a.touch(s)
	}
	maxRows := a.maxRows
	if s.head {
		maxRows = headMaxRows
	}
	s.add(rec, file, maxRows, a.texts)
	a.lastSess = s
	if s.Rows == 1 && a.opts.KeepHeads && rec.Seq != 0 {
		// The session may have begun in an earlier file (Exchange numbers
		// a session's rows from 0; sessions seen from their '+' row on
		// continue one whose first rows are in the file before): keep its
		// rows for replay, this first one included.
		s.head = true
		if maxRows == 0 {
			s.keepRow(rec.Raw, file, rec.Line, headMaxRows)
		}
	}
	if s.state.ended {
		a.close(st, s, false)
	}
}

// samePointer reports whether a and b are the same string in memory: every
// row of a file gives the same Source.Key.
func samePointer(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// sameID is id == string(b), two words compared for a session id as
// Exchange writes it (sixteen hex digits).
func sameID(id string, b []byte) bool {
	if len(id) != len(b) {
		return false
	}
	if len(b) == 16 {
		p := unsafe.Slice(unsafe.StringData(id), 16)
		return binary.LittleEndian.Uint64(p) == binary.LittleEndian.Uint64(b) &&
			binary.LittleEndian.Uint64(p[8:]) == binary.LittleEndian.Uint64(b[8:])
	}
	return id == string(b)
}

func (a *Assembler) evict() {
	s := a.head
	if s == nil {
		return
	}
	a.evicted++
	st := a.streams[streamKey{s.Source, s.streamType()}]
	a.close(st, s, true)
}

// streamType is the log type the session was keyed under (LogType may
// have been inferred since).
func (s *Session) streamType() parser.LogType { return s.keyType }

func (a *Assembler) close(st *stream, s *Session, evicted bool) {
	if st != nil {
		st.remove(s)
	}
	a.unlink(s)
	a.nopen--
	s.Evicted = evicted
	s.finish()
	s.trimRows(a.opts)
	if a.opts.Emit != nil {
		a.opts.Emit(s)
	}
	if !a.opts.KeepHeads { // a segment's sessions are handed on by a Stitcher
		s.release(a.cache)
	}
}

// Detach hands over the sessions still open, unfinished, in the order
// they began, and forgets them: the next file's part of them is read by
// another Assembler, and a Stitcher joins the two.
func (a *Assembler) Detach() []*Session {
	var all []*Session
	for s := a.head; s != nil; s = s.state.next {
		all = append(all, s)
	}
	sortByOrder(all)
	for _, s := range all {
		if st := a.streams[streamKey{s.Source, s.streamType()}]; st != nil {
			st.remove(s)
		}
		a.unlink(s)
		a.nopen--
	}
	a.own.flush() // for the Assemblers of the next files (Options.Reuse's stays)
	return all
}

// Flush ends the input: every session still open is handed on as it
// stands (not complete), in the order the sessions began.
func (a *Assembler) Flush() { a.FlushIf(func(*Session) bool { return true }) }

func (a *Assembler) pushBack(s *Session) {
	s.state.prev, s.state.next = a.tail, nil
	if a.tail != nil {
		a.tail.state.next = s
	} else {
		a.head = s
	}
	a.tail = s
}

func (a *Assembler) unlink(s *Session) {
	if a.lastSess == s {
		a.lastSess = nil
	}
	p, n := s.state.prev, s.state.next
	if p != nil {
		p.state.next = n
	} else if a.head == s {
		a.head = n
	}
	if n != nil {
		n.state.prev = p
	} else if a.tail == s {
		a.tail = p
	}
	s.state.prev, s.state.next = nil, nil
}

func (a *Assembler) touch(s *Session) {
	if a.tail == s {
		return
	}
	a.unlink(s)
	a.pushBack(s)
}
