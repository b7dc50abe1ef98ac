package analyze

import (
	"sync"
	"unsafe"
)

// The text a session keeps, the rows it keeps as evidence (certificate
// rows, error replies, the banner, the TLS row ...), the texts of its
// replies and its messages' ids and addresses, was a few dozen strings per
// session, and making each one as its row was read was the largest share
// of the assembler's allocations. Instead the text is copied into one
// buffer per session, and the strings are read from it in place
// (keepText); the buffer's room serves the next session once this one has
// been handed on.
//
// Past maxKeptBuf bytes at once (a hostile row) text is made into a string
// of its own, so a buffer stays small.

// maxKeptBuf bounds a session's text buffer.
const maxKeptBuf = 64 << 10

// firstBuf is the size of a session's first text buffer: what nine
// sessions in ten to Exchange Online keep (3.8 KB half of them, 4.6 KB nine
// in ten, 5.4 KB 99 in 100, in the benchmark's corpus), so that most never
// grow it (a 2 KB start grew twice, to 8 KB, and the sessions left in
// reserve held twice what they use).
const firstBuf = 6 << 10

// rawLine is a Line for a row kept as evidence.
func (s *Session) rawLine(pos Pos, b []byte) Line {
	return Line{Pos: pos, Raw: s.keepText(b)}
}

// keepText keeps text the session holds as strings (an evidence row, a
// reply's code and text, a message's ids and addresses) in its text
// buffer, and returns it
// as a string read from the buffer in place. Text in the buffer is never
// written again until the session is reused, after Options.Emit has
// returned; a full buffer is left as it is, for a new one. So the strings
// stay right while the session is in use, and for ever once Keep (or
// Redactor.Session) has let go of the buffer; what the checks, the summary
// and the writers keep of them past Emit they copy.
func (s *Session) keepText(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(s.txt)+len(b) > cap(s.txt) {
		if len(b) > maxKeptBuf {
			return string(b)
		}
		s.txt = make([]byte, 0, min(max(2*cap(s.txt), firstBuf, len(b)), maxKeptBuf))
	}
	off := len(s.txt)
	s.txt = append(s.txt, b...)
	return unsafe.String(&s.txt[off], len(b))
}

// ownTexts lets go of the text buffer, so that the strings read from it
// outlast the session's reuse.
func (s *Session) ownTexts() { s.txt = nil }

// Keep makes the session, the replies' texts and the text of its evidence
// rows (Line.Raw, Reply.Raw) stay valid after Options.Emit returns.
// Call it from Emit for a session that is kept; without it that text is
// let go once Emit returns and the session is reused.
func (s *Session) Keep() {
	s.ownTexts()
	s.kept = true
}

// maxSpareBuf bounds the text buffers a session leaves to the next,
// maxSpareRecipients its recipients' array and maxSpareTranscript its
// transcript's text.
const (
	maxSpareBuf        = 16 << 10
	maxSpareRecipients = 256
	maxSpareTranscript = 64 << 10
)

// spares is what a session handed on leaves to the one made from it next:
// room for a dozen replies (a session to Exchange Online has about that
// many), two certificates with room for the rows of the multi-row layout
// (a header and up to seven attributes) and room for
// messages. Each is taken when the new session first needs it, so what it
// holds (nil or not) is as if it were made anew.
type spares struct {
	replies   []Reply
	certs     [2]*Certificate
	ncerts    int
	msgs      []Message // with msgStates, room for a few messages
	msgStates []msgState
	tos       []string // room for recipients (Session.toBuf)
	tbuf      []byte   // with trows, room for a transcript (keepRow)
	trows     []lineRef
}

// repliesCap is the room for replies a session starts with: a session to
// Exchange Online has about a dozen (9 half of them, 17 one in a hundred
// in the benchmark's corpus); one with more grows its own.
const repliesCap = 24

func (s *Session) newReplies() []Reply {
	if r := s.spare.replies; r != nil {
		s.spare.replies = nil
		return r
	}
	return make([]Reply, 0, repliesCap)
}

func (s *Session) newCertificate() *Certificate {
	if sp := &s.spare; sp.ncerts > 0 {
		sp.ncerts--
		c := sp.certs[sp.ncerts]
		sp.certs[sp.ncerts] = nil
		return c
	}
	return &Certificate{Rows: make([]Line, 0, 8)}
}

// putCert keeps c, its rows' room kept. Nothing outside the session holds
// it: the summary copies what it keeps of a certificate (SANs is a slice
// of its own, never reused).
func (sp *spares) putCert(c *Certificate) {
	if c == nil || cap(c.Rows) != 8 || sp.ncerts == len(sp.certs) {
		return
	}
	clear(c.Rows) // past its length it holds nothing (as recycle's slices)
	*c = Certificate{Rows: c.Rows[:0]}
	sp.certs[sp.ncerts] = c
	sp.ncerts++
}

// Sessions handed on are reused for new ones. They are handed on by the
// goroutine that stitches, checks and reports them (a reader, in turn)
// and made by the readers, so they travel between them in batches: a
// sync.Pool per session cost about 8% of the CPU, in its
// cross-processor steals, and a list under one lock more still.
type sessionBatch struct {
	n int
	s [64]*Session
}

var fullBatches sync.Pool // of *sessionBatch

// Reuse holds the sessions one goroutine has handed on, for it to build
// new ones in (see Options.Reuse and Stitcher.ReuseIn): memory its
// processor has in cache, where a session from another goroutine's
// batch would have to be fetched. The zero value is ready; a Reuse must
// not be used by two goroutines at once.
type Reuse struct{ c sessionCache }

// sessionCache is one goroutine's batch of sessions to reuse; the zero
// value is ready, and a nil one makes new sessions.
type sessionCache struct{ b *sessionBatch }

func (c *sessionCache) get() *Session {
	if c == nil {
		return new(Session)
	}
	if c.b == nil || c.b.n == 0 {
		if c.b, _ = fullBatches.Get().(*sessionBatch); c.b == nil {
			return new(Session)
		}
	}
	c.b.n--
	s := c.b.s[c.b.n]
	c.b.s[c.b.n] = nil
	s.recycle()
	return s
}

func (c *sessionCache) put(s *Session) {
	if c == nil {
		return
	}
	if c.b == nil {
		c.b = new(sessionBatch) // one per 64 sessions
	}
	c.b.s[c.b.n] = s
	c.b.n++
	if c.b.n == len(c.b.s) {
		fullBatches.Put(c.b)
		c.b = nil
	}
}

// flush hands the sessions the cache holds to other goroutines.
func (c *sessionCache) flush() {
	if c == nil || c.b == nil {
		return
	}
	if c.b.n > 0 {
		fullBatches.Put(c.b)
	}
	c.b = nil
}

// release is called once a session has been handed on (Options.Emit has
// returned). A kept session stays as it is. Any other is reused whole, its replies, certificates and
// buffers included: nothing refers to it any more, since the checks, the
// summary and the writers copy what they keep. It is made ready for reuse
// (recycle) by the goroutine that reuses it, not here: what release wrote
// on the processor that checked the session, the one that builds the next
// session in it would have to fetch back.
func (s *Session) release(c *sessionCache) {
	if s.kept {
		return
	}
	if poisonReleased {
		clear(s.txt)
	}
	c.put(s)
}

// poisonReleased makes release blank a session's texts, for the tests: a
// string kept by mistake past Emit then reads as zero bytes, which they
// notice, not as another session's words.
var poisonReleased bool

// recycle readies a released session for reuse: it lets go of what the
// session held and keeps the room of its replies, certificates, messages
// and buffers for the next (spares).
func (s *Session) recycle() {
	sp := s.spare
	// Only the slices' lengths are cleared: past them they hold nothing,
	// as they were cleared when the session before had them.
	if cap(s.Replies) == repliesCap {
		clear(s.Replies)
		sp.replies = s.Replies[:0]
	}
	sp.putCert(s.LocalCert)
	if s.RemoteCert != s.LocalCert {
		sp.putCert(s.RemoteCert)
	}
	if cap(s.Messages) > 0 && cap(s.Messages) <= 8 {
		clear(s.Messages)
		clear(s.msgStates)
		sp.msgs, sp.msgStates = s.Messages[:0], s.msgStates[:0]
	}
	if cap(s.toBuf) <= maxSpareRecipients {
		clear(s.toBuf)
		sp.tos = s.toBuf[:0]
	}
	// A transcript's room (with Options.Transcripts): nothing outside the
	// session refers to it (Transcript and the rest copy).
	if t := &s.transcript; t.rows != nil && cap(t.buf) <= maxSpareTranscript && cap(t.rows) <= DefaultMaxRows {
		sp.tbuf, sp.trows = t.buf[:0], t.rows[:0]
	}
	txt, ids := s.txt[:0], s.Findings
	*s = Session{}
	if cap(txt) <= maxSpareBuf {
		s.txt = txt // the next session's replies' texts go there
	}
	if cap(ids) <= 16 {
		clear(ids)
		s.Findings = ids[:0] // and its finding ids
	}
	s.spare = sp
}
