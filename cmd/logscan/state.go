package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/internal/inputs"
	"github.com/logscan/logscan/parser"
)

// Incremental scanning (--state FILE).
//
// The state file remembers, for every log file read, its identity (size,
// modification time and a fingerprint of its first bytes) and how far it
// was read: the byte offset and line after the last complete line, and the
// header block in force there. It also keeps every row of the sessions
// still open at the end of the run, which the next run replays before it
// reads on, so that a session that spans two runs is reported once, whole,
// by the run in which it ends; and the certificate each connector
// presented last, so that a change between two runs is still seen.
//
// A file that grew is read from where the last run stopped; a new file
// from its start; a file that was replaced (its first bytes differ) or
// truncated again from its start; a file that is gone is forgotten. An
// unfinished last line (Exchange may be writing it) is left for the next
// run unless it is certainly whole (readTail), or the file stopped growing.
// Files inside .gz and .zip archives, and UTF-16 copies, are read whole:
// again from the start when they change.

// stateFormat names the layout of the state file; a state file of another
// layout, or written by another logscan version, is refused.
const stateFormat = "logscan-state/1"

// fingerprintBytes is how much of a file's start identifies it: the
// header block (with its #Date) and the first rows.
const fingerprintBytes = 1024

// staleAfter is how long an open session may stay silent, measured against
// the newest row of its folder, before it is reported as incomplete rather
// than carried on: Exchange drops an idle SMTP connection after ten
// minutes by default, so such a session will not go on.
const staleAfter = time.Hour

type stateFile struct {
	Format  string              `json:"format"`
	Logscan string              `json:"logscan"`
	Written time.Time           `json:"written"`
	Files   []fileState         `json:"files"`
	Open    []openState         `json:"open_sessions"`
	Certs   []analyze.CertState `json:"certificates,omitempty"`
	// Newest is the time of the newest row read of each folder.
	Newest map[string]time.Time `json:"newest,omitempty"`
}

type fileState struct {
	Name        string       `json:"name"`
	Size        int64        `json:"size"`
	ModTime     time.Time    `json:"mtime"`
	Fingerprint string       `json:"fingerprint"` // sha256 of the first FPLen bytes
	FPLen       int          `json:"fingerprint_bytes"`
	Whole       bool         `json:"whole,omitempty"` // read as one unit (archive member, UTF-16)
	Offset      int64        `json:"offset"`
	Line        int          `json:"line"`
	InHeader    bool         `json:"in_header,omitempty"`
	Partial     bool         `json:"partial,omitempty"` // the last line read had no line ending yet
	Header      *headerState `json:"header,omitempty"`
}

type headerState struct {
	Software    string    `json:"software,omitempty"`
	Version     string    `json:"version,omitempty"`
	LogType     string    `json:"log_type"`
	LogTypeText string    `json:"log_type_text,omitempty"`
	Date        time.Time `json:"date,omitzero"`
	Fields      []string  `json:"fields,omitempty"`
	Line        int       `json:"line"`
}

type openState struct {
	Source  analyze.Source `json:"source"`
	LogType string         `json:"log_type"`
	ID      string         `json:"session_id"`
	Rows    []rowState     `json:"rows"`
}

type rowState struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Raw  string `json:"raw"`
}

func logTypeOf(s string) parser.LogType {
	for _, t := range []parser.LogType{parser.LogSend, parser.LogReceive, parser.LogOther, parser.LogUnknown} {
		if t.String() == s {
			return t
		}
	}
	return parser.LogUnknown
}

func headerOf(h *parser.Header) *headerState {
	if h == nil {
		return nil
	}
	return &headerState{Software: h.Software, Version: h.Version, LogType: h.LogType.String(), LogTypeText: h.LogTypeText,
		Date: h.Date, Fields: h.Fields, Line: h.Line}
}

func (h *headerState) header() *parser.Header {
	if h == nil {
		return nil
	}
	return &parser.Header{Software: h.Software, Version: h.Version, LogType: logTypeOf(h.LogType), LogTypeText: h.LogTypeText,
		Date: h.Date, Fields: h.Fields, Line: h.Line}
}

// loadState reads a state file. A missing file is a first run: an empty
// state. Anything else that cannot be used is an error that says what to
// do: logscan never falls back to a silent full rescan.
func loadState(path string) (*stateFile, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &stateFile{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("--state %s: %v", path, unwrapPath(err))
	}
	var st stateFile
	if err := json.Unmarshal(b, &st); err != nil || st.Format == "" {
		where, why := path, "not a logscan state file"
		if err != nil {
			why = "damaged or not a logscan state file: " + err.Error()
			var se *json.SyntaxError
			var te *json.UnmarshalTypeError
			off := int64(-1)
			if errors.As(err, &se) {
				off = se.Offset
			} else if errors.As(err, &te) {
				off = te.Offset
			}
			if off >= 0 && off <= int64(len(b)) {
				where = fmt.Sprintf("%s:%d", path, bytes.Count(b[:off], []byte("\n"))+1)
			}
		}
		return nil, fmt.Errorf("--state %s: %s; move it away to start over (the next run then reads every log in full)", where, why)
	}
	if st.Format != stateFormat || st.Logscan != version {
		return nil, fmt.Errorf("--state %s was written by logscan %s (%s); this is logscan %s (%s): move it away to start over (the next run then reads every log in full)",
			path, st.Logscan, st.Format, version, stateFormat)
	}
	return &st, nil
}

// saveTestHook, when set, runs after the new state is written to its
// temporary file and before the rename: tests end the run there to show
// that a run killed mid-write leaves the previous state usable.
var saveTestHook func() error

// save writes the state atomically: a temporary file in the same folder,
// synced, then renamed over the old one (and the folder synced), so a run
// killed at any point leaves either the old state or the new one.
func (st *stateFile) save(path string) error {
	st.Format, st.Logscan = stateFormat, version
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write state %s: %w", path, unwrapPath(err))
	}
	fail := func(err error) error {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("write state %s: %w", path, unwrapPath(err))
	}
	if _, err := f.Write(b); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if saveTestHook != nil {
		if err := saveTestHook(); err != nil {
			return fail(err)
		}
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write state %s: %w", path, unwrapPath(err))
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write state %s: %w", path, unwrapPath(err))
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // not supported everywhere (Windows); the rename is what counts
		d.Close()
	}
	return nil
}

// action is what an incremental run does with one input.
type action uint8

const (
	readNew      action = iota // not seen before: from the start
	readAppended               // grew: from where the last run stopped
	readReplaced               // replaced or truncated: again from the start
	skipUnchanged
)

// plan is how one input is read.
type plan struct {
	act   action
	from  parser.Checkpoint // where reading starts (zero: the start)
	whole bool              // read as one unit, to the end
	end   int64             // plain files: the size to read up to
	final bool              // it did not grow since the last run: an unfinished last line is whole
	fp    string
	fpLen int
	prev  *fileState
}

// stateRun ties an incremental run together: the state read at the
// start, the plan for each input, and what the run learnt.
type stateRun struct {
	old    *stateFile
	plans  []plan
	files  map[string]*fileState // the new state's files, by name
	fields map[string][]string   // #Fields by file, for replaying carried rows
	newest map[string]time.Time
	info   analyze.StateInfo
}

// planState decides, for every input, what to read.
func planState(path string, old *stateFile, ins []inputs.Input) *stateRun {
	r := &stateRun{old: old, plans: make([]plan, len(ins)), files: map[string]*fileState{},
		fields: map[string][]string{}, newest: map[string]time.Time{}}
	r.info.File = path
	prev := map[string]*fileState{}
	for i := range old.Files {
		f := &old.Files[i]
		prev[f.Name] = f
		if f.Header != nil {
			r.fields[f.Name] = f.Header.Fields
		}
	}
	for k, t := range old.Newest {
		r.newest[k] = t
	}
	seen := map[string]bool{}
	for i, in := range ins {
		seen[in.Name] = true
		p := &r.plans[i]
		head, seekable, err := peek(in)
		if err != nil {
			p.act = readNew // the read reports the error
			continue
		}
		p.fpLen = len(head)
		p.fp = fingerprint(head)
		p.whole = !seekable || parser.SniffEncoding(head) != parser.EncodingUTF8
		if !p.whole {
			p.end = in.Size
		}
		f := prev[in.Name]
		p.prev = f
		switch {
		case f == nil:
			p.act = readNew
		case f.Whole || p.whole:
			if f.Size == in.Size && f.ModTime.Equal(in.ModTime) && f.FPLen == p.fpLen && f.Fingerprint == p.fp {
				p.act = skipUnchanged
			} else {
				p.act = readReplaced
			}
		case in.Size < f.Offset || len(head) < f.FPLen || fingerprint(head[:f.FPLen]) != f.Fingerprint:
			p.act = readReplaced
		case in.Size == f.Offset:
			p.act = skipUnchanged
		default:
			p.act = readAppended
			p.from = parser.Checkpoint{Offset: f.Offset, Line: f.Line, Header: f.Header.header(), InHeader: f.InHeader, Partial: f.Partial}
			// Left unread last time and still as it was: the file is not
			// being written to, and its last line is as whole as it gets.
			p.final = in.Size == f.Size
		}
		switch p.act {
		case readNew:
			r.info.New++
		case readAppended:
			r.info.Appended++
		case readReplaced:
			r.info.Replaced++
		case skipUnchanged:
			r.info.Unchanged++
			cp := *f
			r.files[in.Name] = &cp
		}
	}
	for name, f := range prev {
		if seen[name] {
			continue
		}
		// Not among this run's inputs: forgotten when it is gone, kept
		// when it is only outside this run's paths or time range.
		if _, err := os.Stat(name); err == nil {
			cp := *f
			r.files[name] = &cp
		} else {
			r.info.Forgotten++
		}
	}
	return r
}

// peek returns the first bytes of an input, and whether it is a plain
// file that can be read from an offset.
func peek(in inputs.Input) ([]byte, bool, error) {
	rc, err := in.Open()
	if err != nil {
		return nil, false, err
	}
	defer rc.Close()
	_, seekable := rc.(*os.File)
	head := make([]byte, fingerprintBytes)
	n, err := io.ReadFull(rc, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, false, err
	}
	return head[:n], seekable, nil
}

func fingerprint(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// lastLineEnd returns the offset just past the last line ending in
// [from, size) of ra, or from when there is none: the unfinished line
// after it is left for the next run.
func lastLineEnd(ra io.ReaderAt, from, size int64) (int64, error) {
	const block = 64 << 10
	buf := make([]byte, block)
	for end := size; end > from; {
		start := max(from, end-block)
		n, err := ra.ReadAt(buf[:end-start], start)
		if err != nil && err != io.EOF {
			return from, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return from, nil
}

// done records what reading input in gave.
func (r *stateRun) done(in inputs.Input, p plan, cp parser.Checkpoint, last time.Time, ok bool) {
	if !ok {
		// Unreadable this time: keep what was known, so nothing is
		// read twice or skipped.
		if p.prev != nil {
			cp := *p.prev
			r.files[in.Name] = &cp
		}
		return
	}
	f := &fileState{Name: in.Name, Size: in.Size, ModTime: in.ModTime, Fingerprint: p.fp, FPLen: p.fpLen, Whole: p.whole,
		Offset: cp.Offset, Line: cp.Line, InHeader: cp.InHeader, Partial: cp.Partial, Header: headerOf(cp.Header)}
	if p.whole {
		f.Offset = in.Size
	}
	r.files[in.Name] = f
	if cp.Header != nil {
		r.fields[in.Name] = cp.Header.Fields
	}
	if k := in.Source.Key; last.After(r.newest[k]) {
		r.newest[k] = last
	}
}

// carried returns the sessions the last run left open.
func (r *stateRun) carried() []analyze.Carried {
	out := make([]analyze.Carried, 0, len(r.old.Open))
	for _, o := range r.old.Open {
		c := analyze.Carried{Source: o.Source, LogType: logTypeOf(o.LogType), ID: o.ID, Rows: make([]analyze.Line, len(o.Rows))}
		for i, row := range o.Rows {
			c.Rows[i] = analyze.Line{Pos: analyze.Pos{File: row.File, Line: row.Line}, Raw: row.Raw}
		}
		out = append(out, c)
	}
	r.info.CarriedIn = len(out)
	return out
}

func (r *stateRun) fieldsOf(file string) []string { return r.fields[file] }

// stale reports whether an open session will not go on: silent for longer
// than staleAfter before the newest row of its folder, or of a folder no
// longer read at all.
func (r *stateRun) stale(s *analyze.Session, sources map[string]bool) bool {
	if !sources[s.Source] {
		return true
	}
	newest, ok := r.newest[s.Source]
	return ok && newest.Sub(s.LastActive()) > staleAfter
}

// next builds the state to save: the files, the sessions held open, and
// the certificate tracks.
func (r *stateRun) next(held []*analyze.Session, certs []analyze.CertState, ins []inputs.Input) *stateFile {
	st := &stateFile{Written: now().UTC(), Newest: r.newest, Certs: certs}
	// Files in input order, then those kept from before.
	for _, in := range ins {
		if f := r.files[in.Name]; f != nil {
			st.Files = append(st.Files, *f)
			delete(r.files, in.Name)
		}
	}
	for _, f := range r.old.Files {
		if g := r.files[f.Name]; g != nil {
			st.Files = append(st.Files, *g)
		}
	}
	for _, s := range held {
		c, ok := s.Carry()
		if !ok {
			continue
		}
		o := openState{Source: c.Source, LogType: c.LogType.String(), ID: c.ID, Rows: make([]rowState, len(c.Rows))}
		for i, l := range c.Rows {
			o.Rows[i] = rowState{File: l.Pos.File, Line: l.Pos.Line, Raw: l.Raw}
		}
		st.Open = append(st.Open, o)
	}
	r.info.CarriedOut = len(st.Open)
	return st
}
