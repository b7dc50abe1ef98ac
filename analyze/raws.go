package analyze

import (
	"sync"
	"unsafe"
)

// The text a session keeps, the rows it keeps as evidence (certificate
// rows, error replies, the banner, the TLS row ...) and the texts of its
// replies, was a few dozen strings per session, and making each one as its
// row was read was the largest share of the assembler's allocations.
// Instead the text is copied into two buffers per session:
//
//   - the evidence rows go to raws. Only the few sessions whose rows are
//     wanted (the first sessions of each finding, which are quoted as
//     evidence; sessions a report keeps or redacts) get strings, all in
//     one allocation (settleRaws); for the others the buffer's room serves
//     the next session once this one has been handed on (release);
//   - the replies' codes and texts, and the messages' ids and addresses,
//     go to txt, as strings read from it in place (keepText).
//
// Past maxKeptBuf bytes (a hostile session with millions of rows) text is
// made into strings at once, as it was before, so a buffer stays small.

// rawRef locates kept text in a session's buffer until it becomes a
// string; off is one past the start, so that the zero value means none.
type rawRef struct{ off, n int32 }

// in returns the text ref locates in all, the buffer made a string.
func (ref rawRef) in(all string) string {
	if ref.off == 0 {
		return ""
	}
	return all[ref.off-1 : ref.off-1+ref.n]
}

// maxKeptBuf bounds each of a session's buffers.
const maxKeptBuf = 64 << 10

// keepIn appends b to *buf and says where, or, when the buffer is full,
// returns b as a string.
func keepIn(buf *[]byte, b []byte) (string, rawRef) {
	if len(b) == 0 {
		return "", rawRef{}
	}
	if len(*buf)+len(b) > maxKeptBuf {
		return string(b), rawRef{}
	}
	off := len(*buf)
	*buf = append(*buf, b...)
	return "", rawRef{off: int32(off) + 1, n: int32(len(b))}
}

// keepRaw keeps the text of an evidence row.
func (s *Session) keepRaw(b []byte) (string, rawRef) {
	if s.raws == nil && len(b) > 0 {
		if s.raws = s.spare.raws; s.raws != nil {
			s.spare.raws = nil
		} else {
			s.raws = make([]byte, 0, 4<<10)
		}
	}
	return keepIn(&s.raws, b)
}

// rawLine is a Line for a row kept as evidence.
func (s *Session) rawLine(pos Pos, b []byte) Line {
	raw, ref := s.keepRaw(b)
	return Line{Pos: pos, Raw: raw, ref: ref}
}

// keepText keeps text the session holds as strings (a reply's code and
// text, a message's ids and addresses) in its text buffer, and returns it
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
		s.txt = make([]byte, 0, min(max(2*cap(s.txt), 2<<10, len(b)), maxKeptBuf))
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
	s.settleRaws()
	s.ownTexts()
	s.kept = true
}

// eachReply calls fn for every reply the session holds: those in the
// slice and those held by pointer (the final reply, the last error, a
// message's reply, a refused recipient's). A pointer may be to a reply past
// the cap, or to a copy the slice left behind when it grew; fn may see a
// reply more than once.
func (s *Session) eachReply(fn func(r *Reply)) {
	for i := range s.Replies {
		fn(&s.Replies[i])
	}
	for _, r := range []*Reply{s.Final, s.state.lastErr} {
		if r != nil {
			fn(r)
		}
	}
	for i := range s.Messages {
		m := &s.Messages[i]
		if m.Reply != nil {
			fn(m.Reply)
		}
		for _, rf := range m.Refused {
			if rf.Reply != nil {
				fn(rf.Reply)
			}
		}
	}
}

// settleRaws makes the strings of the kept rows, all in one, wherever the
// session holds them, and keeps the buffer's room (putRaws).
func (s *Session) settleRaws() {
	if s.raws == nil {
		return
	}
	all := string(s.raws)
	s.rawAll = all
	line := func(l *Line) {
		if l.ref.off > 0 {
			l.Raw = l.ref.in(all)
		}
	}
	for _, c := range []*Certificate{s.LocalCert, s.RemoteCert} {
		if c != nil {
			for i := range c.Rows {
				line(&c.Rows[i])
			}
		}
	}
	if s.TLS != nil {
		line(&s.TLS.At)
	}
	line(&s.TLSErrorAt)
	line(&s.ConnectErrorAt)
	line(&s.SeenIPAt)
	line(&s.GapTo)
	s.eachReply(func(r *Reply) {
		if r.ref.off > 0 {
			r.Raw = r.ref.in(all)
		}
	})
	s.putRaws()
}

// maxSpareBuf bounds the text buffers a session leaves to the next,
// maxSpareRecipients its recipients' array and maxSpareTranscript its
// transcript's text.
const (
	maxSpareBuf        = 16 << 10
	maxSpareRecipients = 256
	maxSpareTranscript = 64 << 10
)

// putRaws keeps the evidence buffer's room for the next session.
func (s *Session) putRaws() {
	if s.raws != nil && cap(s.raws) <= maxSpareBuf {
		s.spare.raws = s.raws[:0]
	}
	s.raws = nil
}

// lineRaw returns the text of l, a row of s or a copy of one made before
// settleRaws.
func (s *Session) lineRaw(l Line) string {
	if l.Raw != "" || s.rawAll == "" {
		return l.Raw
	}
	return l.ref.in(s.rawAll)
}

// spares is what a session handed on leaves to the one made from it next:
// room for a dozen replies (a session to Exchange Online has about that
// many), two certificates with room for the rows of the multi-row layout
// (a header and up to seven attributes), the evidence buffer and room for
// messages. Each is taken when the new session first needs it, so what it
// holds (nil or not) is as if it were made anew.
type spares struct {
	replies   []Reply
	certs     [2]*Certificate
	ncerts    int
	raws      []byte
	msgs      []Message // with msgStates, room for a few messages
	msgStates []msgState
	tos       []string // room for recipients (Session.toBuf)
	tbuf      []byte   // with trows, room for a transcript (keepRow)
	trows     []lineRef
}

const repliesCap = 16

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
// returned). A kept session only lets go of the evidence buffer Keep made
// strings of. Any other is reused whole, its replies, certificates and
// buffers included: nothing refers to it any more, since the checks, the
// summary and the writers copy what they keep. It is made ready for reuse
// (recycle) by the goroutine that reuses it, not here: what release wrote
// on the processor that checked the session, the one that builds the next
// session in it would have to fetch back.
func (s *Session) release(c *sessionCache) {
	if s.kept {
		s.raws = nil
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
	s.putRaws()
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
