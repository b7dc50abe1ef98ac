package analyze

import "sync"

// The text of the rows a session keeps as evidence (certificate rows,
// error replies, the banner, the TLS row ...) is a dozen or two strings per
// session, and making each one as its row was read was the largest share
// of the assembler's allocations. Instead the rows are copied into one
// buffer per session, taken from a pool. Only the few sessions whose text
// is wanted (the first sessions of each finding, which are quoted as
// evidence; sessions a report keeps or redacts) get strings, all in one
// allocation; for the others the buffer just goes back to the pool when
// the session has been handed on.

// rawRef locates a kept row in its session's buffer until the session
// ends; off is one past the start, so that the zero value means none.
type rawRef struct{ off, n int32 }

// maxRawBuf bounds a session's buffer; rows past it are kept as strings
// at once.
const maxRawBuf = 1 << 30

var rawPool = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

// keepRaw keeps the text of a row: in the session's buffer (the string
// comes at finish), or as a string now when the buffer is full.
func (s *Session) keepRaw(b []byte) (string, rawRef) {
	if len(b) == 0 {
		return "", rawRef{}
	}
	if len(s.raws)+len(b) > maxRawBuf {
		return string(b), rawRef{}
	}
	if s.raws == nil {
		s.rawsBox = rawPool.Get().(*[]byte)
		s.raws = (*s.rawsBox)[:0]
	}
	off := len(s.raws)
	s.raws = append(s.raws, b...)
	return "", rawRef{off: int32(off) + 1, n: int32(len(b))}
}

// rawLine is a Line for a row kept as evidence.
func (s *Session) rawLine(pos Pos, b []byte) Line {
	raw, ref := s.keepRaw(b)
	return Line{Pos: pos, Raw: raw, ref: ref}
}

// Keep makes the text of the session's evidence rows (Line.Raw,
// Reply.Raw) stay valid after Options.Emit returns. Call it from Emit for
// a session that is kept; without it that text is let go once Emit
// returns.
func (s *Session) Keep() {
	s.settleRaws()
	s.kept = true
}

// repliesCap is the room a session's replies start with.
const repliesCap = 16

var replyPool = sync.Pool{New: func() any { r := make([]Reply, 0, repliesCap); return &r }}

func newReplies() []Reply {
	p := replyPool.Get().(*[]Reply)
	r := (*p)[:0]
	*p = nil
	boxPool.Put(p)
	return r
}

var boxPool = sync.Pool{New: func() any { return new([]Reply) }}

var sessionPool = sync.Pool{New: func() any { return new(Session) }}

// certPool holds certificates of sessions handed on, with room for the
// rows of the multi-row layout (a header and up to seven attributes).
var certPool = sync.Pool{New: func() any { return &Certificate{Rows: make([]Line, 0, 8)} }}

func newCertificate() *Certificate { return certPool.Get().(*Certificate) }

// recycle puts c back, its rows' room kept. Nothing outside the session
// holds it: the summary copies what it keeps of a certificate (SANs is a
// slice of its own, never reused).
func recycle(c *Certificate) {
	if c == nil || cap(c.Rows) != 8 {
		return
	}
	rows := c.Rows[:8]
	clear(rows)
	*c = Certificate{Rows: rows[:0]}
	certPool.Put(c)
}

// release lets go of what a session handed on no longer needs: the text
// of its evidence rows, unless Keep made it strings, and, unless it was
// kept, its replies (their room goes to the next sessions). Nothing
// outside a kept session holds on to them: the checks, the summary and
// the writers copy what they keep.
func (s *Session) release() {
	defer func() {
		if !s.kept {
			// Nothing refers to a session handed on and not kept: it
			// becomes the next one.
			recycle(s.LocalCert)
			if s.RemoteCert != s.LocalCert {
				recycle(s.RemoteCert)
			}
			txt, ids := s.txt[:0], s.Findings[:0]
			*s = Session{}
			if cap(txt) <= 16<<10 {
				s.txt = txt // the next session's replies' text goes there
			}
			if cap(ids) <= 16 {
				clear(ids[:cap(ids)])
				s.Findings = ids // and its finding ids
			}
			sessionPool.Put(s)
		}
	}()
	if !s.kept && cap(s.Replies) == repliesCap {
		clear(s.Replies[:cap(s.Replies)])
		p := boxPool.Get().(*[]Reply)
		*p = s.Replies[:0]
		replyPool.Put(p)
		s.Replies = nil
		for i := range s.Messages {
			m := &s.Messages[i]
			m.Reply, m.Refused = nil, nil
		}
		s.Final = nil
		s.state.lastErr = nil
	}
	if s.raws == nil {
		return
	}
	if cap(s.raws) <= 64<<10 {
		*s.rawsBox = s.raws[:0]
		rawPool.Put(s.rawsBox)
	}
	s.raws, s.rawsBox = nil, nil
}

// lineRaw returns the text of l, a row of s or a copy of one.
func (s *Session) lineRaw(l Line) string {
	if l.Raw != "" || l.ref.off == 0 || s.rawAll == "" {
		return l.Raw
	}
	return s.rawAll[l.ref.off-1 : l.ref.off-1+l.ref.n]
}

// settleRaws makes the strings of the kept rows, all in one, wherever the
// session holds them, and returns the buffer to the pool.
func (s *Session) settleRaws() {
	if s.raws == nil {
		return
	}
	all := string(s.raws)
	s.rawAll = all
	set := func(raw *string, ref *rawRef) {
		if ref.off > 0 {
			*raw = all[ref.off-1 : ref.off-1+ref.n]
		}
	}
	line := func(l *Line) { set(&l.Raw, &l.ref) }
	reply := func(r *Reply) {
		if r != nil {
			set(&r.Raw, &r.ref)
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
	// Replies are held in the slice and by pointer (the final reply, a
	// message's reply, a refused recipient's, the last error); a pointer
	// may be to a copy the slice left behind when it grew.
	for i := range s.Replies {
		reply(&s.Replies[i])
	}
	reply(s.Final)
	reply(s.state.lastErr)
	for i := range s.Messages {
		m := &s.Messages[i]
		reply(m.Reply)
		for j := range m.Refused {
			reply(m.Refused[j].Reply)
		}
	}
	if cap(s.raws) <= 64<<10 {
		*s.rawsBox = s.raws[:0]
		rawPool.Put(s.rawsBox)
	}
	s.raws, s.rawsBox = nil, nil
}

// The texts of a session's replies (and their enhanced codes) are kept the
// same way: appended to one buffer as the replies are read, made into one
// string when the session ends, every reply pointing into it; no map
// lookup or allocation per reply.

// keepText appends b to the session's text buffer.
func (s *Session) keepText(b []byte) rawRef {
	if len(b) == 0 || len(s.txt)+len(b) > maxRawBuf {
		return rawRef{}
	}
	off := len(s.txt)
	s.txt = append(s.txt, b...)
	return rawRef{off: int32(off) + 1, n: int32(len(b))}
}

// settleTexts gives every reply its Enhanced and Text.
func (s *Session) settleTexts() {
	if len(s.txt) == 0 {
		return
	}
	all := string(s.txt)
	get := func(ref rawRef) string {
		if ref.off == 0 {
			return ""
		}
		return all[ref.off-1 : ref.off-1+ref.n]
	}
	reply := func(r *Reply) {
		if r != nil && (r.enhRef.off > 0 || r.textRef.off > 0) {
			r.Enhanced, r.Text = get(r.enhRef), get(r.textRef)
			r.enhRef, r.textRef = rawRef{}, rawRef{}
		}
	}
	for i := range s.Replies {
		reply(&s.Replies[i])
	}
	reply(s.Final)
	reply(s.state.lastErr)
	for i := range s.Messages {
		m := &s.Messages[i]
		reply(m.Reply)
		for j := range m.Refused {
			reply(m.Refused[j].Reply)
		}
	}
	s.txt = s.txt[:0] // the room serves the next session (release keeps it)
}
