package main

import (
	"errors"
	"io"
	"os"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/parser"
)

// scan reads every input in order and feeds the records to one assembler,
// so sessions continue from one file to the next of the same folder. Each
// session is checked, counted and handed to emit as soon as it ends;
// emit's first error stops the scan (the output is gone: a closed pipe, a
// full disk).
func scan(ins []input, stdin io.Reader, sum *analyze.Summary, checker *analyze.Checker, transcripts bool, prog *progress, emit func(*analyze.Session) error) (read int, err error) {
	var emitErr error
	asm := analyze.NewAssembler(analyze.Options{Transcripts: transcripts, Emit: func(s *analyze.Session) {
		checker.Check(s)
		sum.AddSession(s)
		if emitErr == nil && emit != nil {
			emitErr = emit(s)
		}
	}})
	for _, in := range ins {
		if emitErr != nil {
			break
		}
		fs, ok := readOne(in, stdin, asm, sum, prog)
		sum.AddFile(fs)
		prog.fileDone()
		if ok {
			read++
		}
	}
	asm.Flush()
	sum.SetEvicted(asm.Evicted())
	return read, emitErr
}

// readOne reads one input. A read error ends that input but keeps what was
// read before it.
func readOne(in input, stdin io.Reader, asm *analyze.Assembler, sum *analyze.Summary, prog *progress) (analyze.FileStats, bool) {
	src := analyze.SourceOf(in.path)
	fs := analyze.FileStats{Name: in.path, Source: src, LogType: parser.LogTypeFromName(in.path)}
	var r io.Reader = stdin
	if in.path != "-" {
		f, err := os.Open(in.path)
		if err != nil {
			fs.Err = describe(err)
			return fs, false
		}
		defer f.Close()
		r = f
	}
	rd := parser.NewReader(prog.reader(r), in.path)
	rd.DefaultLogType = fs.LogType
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *parser.ParseError
			if errors.As(err, &pe) {
				sum.AddParseError(pe)
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
		asm.Add(src, in.path, rec)
	}
	if h := rd.Header(); h != nil && fs.LogType == parser.LogUnknown {
		fs.LogType = h.LogType
	}
	fs.Stats = rd.Stats()
	return fs, fs.Err == "" || fs.Stats.Bytes > 0
}
