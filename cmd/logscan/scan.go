package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/internal/inputs"
	"github.com/logscan/logscan/parser"
)

// scanOptions tune scan.
type scanOptions struct {
	transcripts  bool // keep every row of each session (for the HTML drill-down)
	jobs         int  // files parsed at once; 1 reads them one after another
	prog         *progress
	since, until time.Time // sessions outside are not reported; zero is unbounded
	state        *stateRun // incremental: what to read of each input, sessions to carry
}

// inRange reports whether a session overlaps [since, until].
func (o scanOptions) inRange(s *analyze.Session) bool {
	if !o.since.IsZero() && !s.End.IsZero() && s.End.Before(o.since) {
		return false
	}
	if !o.until.IsZero() && !s.Start.IsZero() && s.Start.After(o.until) {
		return false
	}
	return true
}

// scan reads every input in order and rebuilds sessions, which continue
// from one file to the next of the same folder. Each session is checked,
// counted and handed to emit as soon as it ends; emit's first error stops
// the scan (the output is gone: a closed pipe, a full disk).
//
// With several jobs the files are parsed in parallel, and a Stitcher
// joins what each worker made of its file in file order: the sessions,
// their order and so every report are the same as reading one file after
// another.
//
// In an incremental run (o.state) each input is read from where the last
// run stopped, the sessions the last run left open are taken up first,
// and the sessions still open at the end are returned (held), not
// reported: the next run carries them on.
func scan(ins []inputs.Input, sum *analyze.Summary, checker *analyze.Checker, o scanOptions, emit func(*analyze.Session) error) (read int, held []*analyze.Session, err error) {
	var emitErr error
	sr := o.state
	keepRows := sr != nil
	opts := analyze.Options{Transcripts: o.transcripts, KeepRows: keepRows, Emit: func(s *analyze.Session) {
		if !o.inRange(s) {
			return
		}
		checker.Check(s)
		sum.AddSession(s)
		if emitErr == nil && emit != nil {
			emitErr = emit(s)
		}
	}}
	planOf := func(i int) plan {
		if sr == nil {
			return plan{whole: true}
		}
		return sr.plans[i]
	}
	// finish ends the run: flush every open session, or, when incremental,
	// only those that will not go on; the rest are held for the next run.
	sources := map[string]bool{}
	for _, in := range ins {
		sources[in.Source.Key] = true
	}
	finish := func(flushIf func(func(*analyze.Session) bool), flush func(), hold func() []*analyze.Session) {
		if sr == nil {
			flush()
			return
		}
		flushIf(func(s *analyze.Session) bool {
			if sr.stale(s, sources) {
				sr.info.Flushed++
				return true
			}
			return false
		})
		held = hold()
	}
	if o.jobs <= 1 || len(ins) < 2 {
		asm := analyze.NewAssembler(opts)
		if sr != nil {
			for _, c := range sr.carried() {
				asm.Restore(c, sr.fieldsOf)
			}
		}
		var rd *parser.Reader // one for every input, its buffers reused
		for i, in := range ins {
			if emitErr != nil {
				break
			}
			p := planOf(i)
			if p.act == skipUnchanged {
				o.prog.skip(in.Size)
				o.prog.fileDone()
				continue
			}
			fs, cp, ok := readOne(in, p, asm, sum.AddParseError, o.prog, &rd)
			if sr != nil {
				sr.done(in, p, cp, fs.Last, ok)
			}
			sum.AddFile(fs)
			o.prog.fileDone()
			if ok {
				read++
			}
		}
		finish(asm.FlushIf, asm.Flush, asm.Detach)
		sum.SetEvicted(asm.Evicted())
		return read, held, emitErr
	}

	// Files are parsed by o.jobs workers at once, and stitched in file
	// order by the workers themselves: the stitcher (and the checks, the
	// summary and emit behind it) is held by the worker of the first file
	// not stitched yet, the current one. That worker stitches each of its
	// sessions as it ends, on the processor that has just built it; the
	// worker of a later file keeps its ended sessions until its file
	// becomes current, and then stitches them itself, on the processor
	// that built them (their lines may still be in its cache; another's
	// would fetch every one: the checks cost twice as much there). So at
	// most one file's ended sessions wait in memory per worker, and no
	// goroutine but the workers touches a session.
	type result struct {
		fs   analyze.FileStats
		cp   parser.Checkpoint
		ok   bool
		errs []error            // the first parse errors, in order
		more int                // parse errors past those
		open []*analyze.Session // open at the end of the file

		mu      sync.Mutex
		current bool               // the stitcher has come to this file
		done    bool               // its worker has read it to the end
		closed  []*analyze.Session // ended, not stitched yet
		turn    chan struct{}      // closed when the file becomes current after it was read
	}
	results := make([]*result, len(ins))
	for i := range results {
		results[i] = &result{turn: make(chan struct{})}
	}
	st := analyze.NewStitcher(opts)
	if sr != nil {
		for _, c := range sr.carried() {
			st.Restore(c, sr.fieldsOf)
		}
	}
	var (
		stMu    sync.Mutex  // the stitcher and all behind it; held by one worker at a time
		stopped atomic.Bool // an output failed: read no more
		allDone = make(chan struct{})
		slots   = make(chan struct{}, o.jobs) // files in memory at once
		next    = make(chan int)
		quit    = make(chan struct{})
	)
	// stitchBacklog stitches the sessions of file i that ended before it
	// became current (stMu held).
	stitchBacklog := func(r *result) {
		r.mu.Lock()
		backlog := r.closed
		r.closed = nil
		r.mu.Unlock()
		for _, s := range backlog {
			st.AddClosed(s)
		}
	}
	// finishFile stitches what is left of file i, current and read, and
	// makes the next file current; when that one is read too, its worker
	// (waiting for its turn) goes on with it.
	finishFile := func(i int, reuse *analyze.Reuse) {
		r := results[i]
		stMu.Lock()
		st.ReuseIn(reuse)
		if stopped.Load() {
			// An output failed and scan has returned: nothing more is
			// stitched or counted.
		} else if planOf(i).act == skipUnchanged {
			o.prog.skip(ins[i].Size)
			o.prog.fileDone()
		} else {
			stitchBacklog(r)
			if sr != nil {
				sr.done(ins[i], planOf(i), r.cp, r.fs.Last, r.ok)
			}
			for _, e := range r.errs {
				sum.AddParseError(e)
			}
			sum.AddErrorCount(r.more)
			sum.AddFile(r.fs)
			st.AddOpen(r.open)
			o.prog.fileDone()
			if r.ok {
				read++
			}
		}
		if emitErr != nil && !stopped.Load() {
			stopped.Store(true)
			close(quit)
		}
		stMu.Unlock()
		results[i] = nil
		<-slots
		if i+1 == len(ins) {
			close(allDone)
			return
		}
		n := results[i+1]
		n.mu.Lock()
		n.current = true
		done := n.done
		n.mu.Unlock()
		if done {
			close(n.turn)
		} // else its worker finds it current when it has read it
	}
	go func() {
		defer close(next)
		for i := range ins {
			select {
			case slots <- struct{}{}:
			case <-quit:
				return
			}
			select {
			case next <- i:
			case <-quit:
				return
			}
		}
	}()
	results[0].current = true
	for w := 0; w < o.jobs; w++ {
		go func() {
			var rd *parser.Reader // one for every input the worker reads
			// The sessions this worker hands on (at its turns at the
			// stitcher) are those it builds the next in.
			reuse := new(analyze.Reuse)
			for i := range next {
				r := results[i]
				p := planOf(i)
				if p.act != skipUnchanged && !stopped.Load() {
					wopts := analyze.Options{Transcripts: o.transcripts, KeepHeads: true, KeepRows: keepRows, Reuse: reuse,
						Emit: func(s *analyze.Session) {
							r.mu.Lock()
							if !r.current {
								r.closed = append(r.closed, s)
								r.mu.Unlock()
								return
							}
							r.mu.Unlock()
							stMu.Lock()
							st.ReuseIn(reuse)
							if !stopped.Load() {
								stitchBacklog(r)
								st.AddClosed(s)
							}
							stMu.Unlock()
						}}
					asm := analyze.NewAssembler(wopts)
					r.fs, r.cp, r.ok = readOne(ins[i], p, asm, func(err error) {
						if len(r.errs) < analyze.MaxInputErrors {
							r.errs = append(r.errs, err)
						} else {
							r.more++
						}
					}, o.prog, &rd)
					r.open = asm.Detach()
				}
				r.mu.Lock()
				r.done = true
				current := r.current
				r.mu.Unlock()
				if !current {
					select {
					case <-r.turn:
					case <-quit:
						continue // an output failed: nothing more is stitched
					}
				}
				finishFile(i, reuse)
			}
		}()
	}
	select {
	case <-allDone:
	case <-quit:
		// An output failed: the workers finish the files they have, which
		// the stitcher no longer takes (only parsing is left).
		return read, nil, emitErr
	}
	st.ReuseIn(nil) // the workers may still be about
	finish(st.FlushIf, st.Flush, st.Hold)
	sum.SetEvicted(st.Evicted())
	return read, held, emitErr
}

// readOne reads one input with *rdp, a Reader made on first use and reset
// for each input after. A read error ends that input but keeps what was
// read before it.
//
// p says where to start and stop: an incremental run goes on from the
// last run's checkpoint and leaves an unfinished last line for the next.
// The checkpoint returned is where this read stopped.
func readOne(in inputs.Input, p plan, asm *analyze.Assembler, parseError func(error), prog *progress, rdp **parser.Reader) (analyze.FileStats, parser.Checkpoint, bool) {
	fs := analyze.FileStats{Name: in.Name, Source: in.Source, LogType: in.LogType}
	rc, err := in.Open()
	if err != nil {
		fs.Err = describe(err)
		return fs, parser.Checkpoint{}, false
	}
	defer rc.Close()
	var src io.Reader = rc
	var tail []byte // an unfinished last line, looked at on its own
	if !p.whole {
		f, ok := rc.(*os.File)
		if !ok {
			fs.Err = "cannot be read from an offset"
			return fs, parser.Checkpoint{}, false
		}
		end, err := lastLineEnd(f, p.from.Offset, p.end)
		if err == nil && end < p.end {
			if p.final {
				end = p.end // it did not grow since the last run: the line is whole
			} else {
				tail = make([]byte, p.end-end)
				_, err = f.ReadAt(tail, end)
			}
		}
		if err == nil && p.from.Offset > 0 {
			_, err = f.Seek(p.from.Offset, io.SeekStart)
		}
		if err != nil {
			fs.Err = describe(err)
			return fs, parser.Checkpoint{}, false
		}
		prog.skip(p.from.Offset)
		src = io.LimitReader(f, end-p.from.Offset)
	}
	// The reader of the input before is reused (its buffers are most of
	// what a Reader allocates): nothing of what it returned is kept.
	rd := *rdp
	if rd == nil {
		rd = parser.NewReader(prog.reader(src), in.Name)
		*rdp = rd
	} else {
		rd.Reset(prog.reader(src), in.Name)
	}
	rd.DefaultLogType = in.LogType
	var sp rowSpan
	if p.from.Offset > 0 {
		rd.Resume(p.from)
	}
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *parser.ParseError
			if errors.As(err, &pe) {
				parseError(pe)
				continue
			}
			fs.Err = "read stopped: " + err.Error()
			break
		}
		addRecord(in, rec, asm, &fs, &sp)
	}
	if h := rd.Header(); h != nil && fs.LogType == parser.LogUnknown {
		fs.LogType = h.LogType
	}
	fs.Stats = rd.Stats()
	fs.Encoding = rd.Encoding()
	cp := rd.Checkpoint()
	if len(tail) > 0 && fs.Err == "" {
		cp = readTail(in, tail, cp, asm, &fs, &sp)
	}
	prog.skip(int64(len(tail))) // looked at apart, or left for later
	return fs, cp, fs.Err == "" || fs.Stats.Bytes > 0
}

// rowSpan is a file's earliest and latest row time (FileStats.First and
// Last) as nanoseconds.
type rowSpan struct{ first, last int64 }

// addRecord hands a record to the assembler and counts it in the file's
// stats.
func addRecord(in inputs.Input, rec *parser.Record, asm *analyze.Assembler, fs *analyze.FileStats, sp *rowSpan) {
	// Compared as nanoseconds (Record.Nanos), cheaper than time.Time's
	// methods for every row.
	if ns := rec.Nanos; fs.First.IsZero() || ns < sp.first {
		fs.First, sp.first = rec.Time, ns
	}
	if ns := rec.Nanos; fs.Last.IsZero() || ns > sp.last {
		fs.Last, sp.last = rec.Time, ns
	}
	if fs.LogType == parser.LogUnknown {
		fs.LogType = rec.LogType
	}
	asm.Add(in.Source, in.Name, rec)
}

// readTail looks at the unfinished last line of a file an incremental run
// reads. Exchange may be in the middle of writing it, or a copy of a log
// may just lack its last line ending. A line that is certainly whole is
// taken, as a full run takes it: a command, a reply or a connect row
// ("...,<,250 2.1.5 Recipient OK,") whose context column, always empty in
// such rows, is there, since no cut can have shortened it. Any other is
// left for the next run, which takes it as it then is once the file has
// stopped growing.
func readTail(in inputs.Input, tail []byte, cp parser.Checkpoint, asm *analyze.Assembler, fs *analyze.FileStats, sp *rowSpan) parser.Checkpoint {
	if t := bytes.TrimRight(tail, " \t"); len(t) == 0 || t[len(t)-1] != ',' {
		return cp
	}
	open := func() *parser.Reader {
		rd := parser.NewReader(bytes.NewReader(tail), in.Name)
		rd.DefaultLogType = in.LogType
		rd.Resume(cp)
		return rd
	}
	rd := open()
	n := 0
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil || len(rec.Context) > 0 ||
			rec.Event != parser.EventSend && rec.Event != parser.EventReceive && rec.Event != parser.EventConnect {
			return cp
		}
		n++
	}
	if n == 0 {
		return cp
	}
	rd = open()
	for {
		rec, err := rd.Read()
		if err != nil {
			break
		}
		addRecord(in, rec, asm, fs, sp)
	}
	st := rd.Stats()
	fs.Bytes += st.Bytes
	fs.Lines += st.Lines
	fs.Rows += st.Rows
	fs.Records += st.Records
	fs.Repaired += st.Repaired
	return rd.Checkpoint()
}
