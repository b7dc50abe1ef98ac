package parser

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// Repairs of damaged copies.
//
// Logs reach logscan pasted into tickets and forum posts, run through
// markdown and HTML, wrapped by editors. Such copies are read as follows;
// none of it runs for a well-formed row, and [Reader.Strict] turns all of
// it off. Repairs apply only while the columns are the standard nine (no
// #Fields header, or the standard one).
//
// A line goes through cleanLine when it does not start with a digit (rows
// start with their date), when it ends in '>' (it may end in <br>), and
// every line once the stream has shown markdown or HTML damage (the
// slow mode: then a row's data is cleaned even when the row would read
// as written). cleanLine removes, in this order:
//
//   - markdown quote marks ("> ", ">> ", "> > ", a lone ">"), one list
//     bullet ("- ", "* ", "+ ") and an escaped header mark ("\#"); a code
//     fence line ("```", "~~~") is dropped like a blank line;
//   - the opening quote of a block wrapped in one pair of quotes: a line
//     that starts with '"' followed by '#' or by a date that runs to a
//     comma without a closing quote (a quoted date-time field, as a
//     spreadsheet writes it, closes before the comma and is left alone);
//     the closing quote is the last '"' of a later line that has an odd
//     number of quotes;
//   - HTML line breaks <br>, <br/>, <br /> (any case) anywhere in the
//     line; when the line ended with one and the row is short, the row
//     goes on at the start of the next line (no line break is added);
//     and, once a line break was seen or the row failed, the entities
//     &lt; &gt; &amp; &quot; &#39; &apos; &nbsp;;
//   - markdown bold and escapes, once the stream has shown markdown damage
//     (any of the above but HTML, a line that starts with "**", or a row
//     that read only after this step): pairs of "**" that open (after the
//     start, a blank, ',', '>', '(' or '"', before a non-blank) and close
//     (after a non-blank, before the end, a blank or punctuation) around
//     a letter or digit, so that "10.**.**.31", an anonymised address,
//     is left alone; then the escapes \* \_ \[ \] \< \> \# \` \| \~.
//
// A header line that holds the next header line ("#Software: ...
// #Version: ...") or a row's date followed by a comma is cut there: a
// whole block collapsed onto one line.
//
// A <br> inside a row that reads as written, before any other HTML damage
// in the stream, is kept: finding it would cost every row a scan.
//
// When a row still does not read (wrong field count, bad time, bad event,
// or a quote that does not close), it is cleaned as above whatever the
// mode (markdown and entities included), and then:
//
//   - collapsed rows: a field from the ninth on that holds a date
//     yyyy-MM-ddTHH:mm:ss.fffZ followed by a comma starts the next row
//     (Exchange writes such a date followed by a comma only as a row's
//     first field; the one-line certificate layout's dates, in the data
//     field, are followed by a space). The line is cut there, and each
//     piece is read as a row with the line's number;
//   - a missing event column: a row of eight fields whose seventh is not
//     an event (and no event sits in the fields before it), or of nine
//     with an empty event, gets its event inferred: '*' for the contexts
//     of information rows (certificates, TLS, permissions, messages ...),
//     '-' for an empty data field with context Local or Remote, '<' or '>'
//     for an SMTP reply or command (which one depends on the log type:
//     replies are '<' in a Send log and '>' in a Receive log), '+' when
//     data and context are empty and the remote endpoint is set.
//     Otherwise the row is reported as ErrMissingEvent.
//
// A repaired row is returned as a record with Record.Repairs set, its Raw
// is the repaired text, and it is counted in Stats.Repaired (a subset of
// Stats.Records). A row that cannot be repaired is reported with the error
// of the last attempt.

// Repair is a set of repairs made to a row.
type Repair uint16

// The repairs.
const (
	RepairMarkdown  Repair = 1 << iota // markdown quote marks, list bullets, escapes or bold removed
	RepairHTML                         // HTML line breaks removed (the row joined across them), entities decoded
	RepairWrap                         // the quote around a whole pasted block removed
	RepairCollapsed                    // the row shared its physical line with other rows
	RepairEvent                        // the missing event column was inferred

	repairMask = 1<<iota - 1

	// Internal bits, never in Record.Repairs.
	fixDrop    Repair = 1 << 12 // the line is a code fence
	fixBrEnd   Repair = 1 << 13 // the line ended in an HTML line break
	fixWrapOn  Repair = 1 << 14 // a wrapped block starts here
	fixWrapOff Repair = 1 << 15 // a wrapped block ends here
)

var repairNames = []string{"markdown", "html", "wrap", "collapsed", "event"}

// String lists the repairs: "markdown,collapsed"; "" for none.
func (f Repair) String() string {
	var b strings.Builder
	for i, n := range repairNames {
		if f&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(n)
		}
	}
	return b.String()
}

// repairState is the Reader's state for repairs.
type repairState struct {
	slow bool // md || html || wrap: every line goes through cleanLine
	md   bool // the stream has shown markdown damage
	html bool // the stream has shown HTML line breaks or entities
	wrap bool // inside a block wrapped in quotes

	cbuf [2][]byte // cleanLine's output, used in turn
	flip int

	// Rows collapsed onto one line: the rest of the line, still to read.
	pend, pendAlt []byte
	pendOff       int
	pendNo        int
	pendFix       Repair
	hasPend       bool

	// work counts the bytes handled by the repair paths, so tests can
	// check that they stay linear in the input.
	work int64
}

func (r *Reader) repairing() bool { return !r.Strict && r.std }

func (r *Reader) setModes(f Repair) {
	if f&RepairMarkdown != 0 {
		r.md = true
	}
	if f&RepairHTML != 0 {
		r.html = true
	}
	if f&fixWrapOn != 0 {
		r.wrap = true
	}
	if f&fixWrapOff != 0 {
		r.wrap = false
	}
	r.slow = r.md || r.html || r.wrap
}

type cleanMode uint8

const (
	cleanGate  cleanMode = iota // a line on its way in
	cleanForce                  // a row that did not read: try everything
	cleanCont                   // a line continuing a row
)

// cleanLine undoes the damage listed in the comment at the top of this
// file. It reports what it changed (0: line is returned as given); the
// caller applies the mode bits with setModes.
func (r *Reader) cleanLine(line []byte, mode cleanMode) ([]byte, Repair) {
	r.work += int64(len(line))
	var fix Repair
	if mode != cleanCont || r.md {
		line, fix = stripPrefixes(line)
	}
	if fix&fixDrop != 0 {
		if mode == cleanCont {
			return line, fix &^ fixDrop // a fence inside a quoted field is content
		}
		return nil, RepairMarkdown
	}
	md := r.md || mode == cleanForce || fix != 0 || bytes.HasPrefix(line, []byte("**"))
	if mode != cleanCont && wrapStart(line) {
		line = trimBlanks(line[1:])
		fix |= RepairWrap | fixWrapOn
	}
	entities := r.html || mode == cleanForce
	if hasHTML(line, entities) {
		out, endBr := removeHTML(r.cbuf[r.flip][:0], line, entities)
		r.cbuf[r.flip], r.flip = out, r.flip^1
		if len(out) != len(line) {
			fix |= RepairHTML
			line = trimBlanks(out)
		}
		if endBr {
			fix |= fixBrEnd
		}
	}
	if md && hasMarkdown(line) {
		out := unmarkdown(r.cbuf[r.flip][:0], line)
		r.cbuf[r.flip], r.flip = out, r.flip^1
		if len(out) != len(line) {
			fix |= RepairMarkdown
			line = trimBlanks(out)
		}
	}
	if (r.wrap || fix&fixWrapOn != 0) && mode != cleanCont && len(line) > 0 && line[len(line)-1] == '"' &&
		bytes.Count(line, []byte{'"'})%2 == 1 {
		line = trimBlanks(line[:len(line)-1])
		fix |= RepairWrap | fixWrapOff
	}
	return line, fix
}

// stripPrefixes removes markdown quote marks, a list bullet and an escaped
// header mark from the start of a line.
func stripPrefixes(line []byte) ([]byte, Repair) {
	var fix Repair
	bullet := false
	for len(line) > 0 {
		c := line[0]
		switch {
		case c == '>' && (len(line) == 1 || line[1] != ','):
			line = trimBlanks(line[1:])
		case (c == '-' || c == '*' || c == '+') && !bullet && len(line) > 1 && (line[1] == ' ' || line[1] == '\t'):
			line = trimBlanks(line[2:])
			bullet = true
		case c == '\\' && len(line) > 1 && line[1] == '#':
			line = line[1:]
		case (c == '`' || c == '~') && len(line) >= 3 && line[1] == c && line[2] == c:
			return line, RepairMarkdown | fixDrop
		case c == 0xef && fix != 0 && bytes.HasPrefix(line, []byte(bom)): // a pasted file's byte order mark
			line = line[3:]
			continue
		default:
			return line, fix
		}
		fix |= RepairMarkdown
	}
	return line, fix
}

// wrapStart reports whether line starts with the opening quote of a
// wrapped block rather than with a quoted field.
func wrapStart(line []byte) bool {
	if len(line) < 2 || line[0] != '"' {
		return false
	}
	if line[1] == '#' {
		return true
	}
	if !isDigit(line[1]) {
		return false
	}
	comma := bytes.IndexByte(line, ',')
	quote := bytes.IndexByte(line[1:], '"')
	return comma > 0 && (quote < 0 || quote+1 > comma)
}

func trimBlanks(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// hasHTML reports whether line holds a <br> tag or, with entities, an '&'.
func hasHTML(line []byte, entities bool) bool {
	if entities && bytes.IndexByte(line, '&') >= 0 {
		return true
	}
	for i := 0; ; {
		k := bytes.IndexByte(line[i:], '<')
		if k < 0 {
			return false
		}
		i += k
		if brLen(line[i:]) > 0 {
			return true
		}
		i++
	}
}

// brLen returns the length of the <br>, <br/> or <br /> tag at the start
// of b, or 0.
func brLen(b []byte) int {
	if len(b) < 4 || b[0] != '<' || b[1]|0x20 != 'b' || b[2]|0x20 != 'r' {
		return 0
	}
	i := 3
	for i < len(b) && i < 8 && b[i] == ' ' {
		i++
	}
	if i < len(b) && b[i] == '/' {
		i++
	}
	if i < len(b) && b[i] == '>' {
		return i + 1
	}
	return 0
}

var entities = []struct {
	name []byte
	val  byte
}{
	{[]byte("&lt;"), '<'}, {[]byte("&gt;"), '>'}, {[]byte("&amp;"), '&'}, {[]byte("&quot;"), '"'},
	{[]byte("&#39;"), '\''}, {[]byte("&#34;"), '"'}, {[]byte("&apos;"), '\''}, {[]byte("&nbsp;"), ' '},
}

// removeHTML appends line to dst without <br> tags (and, with ents, with
// the common entities decoded). endBr reports whether the line ended in a
// <br> tag.
func removeHTML(dst, line []byte, ents bool) (out []byte, endBr bool) {
	lastBr := -1 // len(dst) right after the last tag removed
	for i := 0; i < len(line); {
		// Copy up to the next '<' (or '&') in one go.
		k := bytes.IndexByte(line[i:], '<')
		if ents {
			if a := bytes.IndexByte(line[i:], '&'); a >= 0 && (k < 0 || a < k) {
				k = a
			}
		}
		if k < 0 {
			dst = append(dst, line[i:]...)
			break
		}
		dst = append(dst, line[i:i+k]...)
		i += k
		if line[i] == '<' {
			if n := brLen(line[i:]); n > 0 {
				i += n
				lastBr = len(dst)
				continue
			}
		} else if e, n := entity(line[i:]); n > 0 {
			dst = append(dst, e)
			i += n
			continue
		}
		dst = append(dst, line[i])
		i++
	}
	if lastBr >= 0 {
		endBr = len(trimBlanks(dst[lastBr:])) == 0
	}
	return dst, endBr
}

func entity(b []byte) (byte, int) {
	for _, e := range entities {
		if len(b) >= len(e.name) && bytes.EqualFold(b[:len(e.name)], e.name) {
			return e.val, len(e.name)
		}
	}
	return 0, 0
}

// hasMarkdown reports whether line may hold markdown escapes or bold.
func hasMarkdown(line []byte) bool {
	return bytes.IndexByte(line, '\\') >= 0 || bytes.Contains(line, []byte("**"))
}

func isMarkdownEscaped(c byte) bool {
	switch c {
	case '*', '_', '[', ']', '<', '>', '#', '`', '|', '~':
		return true
	}
	return false
}

// unmarkdown appends line to dst without markdown bold markers and
// escapes (see the comment at the top of this file). A "**" is removed
// only as one of a pair that opens and closes around a letter or digit,
// so "10.**.**.31" stays as it is.
func unmarkdown(dst, line []byte) []byte {
	var drop []int // positions of the "**" markers to remove, in order
	if bytes.Contains(line, []byte("**")) {
		open, alnum := -1, false
		for i := 0; i+1 < len(line); i++ {
			c := line[i]
			if c != '*' || line[i+1] != '*' {
				if open >= 0 && (isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'z') {
					alnum = true
				}
				continue
			}
			n := 2
			for i+n < len(line) && line[i+n] == '*' {
				n++
			}
			if n == 2 {
				if open >= 0 && alnum && boldCloses(line, i) {
					drop = append(drop, open, i)
					open = -1
				} else if boldOpens(line, i) {
					open, alnum = i, false
				}
			}
			i += n - 1
		}
	}
	for i := 0; i < len(line); i++ {
		if len(drop) > 0 && i == drop[0] {
			drop = drop[1:]
			i++
			continue
		}
		c := line[i]
		if c == '\\' && i+1 < len(line) && isMarkdownEscaped(line[i+1]) {
			i++
			c = line[i]
		}
		dst = append(dst, c)
	}
	return dst
}

// boldOpens reports whether the "**" at line[i:] may open bold: it
// follows the start, a blank or an opening mark, and a non-blank follows.
func boldOpens(line []byte, i int) bool {
	if i > 0 {
		switch line[i-1] {
		case ' ', '\t', ',', '>', '(', '"':
		default:
			return false
		}
	}
	return i+2 < len(line) && line[i+2] != ' ' && line[i+2] != '\t'
}

// boldCloses reports whether the "**" at line[i:] may close bold: a
// non-blank comes before it, the end, a blank or punctuation after it.
func boldCloses(line []byte, i int) bool {
	if i == 0 || line[i-1] == ' ' || line[i-1] == '\t' {
		return false
	}
	if i+2 == len(line) {
		return true
	}
	switch line[i+2] {
	case ' ', '\t', ',', '.', ';', ':', ')', '"', '<':
		return true
	}
	return false
}

// openRow handles a row that ends inside a quoted field or, outside Strict
// mode, right after an HTML line break: rows collapsed onto the line are
// cut off first, then the row is continued on the following lines.
func (r *Reader) openRow(line []byte, no int, fix Repair, open bool) ([]byte, Repair, *ParseError) {
	if open && r.repairing() && !r.hasPend {
		if b := r.findCollapsed(line); b > 0 {
			line = r.collapse(line, b, no, &fix)
			open = r.split(line)
		}
	}
	if !open && (fix&fixBrEnd == 0 || len(r.fields) >= r.ncols) {
		return line, fix &^ fixBrEnd, nil
	}
	return r.joinLines(line, no, fix, open)
}

// repair tries to read a row that did not read as written (perr).
// On success it leaves the record in r.rec, counts it and returns nil.
func (r *Reader) repair(text []byte, no int, fix Repair, perr *ParseError) *ParseError {
	r.work += int64(len(text))
	changed := false
	if c, f := r.cleanLine(text, cleanForce); f != 0 {
		text, fix, changed = c, fix|f, true
		if r.split(text) {
			return perr
		}
	}
	if len(r.fields) > r.ncols && !r.hasPend { // (a row of a collapsed line was cut at the next one)
		if b := r.findCollapsed(text); b > 0 {
			text = r.collapse(text, b, no, &fix)
			changed = true
			if r.split(text) {
				return perr
			}
		}
	}
	if changed {
		perr = r.fill(text, no)
	}
	if perr != nil {
		perr = r.fillMissingEvent(text, no, &fix, perr)
	}
	if perr != nil {
		return perr
	}
	r.setModes(fix)
	r.rec.Repairs = fix & repairMask
	r.stats.Records++
	if r.rec.Repairs != 0 {
		r.stats.Repaired++
	}
	return nil
}

// collapse cuts a line holding several rows at b, the start of the second
// row: it returns the first row and keeps the rest for nextPending.
func (r *Reader) collapse(text []byte, b, no int, fix *Repair) []byte {
	r.pendAlt = append(r.pendAlt[:0], text...)
	r.pend, r.pendAlt = r.pendAlt, r.pend
	r.pendOff, r.pendNo, r.hasPend = b, no, true
	r.pendFix = (*fix | RepairCollapsed) &^ (fixWrapOn | fixWrapOff)
	*fix = (*fix | RepairCollapsed) &^ fixBrEnd
	return trimBlanks(r.pend[:b])
}

// nextPending returns the next row of a collapsed line. Only the last one
// inherits the line's trailing <br>.
func (r *Reader) nextPending() ([]byte, int, Repair) {
	rest := r.pend[r.pendOff:]
	var b int
	if len(rest) > 0 && rest[0] == '#' {
		b = r.findHeaderCut(rest)
	} else {
		b = r.findCollapsed(rest)
	}
	if b > 0 {
		r.pendOff += b
		return trimBlanks(rest[:b]), r.pendNo, r.pendFix &^ fixBrEnd
	}
	r.hasPend = false
	return trimBlanks(rest), r.pendNo, r.pendFix
}

// findCollapsed returns the offset in b of a second row's date, or -1:
// a yyyy-MM-ddTHH:mm:ss.fffZ date followed by a comma, outside quotes, in
// the ninth field or later. Quotes are read as split reads them.
func (r *Reader) findCollapsed(b []byte) int {
	commas := 0
	i := 0
	defer func() { r.work += int64(i) }()
	for i < len(b) {
		if b[i] == '"' {
			j := i + 1
			for {
				k := bytes.IndexByte(b[j:], '"')
				if k < 0 {
					i = len(b)
					return -1
				}
				j += k + 1
				if j < len(b) && b[j] == '"' {
					j++
					continue
				}
				break
			}
			i = j
		}
		for i < len(b) && b[i] != ',' {
			if commas >= numCols-1 && isDigit(b[i]) && isStampComma(b[i:]) {
				return i
			}
			i++
		}
		if i >= len(b) {
			return -1
		}
		i++
		commas++
	}
	return -1
}

// findHeaderCut returns the offset in a header line ("#Software: ...") of
// a second header line ("#Version:") or of a row's date followed by a
// comma, or -1: a whole block collapsed onto one line. Other lines that
// start with '#' are comments and are left alone.
func (r *Reader) findHeaderCut(b []byte) int {
	if key, _, _ := headerLine(b); key == "" {
		return -1 // a comment
	}
	r.work += int64(len(b))
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '#':
			for _, k := range headerKeys {
				if len(b)-i > len(k)+1 && b[i+1+len(k)] == ':' && string(b[i+1:i+1+len(k)]) == k {
					return i
				}
			}
		case isDigit(c) && isStampComma(b[i:]):
			return i
		}
	}
	return -1
}

// isStampComma reports whether b starts with yyyy-MM-ddTHH:mm:ss.fffZ and
// a comma.
func isStampComma(b []byte) bool {
	if len(b) < 25 || b[24] != ',' || b[23] != 'Z' {
		return false
	}
	for i, c := range b[:23] {
		switch i {
		case 4, 7:
			if c != '-' {
				return false
			}
		case 10:
			if c != 'T' {
				return false
			}
		case 13, 16:
			if c != ':' {
				return false
			}
		case 19:
			if c != '.' {
				return false
			}
		default:
			if !isDigit(c) {
				return false
			}
		}
	}
	return true
}

var eventField = [256][]byte{
	'+': {'+'}, '-': {'-'}, '>': {'>'}, '<': {'<'}, '*': {'*'},
}

func isEventField(b []byte) bool { return len(b) == 1 && isEvent(b[0]) }

// fillMissingEvent reads a row whose event column is missing (eight
// fields) or empty, inferring the event. It returns perr unchanged when
// the row is not of that kind.
func (r *Reader) fillMissingEvent(text []byte, no int, fix *Repair, perr *ParseError) *ParseError {
	f := r.fields
	var data, ctx []byte
	switch {
	case errors.Is(perr.Err, ErrFieldCount) && len(f) == numCols-1 &&
		!isEventField(f[colLocal]) && !isEventField(f[colRemote]) && !isEventField(f[colEvent]):
		data, ctx = f[colEvent], f[colData]
		r.fields = append(r.fields, nil)
		copy(r.fields[colData:], r.fields[colEvent:numCols-1])
	case errors.Is(perr.Err, ErrBadEvent) && len(f) >= numCols && len(f[colEvent]) == 0:
		data, ctx = f[colData], f[colContext]
	default:
		return perr
	}
	ev, why := r.inferEvent(data, ctx, r.fields[colRemote])
	if ev == 0 {
		r.fields[colEvent] = eventField['*'] // to check the other fields
	} else {
		r.fields[colEvent] = eventField[ev]
	}
	if p := r.fill(text, no); p != nil {
		return p
	}
	if ev == 0 {
		return &ParseError{File: r.name, Line: no, Column: colEvent + 1, Err: ErrMissingEvent,
			Detail: why, Raw: clip(text, maxRawInError)}
	}
	*fix |= RepairEvent
	return nil
}

// infoTexts start the data or context of information ('*') rows.
var infoTexts = []string{
	"Set Session Permissions", "attempting to connect", "Sending certificate", "Remote certificate",
	"Received certificate", "Certificate subject", "Certificate issuer name", "Certificate serial number",
	"Certificate thumbprint", "Certificate alternate names", "TLS protocol ", "TLS negotiation failed",
	"sending message with RecordId", "receiving message", "Client certificate chain validation status",
	"TlsDomainCapabilities=", "Proxying inbound session", "Inbound AUTH", "Outbound Authentication",
	"User Name:", "Failed to connect", "Tarpit for", "SendRoutingHeaders",
}

// smtpVerbs are the commands a client sends.
var smtpVerbs = []string{
	"EHLO", "HELO", "MAIL", "RCPT", "DATA", "BDAT", "QUIT", "RSET", "NOOP", "STARTTLS", "AUTH",
	"X-ANONYMOUSTLS", "XEXCH50", "XSHADOW", "XSHADOWREQUEST", "XPROXY", "XPROXYFROM", "XPROXYTO",
	"XSESSIONPARAMS", "VRFY", "EXPN", "HELP", "XOORG",
}

func hasAnyPrefix(b []byte, list []string) bool {
	for _, p := range list {
		if bytes.HasPrefix(b, []byte(p)) {
			return true
		}
	}
	return false
}

// inferEvent guesses a row's event from its data and context; 0 and why
// not when it cannot.
func (r *Reader) inferEvent(data, ctx, remote []byte) (byte, string) {
	lt := r.DefaultLogType
	if r.hdr != nil {
		lt = r.hdr.LogType
	}
	switch {
	case hasAnyPrefix(ctx, infoTexts) || len(ctx) == 0 && hasAnyPrefix(data, infoTexts):
		return '*', ""
	case len(data) == 0 && (string(ctx) == "Local" || string(ctx) == "Remote"):
		return '-', ""
	case len(data) == 0 && len(ctx) == 0:
		if len(remote) > 0 {
			return '+', ""
		}
		return 0, "empty data and context, and no remote endpoint"
	}
	reply := len(data) >= 3 && isDigit(data[0]) && isDigit(data[1]) && isDigit(data[2]) &&
		(len(data) == 3 || data[3] == ' ' || data[3] == '-')
	command := false
	if !reply {
		w := data
		if i := bytes.IndexAny(w, " :"); i >= 0 {
			w = w[:i]
		}
		for _, v := range smtpVerbs {
			if strings.EqualFold(string(w), v) {
				command = true
				break
			}
		}
	}
	if !reply && !command {
		return 0, "data " + strconv.Quote(clip(data, 40)) + " is not an SMTP reply or command, and context " +
			strconv.Quote(clip(ctx, 40)) + " is not that of an information row"
	}
	// Replies are received in a Send log and sent in a Receive log.
	switch lt {
	case LogSend:
		if reply {
			return '<', ""
		}
		return '>', ""
	case LogReceive:
		if reply {
			return '>', ""
		}
		return '<', ""
	}
	what := "an SMTP command"
	if reply {
		what = "an SMTP reply"
	}
	return 0, "data is " + what + ", but without a log type (#Log-type or a SEND/RECV file name) its direction is unknown"
}
