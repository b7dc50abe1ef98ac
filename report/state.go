package report

import (
	"fmt"
	"strings"

	"github.com/logscan/logscan/analyze"
)

// State is what an incremental run (--state) read and carried over.
type State struct {
	File       string `json:"file"`
	New        int    `json:"new_files"`
	Appended   int    `json:"appended_files"`
	Replaced   int    `json:"replaced_files"`
	Unchanged  int    `json:"unchanged_files"`
	Forgotten  int    `json:"forgotten_files"`
	CarriedIn  int    `json:"carried_in"`
	CarriedOut int    `json:"carried_out"`
	Flushed    int    `json:"flushed"`
}

func newState(s *analyze.StateInfo) *State {
	if s == nil {
		return nil
	}
	return &State{File: s.File, New: s.New, Appended: s.Appended, Replaced: s.Replaced, Unchanged: s.Unchanged,
		Forgotten: s.Forgotten, CarriedIn: s.CarriedIn, CarriedOut: s.CarriedOut, Flushed: s.Flushed}
}

// stateLine says in one sentence what an incremental run did.
func stateLine(s *analyze.StateInfo) string {
	if s == nil {
		return ""
	}
	var files []string
	for _, c := range []struct {
		n    int
		what string
	}{{s.New, "new"}, {s.Appended, "grown (read from where the last run stopped)"}, {s.Replaced, "replaced or truncated (read again)"},
		{s.Unchanged, "unchanged (not read)"}, {s.Forgotten, "gone (forgotten)"}} {
		if c.n > 0 {
			files = append(files, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(files) == 0 {
		files = []string{"no files"}
	}
	line := fmt.Sprintf("Incremental run (state %s): files %s.", s.File, strings.Join(files, ", "))
	line += fmt.Sprintf(" Sessions still open at the last run: %d taken up; still open now: %d, carried to the next run and not reported yet", s.CarriedIn, s.CarriedOut)
	if s.Flushed > 0 {
		line += fmt.Sprintf("; %d silent for over an hour, reported as incomplete", s.Flushed)
	}
	return line + "."
}
