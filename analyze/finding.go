package analyze

import (
	"strings"
	"time"
)

// Severity ranks findings.
type Severity int

// Severities, least severe first.
const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// ParseSeverity reads "error", "warning" or "info".
func ParseSeverity(s string) (Severity, bool) {
	switch strings.ToLower(s) {
	case "error":
		return Error, true
	case "warning":
		return Warning, true
	case "info":
		return Info, true
	}
	return 0, false
}

// Evidence is a log line that shows a finding.
type Evidence struct {
	Session string
	Pos     Pos
	Raw     string
}

// Caps on what one finding keeps.
const (
	MaxFindingSessions = 100 // session ids listed (all are counted)
	evidenceSessions   = 3   // sessions whose lines are quoted
	evidenceLines      = 4   // lines quoted per session
)

// Finding is one problem and the sessions that show it.
type Finding struct {
	ID          string // stable: "tenant-attribution-denied"
	Key         string // tells apart findings of one ID (a thumbprint, a code)
	Severity    Severity
	Title       string // one line
	Explanation string // this case, with its names and values
	Remedy      string // what to change
	Link        string // the Microsoft article
	Sessions    int
	SessionIDs  []string // the first MaxFindingSessions
	Evidence    []Evidence
	First, Last time.Time // of the sessions
}

// Skipped is a check that did not run for want of an export.
type Skipped struct {
	ID     string
	Reason string
	Flag   string // the flag that enables it
}
