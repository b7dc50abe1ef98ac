package main

import (
	"errors"
	"io"
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
// With several jobs the files are parsed in parallel, each into a segment,
// and a Stitcher joins the segments in file order: the sessions, their
// order and so every report are the same as reading one file after
// another.
func scan(ins []inputs.Input, sum *analyze.Summary, checker *analyze.Checker, o scanOptions, emit func(*analyze.Session) error) (read int, err error) {
	var emitErr error
	opts := analyze.Options{Transcripts: o.transcripts, Emit: func(s *analyze.Session) {
		if !o.inRange(s) {
			return
		}
		checker.Check(s)
		sum.AddSession(s)
		if emitErr == nil && emit != nil {
			emitErr = emit(s)
		}
	}}
	if o.jobs <= 1 || len(ins) < 2 {
		asm := analyze.NewAssembler(opts)
		for _, in := range ins {
			if emitErr != nil {
				break
			}
			fs, ok := readOne(in, asm, sum.AddParseError, o.prog)
			sum.AddFile(fs)
			o.prog.fileDone()
			if ok {
				read++
			}
		}
		asm.Flush()
		sum.SetEvicted(asm.Evicted())
		return read, emitErr
	}

	type result struct {
		fs   analyze.FileStats
		ok   bool
		errs []error // the first parse errors, in order
		more int     // parse errors past those
		seg  analyze.Segment
		done chan struct{}
	}
	results := make([]*result, len(ins))
	for i := range results {
		results[i] = &result{done: make(chan struct{})}
	}
	quit := make(chan struct{})
	slots := make(chan struct{}, o.jobs+1) // segments in memory at once
	next := make(chan int)
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
	for w := 0; w < o.jobs; w++ {
		go func() {
			for i := range next {
				r := results[i]
				wopts := analyze.Options{Transcripts: o.transcripts, KeepHeads: true,
					Emit: func(s *analyze.Session) { r.seg.Closed = append(r.seg.Closed, s) }}
				asm := analyze.NewAssembler(wopts)
				r.fs, r.ok = readOne(ins[i], asm, func(err error) {
					if len(r.errs) < analyze.MaxInputErrors {
						r.errs = append(r.errs, err)
					} else {
						r.more++
					}
				}, o.prog)
				r.seg.Open = asm.Detach()
				close(r.done)
			}
		}()
	}
	st := analyze.NewStitcher(opts)
	for i := range ins {
		r := results[i]
		<-r.done
		for _, e := range r.errs {
			sum.AddParseError(e)
		}
		sum.AddErrorCount(r.more)
		sum.AddFile(r.fs)
		st.Add(r.seg)
		o.prog.fileDone()
		if r.ok {
			read++
		}
		results[i] = nil
		<-slots
		if emitErr != nil {
			close(quit)
			// Let the workers finish what they have (they only parse).
			for j := i + 1; j < len(ins); j++ {
				select {
				case <-slots:
				default:
				}
			}
			return read, emitErr
		}
	}
	st.Flush()
	sum.SetEvicted(st.Evicted())
	return read, emitErr
}

// readOne reads one input. A read error ends that input but keeps what was
// read before it.
func readOne(in inputs.Input, asm *analyze.Assembler, parseError func(error), prog *progress) (analyze.FileStats, bool) {
	fs := analyze.FileStats{Name: in.Name, Source: in.Source, LogType: in.LogType}
	rc, err := in.Open()
	if err != nil {
		fs.Err = describe(err)
		return fs, false
	}
	defer rc.Close()
	rd := parser.NewReader(prog.reader(rc), in.Name)
	rd.DefaultLogType = in.LogType
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
		if fs.First.IsZero() || rec.Time.Before(fs.First) {
			fs.First = rec.Time
		}
		if rec.Time.After(fs.Last) {
			fs.Last = rec.Time
		}
		if fs.LogType == parser.LogUnknown {
			fs.LogType = rec.LogType
		}
		asm.Add(in.Source, in.Name, rec)
	}
	if h := rd.Header(); h != nil && fs.LogType == parser.LogUnknown {
		fs.LogType = h.LogType
	}
	fs.Stats = rd.Stats()
	return fs, fs.Err == "" || fs.Stats.Bytes > 0
}
