package parser

import (
	"errors"
	"fmt"
)

// Sentinel errors carried in [ParseError.Err]; test with errors.Is.
var (
	ErrFieldCount  = errors.New("wrong number of fields")
	ErrBadTime     = errors.New("bad date-time")
	ErrBadEvent    = errors.New("bad event")
	ErrBadSession  = errors.New("bad session-id")
	ErrQuote       = errors.New("quoted field not closed")
	ErrLineTooLong = errors.New("line too long")
	ErrBadHeader   = errors.New("bad header")
	// ErrNotProtocolLog marks the header of another Exchange log (message
	// tracking, connectivity ...): its rows are skipped and counted.
	ErrNotProtocolLog = errors.New("not an SMTP protocol log")
	// ErrMissingEvent is a row without its event column (8 fields, or an
	// empty event) whose event could not be inferred from data and context.
	ErrMissingEvent = errors.New("event column missing")
)

// ParseError is a line that could not be read. Reading goes on after it.
type ParseError struct {
	File   string // source name given to NewReader
	Line   int    // 1-based physical line
	Column int    // 1-based field number, 0 when the error is about the whole line
	Err    error  // one of the Err* sentinels
	Detail string // what was found, for people
	Raw    string // the offending line, clipped to a few hundred bytes
}

func (e *ParseError) Error() string {
	var pos string
	if e.Column > 0 {
		pos = fmt.Sprintf("%s:%d: field %d", e.File, e.Line, e.Column)
	} else {
		pos = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Detail != "" {
		return fmt.Sprintf("%s: %v: %s", pos, e.Err, e.Detail)
	}
	return fmt.Sprintf("%s: %v", pos, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Reason is the error without its position: "bad date-time: "Date/Time"".
func (e *ParseError) Reason() string {
	if e.Detail != "" {
		return e.Err.Error() + ": " + e.Detail
	}
	return e.Err.Error()
}

// maxRawInError bounds the copy of the offending line kept in a ParseError.
const maxRawInError = 512

func clip(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}
