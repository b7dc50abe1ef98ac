package parser

import (
	"bytes"
	"strconv"
	"strings"
)

// headerKeys are the header names Exchange writes, as they appear after '#'.
var headerKeys = []string{"Software", "Version", "Log-type", "Date", "Fields"}

// headerLine recognises a header line: "#Key: value", the same without the
// '#' (copies pasted through markdown lose it), or a bare CSV line of column
// names starting "date-time," (some collectors prepend one).
func headerLine(line []byte) (key string, val []byte, ok bool) {
	c := line[0]
	if isDigit(c) {
		return "", nil, false // the common case: a row
	}
	b := line
	if c == '#' {
		b = bytes.TrimLeft(b[1:], " ")
	}
	for _, k := range headerKeys {
		if len(b) > len(k) && b[len(k)] == ':' && string(b[:len(k)]) == k {
			return k, bytes.TrimSpace(b[len(k)+1:]), true
		}
	}
	if bytes.HasPrefix(b, []byte("date-time,")) {
		return "Fields", b, true
	}
	if c == '#' {
		return "", b, true // another comment line: ignored
	}
	return "", nil, false
}

// header applies one header line. A header line after rows starts a new
// block (a concatenated file).
func (r *Reader) header(key string, val []byte, no int) *ParseError {
	if key == "" {
		return nil // a comment
	}
	if !r.inHeader || r.hdr == nil || key == "Software" && r.hdr.Software != "" {
		r.hdr = &Header{Line: no, LogType: r.DefaultLogType}
		r.stats.Headers++
		r.setColumns(nil)
		r.skip = false
	}
	r.inHeader = true
	h := r.hdr
	switch key {
	case "Software":
		h.Software = string(val)
	case "Version":
		h.Version = string(val)
	case "Date":
		if t, _, ok := r.parseTime(val); ok {
			h.Date = t
		}
	case "Log-type":
		h.LogTypeText = string(val)
		h.LogType = logTypeOf(h.LogTypeText)
		if h.LogType == LogOther {
			r.skip = true
			return &ParseError{File: r.name, Line: no, Err: ErrNotProtocolLog,
				Detail: "#Log-type is " + strconv.Quote(h.LogTypeText) + "; its rows are skipped"}
		}
	case "Fields":
		names := strings.Split(string(val), ",")
		for i := range names {
			names[i] = strings.TrimSpace(names[i])
		}
		h.Fields = names
		if missing := r.setColumns(names); missing != "" {
			r.skip = true
			what := "no " + missing + " column"
			if h.LogType != LogOther {
				return &ParseError{File: r.name, Line: no, Err: ErrBadHeader,
					Detail: what + " in #Fields; rows up to the next header are skipped", Raw: clip(val, maxRawInError)}
			}
		}
	}
	return nil
}

// setColumns maps the standard columns onto names (nil: the standard nine).
// It returns the name of a required column that is missing.
func (r *Reader) setColumns(names []string) (missing string) {
	if names == nil {
		for i := range r.cols {
			r.cols[i] = i
		}
		r.ncols = numCols
		r.std = true
		return ""
	}
	for i := range r.cols {
		r.cols[i] = -1
	}
	for i, n := range names {
		for c, std := range StandardFields {
			if strings.EqualFold(n, std) {
				r.cols[c] = i
			}
		}
	}
	r.std = len(names) == numCols
	for c := range r.cols {
		if r.cols[c] != c {
			r.std = false
		}
	}
	r.ncols = len(names)
	for _, c := range []int{colDateTime, colSession, colEvent} {
		if r.cols[c] < 0 {
			return StandardFields[c]
		}
	}
	return ""
}

func logTypeOf(s string) LogType {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "send protocol"):
		return LogSend
	case strings.Contains(l, "receive protocol"):
		return LogReceive
	}
	return LogOther
}

// LogTypeFromName guesses the log type from a file name: SEND*.LOG is a
// Send log, RECV*.LOG a Receive log.
func LogTypeFromName(name string) LogType {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	switch u := strings.ToUpper(name); {
	case strings.HasPrefix(u, "SEND"):
		return LogSend
	case strings.HasPrefix(u, "RECV"):
		return LogReceive
	}
	return LogUnknown
}
