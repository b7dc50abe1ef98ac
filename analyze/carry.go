package analyze

import (
	"bytes"
	"io"
	"sort"
	"time"

	"github.com/logscan/logscan/parser"
)

// Carried is a session still open at the end of one run, handed to the
// next (incremental scans keep them in their state file): where it comes
// from and every row read of it so far. Replaying the rows rebuilds the
// session exactly, so the next run goes on as if it had never stopped.
type Carried struct {
	Source  Source
	LogType parser.LogType // the log type the session is keyed under
	ID      string
	Rows    []Line
}

// Carry returns the open session s for the next run. Its rows are all
// there only when the Assembler (or Stitcher) ran with Options.KeepRows;
// Carry reports false otherwise, or when rows were dropped past the cap.
func (s *Session) Carry() (Carried, bool) {
	rows, dropped := s.Transcript()
	c := Carried{Source: Source{Key: s.Source, Server: s.Server, Service: s.Service}, LogType: s.keyType, ID: s.ID, Rows: rows}
	return c, dropped == 0 && len(rows) == s.Rows
}

// LastActive is the time of the session's latest row.
func (s *Session) LastActive() time.Time { return time.Unix(0, s.lastNS).UTC() }

func newSession(c *sessionCache, src Source, typ parser.LogType, id string) *Session {
	s := c.get()
	s.Source, s.Server, s.Service, s.LogType, s.ID, s.keyType = src.Key, src.Server, src.Service, typ, id, typ
	s.state.msg = -1
	s.state.noted = true
	return s
}

// rebuild replays c's rows into a new session. fields gives the #Fields
// of a row's file (nil: the standard nine in order).
func rebuild(c Carried, fields func(file string) []string, maxRows int, texts *interner) *Session {
	s := newSession(nil, c.Source, c.LogType, c.ID)
	var p replayer
	p.replay(c.Rows, fields, c.LogType, func(rec *parser.Record, file string) {
		s.add(rec, file, maxRows, texts)
	})
	return s
}

// replayer parses rows again, each run of rows of one file through one
// Reader set to that file's columns, and hands on each record with the
// file and line it was first read at. A row that no longer parses is
// skipped. Its buffer and Reader serve every replay.
type replayer struct {
	buf bytes.Buffer
	rd  *parser.Reader
}

func (p *replayer) replay(rows []Line, fields func(file string) []string, typ parser.LogType, fn func(rec *parser.Record, file string)) {
	for i := 0; i < len(rows); {
		j := i + 1
		for j < len(rows) && rows[j].Pos.File == rows[i].Pos.File {
			j++
		}
		p.buf.Reset()
		for _, l := range rows[i:j] {
			p.buf.WriteString(l.Raw)
			p.buf.WriteByte('\n')
		}
		if p.rd == nil {
			p.rd = parser.NewReader(&p.buf, rows[i].Pos.File)
		} else {
			p.rd.Reset(&p.buf, rows[i].Pos.File)
		}
		rd := p.rd
		var f []string
		if fields != nil {
			f = fields(rows[i].Pos.File)
		}
		rd.Resume(parser.Checkpoint{Header: &parser.Header{Fields: f, LogType: typ}})
		// Each row was read once as one record, so the n-th record is the
		// n-th row (a quoted field that spanned lines kept its line
		// break in Raw and spans them again).
		for _, l := range rows[i:j] {
			rec, err := rd.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				continue
			}
			rec.Line, rec.LogType = l.Pos.Line, typ
			fn(rec, l.Pos.File)
		}
		i = j
	}
}

// trimRows ends a session's row keeping once it is handed on: with
// KeepRows every row was kept for a possible carry; the report keeps only
// what Transcripts asks for.
func (s *Session) trimRows(o Options) {
	if !o.KeepRows || s.head {
		return
	}
	if !o.Transcripts {
		s.transcript = transcript{}
		return
	}
	t := &s.transcript
	if len(t.rows) > o.MaxRows {
		t.dropped += len(t.rows) - o.MaxRows
		t.rows = t.rows[:o.MaxRows]
		end := t.rows[len(t.rows)-1]
		t.buf = append([]byte(nil), t.buf[:end.off+end.n]...)
	}
}

// Restore takes a session carried from an earlier run as open, as if its
// rows had just been read. fields gives the #Fields of a row's file.
func (a *Assembler) Restore(c Carried, fields func(file string) []string) {
	k := streamKey{c.Source.Key, c.LogType}
	st := a.streams[k]
	if st == nil {
		st = newStream(c.Source, c.LogType)
		a.streams[k] = st
	}
	a.last = nil
	if old := st.open[c.ID]; old != nil {
		a.close(st, old, false)
	}
	s := rebuild(c, fields, a.opts.rowCap(), a.texts)
	s.state.order = a.order
	a.order++
	st.add(s)
	a.nopen++
	a.pushBack(s)
	if s.state.ended {
		a.close(st, s, false)
	} else if a.nopen > a.opts.MaxOpen {
		a.evict()
	}
}

// Restore takes a session carried from an earlier run as open, before the
// first segment.
func (st *Stitcher) Restore(c Carried, fields func(file string) []string) {
	s := rebuild(c, fields, st.opts.rowCap(), st.texts)
	k := keyOf(s)
	if old := st.open[k]; old != nil {
		st.drop(k)
		st.emit(old, false)
	}
	if s.state.ended {
		st.emit(s, false)
		return
	}
	st.keep(k, s)
}

// Hold hands over the sessions still open, unfinished, in the order they
// began, and forgets them (an incremental scan carries them to the next
// run instead of reporting them).
func (st *Stitcher) Hold() []*Session {
	var all []*Session
	for _, s := range st.open {
		all = append(all, s)
	}
	sortByOrder(all)
	clear(st.open)
	st.order = nil
	return all
}

// rowCap is how many rows of a session to keep: all (a possible carry),
// a transcript's worth, or none.
func (o Options) rowCap() int {
	switch {
	case o.KeepRows:
		return headMaxRows
	case o.Transcripts:
		return o.MaxRows
	}
	return 0
}

// CertState is what the certificate-changed check remembers of one
// connector from one incremental run to the next: the certificate it
// presented last and how it fared, and the last change, so that a change
// between two runs is seen and later sessions still count under it.
type CertState struct {
	Key     string // source, log type and connector
	Where   string // for people: "connector X on EXCH01 Hub"
	Current CertUse
	// Change is the last change of certificate (to Current), if any.
	Change *CertChange `json:",omitempty"`
}

// CertUse is one certificate on a connector and how its sessions fared.
type CertUse struct {
	ID       string // thumbprint (or subject)
	Subject  string
	Sessions int
	Failed   int
}

// CertChange is a change of the certificate presented.
type CertChange struct {
	At      time.Time
	From    CertUse
	Session string // the first session with the new certificate
}

// CertStates returns what the certificate-changed check knows now, for
// the next run.
func (c *Checker) CertStates() []CertState {
	use := func(t *certTrack, id string) CertUse {
		u := CertUse{ID: id, Subject: t.subject[id]}
		if st := t.stats[id]; st != nil {
			u.Sessions, u.Failed = st.sessions, st.failed
		}
		return u
	}
	var out []CertState
	for k, t := range c.changes {
		cs := CertState{Key: k, Where: t.where, Current: use(t, t.current)}
		if n := len(t.changes); n > 0 && t.changes[n-1].to == t.current {
			ch := t.changes[n-1]
			cs.Change = &CertChange{At: ch.at, From: use(t, ch.from), Session: ch.session}
		}
		out = append(out, cs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// RestoreCertStates seeds the certificate-changed check with what an
// earlier run knew. Call it before Check.
func (c *Checker) RestoreCertStates(states []CertState) {
	for _, cs := range states {
		if cs.Current.ID == "" {
			continue
		}
		t := &certTrack{key: cs.Key, where: cs.Where, current: cs.Current.ID, subject: map[string]string{}, stats: map[string]*useStats{}}
		add := func(u CertUse) {
			t.subject[u.ID] = u.Subject
			t.stats[u.ID] = &useStats{sessions: u.Sessions, failed: u.Failed}
		}
		add(cs.Current)
		if ch := cs.Change; ch != nil && ch.From.ID != "" {
			add(ch.From)
			t.changes = []certChange{{at: ch.At, from: ch.From.ID, to: cs.Current.ID, session: ch.Session}}
			t.hitKey = cs.Key + "\x00" + cs.Current.ID
		}
		c.changes[cs.Key] = t
	}
	c.lastTrack = groupMemo[*certTrack]{} // it may name an entry replaced
}

// FlushIf hands on, as they stand, the open sessions for which end
// reports true, in the order they began; the others stay open.
func (a *Assembler) FlushIf(end func(*Session) bool) {
	var all []*Session
	for s := a.head; s != nil; s = s.state.next {
		if end(s) {
			all = append(all, s)
		}
	}
	sortByOrder(all)
	for _, s := range all {
		a.close(a.streams[streamKey{s.Source, s.streamType()}], s, false)
	}
}

// FlushIf hands on, as they stand, the open sessions for which end
// reports true, in the order they began; the others stay open.
func (st *Stitcher) FlushIf(end func(*Session) bool) {
	var all []*Session
	for _, s := range st.open {
		if end(s) {
			all = append(all, s)
		}
	}
	sortByOrder(all)
	for _, s := range all {
		st.drop(keyOf(s))
		st.emit(s, false)
	}
}
