package analyze

import (
	"strings"
	"time"

	"github.com/logscan/logscan/parser"
)

// transcript keeps a session's raw rows in one growing byte buffer, so
// keeping a row costs a copy, not an allocation.
type transcript struct {
	buf     []byte
	rows    []lineRef
	dropped int
}

type lineRef struct {
	off, n int32
	line   int32
	file   string
}

// Line is one row of a session as it appeared in the input.
type Line struct {
	Pos Pos
	Raw string
}

// Row is a transcript line taken apart for display.
type Row struct {
	Line
	Time    time.Time
	Event   parser.Event
	Data    string
	Context string
}

// keepRow adds a row to the session's transcript, in the room the session
// reused left (spares) if it has none yet.
func (s *Session) keepRow(raw []byte, file string, line, max int) {
	t := &s.transcript
	if t.rows == nil && s.spare.trows != nil {
		t.buf, t.rows = s.spare.tbuf, s.spare.trows
		s.spare.tbuf, s.spare.trows = nil, nil
	}
	t.add(raw, file, line, max)
}

func (t *transcript) add(raw []byte, file string, line, max int) {
	if len(t.rows) >= max || len(t.buf)+len(raw) > 1<<30 {
		t.dropped++
		return
	}
	t.rows = append(t.rows, lineRef{off: int32(len(t.buf)), n: int32(len(raw)), line: int32(line), file: file})
	t.buf = append(t.buf, raw...)
}

// Transcript returns the session's rows in input order, up to the
// assembler's per-session cap, and how many rows past the cap were dropped.
// It is empty unless the Assembler ran with Options.Transcripts.
func (s *Session) Transcript() ([]Line, int) {
	t := &s.transcript
	out := make([]Line, len(t.rows))
	for i, r := range t.rows {
		out[i] = Line{Pos: Pos{File: r.file, Line: int(r.line)}, Raw: string(t.buf[r.off : r.off+r.n])}
	}
	return out, t.dropped
}

// ParsedTranscript returns the transcript with each line taken apart (time, event,
// data, context); a line that no longer parses keeps only its Raw text.
func (s *Session) ParsedTranscript() ([]Row, int) {
	lines, dropped := s.Transcript()
	out := make([]Row, len(lines))
	var r *parser.Reader // one for every line
	for i, l := range lines {
		out[i].Line = l
		if r == nil {
			r = parser.NewReader(strings.NewReader(l.Raw), l.Pos.File)
		} else {
			r.Reset(strings.NewReader(l.Raw), l.Pos.File)
		}
		if rec, err := r.Read(); err == nil {
			out[i].Time, out[i].Event = rec.Time, rec.Event
			out[i].Data, out[i].Context = string(rec.Data), string(rec.Context)
		}
	}
	return out, dropped
}

// RawAt returns the raw row at p, if the session kept it: every row with
// Options.Transcripts, else the evidence rows (error replies, certificate
// rows, TLS and connect results).
func (s *Session) RawAt(p Pos) (string, bool) {
	for _, l := range s.evidence() {
		if l.Pos == p {
			return l.Raw, true
		}
	}
	t := &s.transcript
	for _, r := range t.rows {
		if int(r.line) == p.Line && r.file == p.File {
			return string(t.buf[r.off : r.off+r.n]), true
		}
	}
	return "", false
}

// DropTranscript frees the session's rows once nothing needs them.
func (s *Session) DropTranscript() { s.transcript = transcript{} }

// evidence lists the rows whose text the session keeps without a transcript.
func (s *Session) evidence() []Line {
	var out []Line
	for _, c := range []*Certificate{s.LocalCert, s.RemoteCert} {
		if c != nil {
			out = append(out, c.Rows...)
		}
	}
	if s.TLS != nil && s.TLS.At.Raw != "" {
		out = append(out, s.TLS.At)
	}
	for _, l := range []Line{s.TLSErrorAt, s.ConnectErrorAt, s.SeenIPAt} {
		if l.Raw != "" {
			out = append(out, l)
		}
	}
	for _, r := range s.Replies {
		if r.Raw != "" {
			out = append(out, Line{Pos: r.Pos, Raw: r.Raw})
		}
	}
	if f := s.Final; f != nil && f.Raw != "" {
		out = append(out, Line{Pos: f.Pos, Raw: f.Raw})
	}
	return out
}
