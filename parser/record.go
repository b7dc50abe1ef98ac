// Package parser reads Microsoft Exchange SMTP protocol logs (the Send and
// Receive connector logs under ProtocolLog\SmtpSend and ProtocolLog\SmtpReceive).
//
// The format is described in the project's FORMAT notes: an optional UTF-8
// byte order mark, a block of `#` header lines naming the columns, then one
// CSV row per event. Exchange quotes a field only when it contains a comma or
// a double quote, so the [Reader] splits rows with a byte-level scanner
// instead of encoding/csv: it allocates nothing per row in steady state.
//
// Lines that cannot be read are returned as [*ParseError] values and reading
// goes on; they never stop the stream.
//
// Logs often reach logscan as damaged copies: pasted into tickets and web
// pages, run through markdown or HTML, re-encoded by PowerShell. The Reader
// reads UTF-8 (with or without a byte order mark) and UTF-16 LE or BE, and
// repairs the damage such copies show (markdown quote marks, list bullets,
// escapes and bold; HTML line breaks; rows collapsed onto one line; a
// missing event column; a block wrapped in quotes). Repairs run for rows
// that do not read as written, and for every row of a stream once it has
// shown markdown or HTML damage, never for a well-formed log;
// [Record.Repairs] and [Stats.Repaired] say which rows needed one, and
// [Reader.Strict] turns them off. See repair.go for the exact rules.
package parser

import (
	"time"
)

// Event is the event column of a protocol-log row.
type Event byte

// The events Exchange writes.
const (
	EventConnect    Event = '+' // TCP session established
	EventDisconnect Event = '-' // session ended; Context holds the reason
	EventSend       Event = '>' // sent by this server
	EventReceive    Event = '<' // received by this server
	EventInfo       Event = '*' // information row (TLS, certificates, routing ...)
)

// String returns the event as Exchange writes it.
func (e Event) String() string {
	if e == 0 {
		return ""
	}
	return string(rune(e))
}

// LogType tells which side of SMTP a log was written by.
type LogType uint8

// The log types.
const (
	LogUnknown LogType = iota // no #Log-type header and nothing else to go by
	LogSend                   // SMTP Send Protocol Log: we are the client
	LogReceive                // SMTP Receive Protocol Log: we are the server
	LogOther                  // another Exchange log (message tracking, connectivity ...)
)

// String returns "send", "receive", "other" or "unknown".
func (t LogType) String() string {
	switch t {
	case LogSend:
		return "send"
	case LogReceive:
		return "receive"
	case LogOther:
		return "other"
	}
	return "unknown"
}

// Header holds the `#` header block that precedes the rows of a log file.
// A stream may carry several (files concatenated with cat); each Record
// points at the header in force when it was read.
type Header struct {
	Software string
	Version  string
	LogType  LogType
	// LogTypeText is the #Log-type value as written ("SMTP Send Protocol Log").
	LogTypeText string
	// Date is the file creation time from #Date; rows may be earlier.
	Date time.Time
	// Fields are the column names from #Fields, in order.
	Fields []string
	// Line is the 1-based line of the first header line of this block.
	Line int
}

// Record is one row of a protocol log.
//
// Memory: the byte slices alias the Reader's buffers and are valid only until
// the next call to [Reader.Read]. Copy what you keep. Header stays valid.
type Record struct {
	Time time.Time
	// Nanos is Time as nanoseconds since 1970 (rows are dated 1970 to
	// 2261), for cheap comparisons.
	Nanos     int64
	Connector []byte
	SessionID []byte
	// Seq is the sequence number, or -1 when the column is empty or not a
	// number. Real logs have gaps and duplicates: do not rely on it.
	Seq    int
	Local  []byte // local endpoint, ip:port; empty before the connection exists
	Remote []byte // remote endpoint, ip:port
	Event  Event
	Data   []byte
	// Context is the last column: the meaning of a `*` row, or the reason
	// on a `-` row.
	Context []byte

	// File is the source name given to NewReader.
	File string
	// Line is the 1-based physical line the row starts on.
	Line int
	// Raw is the row as it appeared in the file, without the line ending and
	// surrounding white space (several physical lines joined by "\n" when a
	// quoted field spanned lines); for a repaired row, the repaired text.
	Raw []byte
	// Header is the header block in force, or nil when the stream had none.
	Header *Header
	// LogType is the header's #Log-type, or the Reader's DefaultLogType.
	LogType LogType
	// Repairs says what had to be undone before the row could be read; 0
	// for a row read as written.
	Repairs Repair
}
