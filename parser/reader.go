package parser

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"strconv"
	"time"
)

// Column indexes of the standard nine fields.
const (
	colDateTime = iota
	colConnector
	colSession
	colSeq
	colLocal
	colRemote
	colEvent
	colData
	colContext
	numCols
)

// StandardFields are the columns every Exchange version writes, in order.
// A stream without a #Fields header is read with these.
var StandardFields = []string{
	"date-time", "connector-id", "session-id", "sequence-number",
	"local-endpoint", "remote-endpoint", "event", "data", "context",
}

// Defaults for the Reader's limits.
const (
	DefaultMaxLineBytes = 1 << 20 // a row longer than this is reported and skipped
	DefaultMaxJoinLines = 16      // physical lines one quoted field may span
)

// Stats counts what a Reader has consumed. Rows = Records + Bad + Skipped.
type Stats struct {
	// Bytes consumed, line endings included. For a UTF-16 input it counts
	// the input's bytes read so far (up to 128 KiB ahead of the last row).
	Bytes   int64
	Lines   int // physical lines
	Rows    int // data rows (not header, not blank); a row spanning lines counts once, rows sharing a line count each
	Records int // rows returned as records
	Bad     int // rows returned as *ParseError
	Skipped int // rows of other Exchange logs, skipped
	Headers int // header blocks seen
	// Repaired counts the records that were read only after a repair
	// (Record.Repairs != 0); they are included in Records.
	Repaired int
}

// Reader reads protocol-log records from a stream.
//
// Set the exported fields before the first call to Read.
type Reader struct {
	// DefaultLogType applies while the stream has no #Log-type header
	// (callers usually derive it from a SEND/RECV file name).
	DefaultLogType LogType
	// MaxLineBytes bounds one row; longer rows are reported and skipped
	// without being held in memory. 0 means DefaultMaxLineBytes.
	MaxLineBytes int
	// MaxJoinLines bounds how many physical lines a quoted field may span
	// before the row is reported as ErrQuote. 0 means DefaultMaxJoinLines.
	MaxJoinLines int
	// Strict turns off the repairs of damaged copies (repair.go): every
	// row is read exactly as written, and rows that do not read are
	// reported. Encoding detection stays on.
	Strict bool

	name    string
	br      *lineReader
	dec     *decoder
	stats   Stats
	line    int   // physical lines consumed
	base    int64 // the offset resumed from (Resume)
	partial bool  // the last line read had no line ending
	eof     bool

	hdr      *Header // header in force
	inHeader bool    // the previous non-blank line was a header line
	cols     [numCols]int
	ncols    int
	skip     bool // rows are of another log type
	std      bool // the columns are the standard nine in order: repairs apply

	fields  [][]byte
	ends    [maxCommas]int32 // where the commas of a row are (indexCommas)
	pre     int              // indexCommas of the line nextLine returned, found with it, or noCommas
	scratch []byte           // unescaped quoted fields; cap >= len(row) so it never moves
	long    []byte           // a line longer than the bufio buffer
	join    []byte           // a row whose quoted field spans lines
	back    []byte           // one pushed-back line
	backNo  int
	hasBack bool

	rec Record

	repairState

	// last parsed timestamp, to skip time.Date for rows in the same second
	lastSec  [19]byte
	lastTime time.Time
	lastNano int64 // lastTime.UnixNano()
	lastOK   bool
	// and the last timestamp whole (valid while lastOK)
	lastStamp [3]uint64
	stampTime time.Time
	stampNano int64
}

// NewReader returns a Reader for r. name (a file path, or "-" for standard
// input) is used only in errors and records.
func NewReader(r io.Reader, name string) *Reader {
	dec := newDecoder(r)
	rd := &Reader{name: name, dec: dec, br: newLineReader(dec, bufSizeFor(r))}
	rd.setColumns(nil)
	return rd
}

// Reset makes r read src as if it were a new Reader for it, named name,
// keeping only the room r has grown (its buffers): a caller reading many
// small inputs one after another need not allocate a Reader for each. The
// fields set by the caller (DefaultLogType ...) are kept.
func (r *Reader) Reset(src io.Reader, name string) {
	dec, br := r.dec, r.br
	*dec = decoder{src: src, in: dec.in[:0], out: dec.out[:0]}
	br.reset(dec, bufSizeFor(src))
	*r = Reader{
		DefaultLogType: r.DefaultLogType, MaxLineBytes: r.MaxLineBytes,
		MaxJoinLines: r.MaxJoinLines, Strict: r.Strict,
		name: name, br: br, dec: dec,
		fields: r.fields[:0], scratch: r.scratch[:0], long: r.long[:0],
		join: r.join[:0], back: r.back[:0],
	}
	r.setColumns(nil)
}

// Name returns the source name given to NewReader.
func (r *Reader) Name() string { return r.name }

// Stats returns the counts so far.
func (r *Reader) Stats() Stats {
	st := r.stats
	if r.dec.mode == modeUTF16 {
		st.Bytes = r.dec.n
	}
	return st
}

// Encoding returns the encoding detected at the start of the input (UTF-8
// until the first Read).
func (r *Reader) Encoding() Encoding { return r.dec.enc }

// Header returns the header block in force, or nil before any was seen.
func (r *Reader) Header() *Header { return r.hdr }

// Read returns the next record. A line that cannot be read is returned as
// a *ParseError and the next call goes on after it. At the end of the input
// Read returns io.EOF; any other error comes from the underlying reader.
//
// The returned Record and its byte slices are reused by the next call.
func (r *Reader) Read() (*Record, error) {
	for {
		var (
			line []byte
			no   int
			fix  Repair
			pre  = noCommas // the line's commas, when found with it
		)
		if r.hasPend {
			// The next of several rows (or header lines) collapsed onto one line.
			line, no, fix = r.nextPending()
			if len(line) == 0 {
				continue
			}
		} else {
			var err error
			line, no, err = r.nextLine()
			if err != nil {
				if errors.Is(err, ErrLineTooLong) {
					r.stats.Rows++
					r.stats.Bad++
					r.inHeader = false
					return nil, &ParseError{File: r.name, Line: no, Err: ErrLineTooLong,
						Detail: "longer than " + strconv.Itoa(r.maxLine()) + " bytes; skipped", Raw: clip(r.long, maxRawInError)}
				}
				return nil, err
			}
			start := line
			line = trimLine(line)
			if len(line) == 0 {
				continue
			}
			if &line[0] == &start[0] { // only the ending trimmed: no comma or quote
				pre = r.pre
			}
			// Off the fast path: lines that cannot be rows as written, lines
			// that may end in an HTML line break, and every line once the
			// stream has shown markdown or HTML damage.
			if !isDigit(line[0]) || line[len(line)-1] == '>' || r.slow {
				pre = noCommas
				if r.repairing() {
					line, fix = r.cleanLine(line, cleanGate)
					r.setModes(fix)
					if len(line) == 0 {
						continue
					}
					if line[0] == '#' {
						if b := r.findHeaderCut(line); b > 0 {
							line = r.collapse(line, b, no, &fix)
						}
					}
				}
			}
		}
		if key, val, ok := headerLine(line); ok {
			if perr := r.header(key, val, no); perr != nil {
				return nil, perr
			}
			continue
		}
		r.inHeader = false
		r.stats.Rows++
		if r.skip {
			r.stats.Skipped++
			continue
		}
		// The fast path: the standard columns, no quote, nine fields that
		// read as they are. Anything else goes the general way below,
		// which reports or repairs it.
		n := pre
		if n == noCommas {
			n = indexCommas(line, &r.ends)
		}
		if r.std && fix&fixBrEnd == 0 {
			if n == numCols-1 && r.fillStd(line, no) || n == commasQuoted && r.fillQuoted(line, no) {
				return r.record(fix), nil
			}
		}
		raw := line
		if open := r.splitAt(line, n); open || fix&fixBrEnd != 0 {
			var perr *ParseError
			raw, fix, perr = r.openRow(line, no, fix, open)
			if perr != nil {
				r.stats.Bad++
				return nil, perr
			}
		}
		if perr := r.fill(raw, no); perr != nil {
			if r.repairing() {
				perr = r.repair(raw, no, fix, perr)
			}
			if perr != nil {
				r.stats.Bad++
				return nil, perr
			}
			return &r.rec, nil
		}
		return r.record(fix), nil
	}
}

// record counts the record just filled and returns it.
func (r *Reader) record(fix Repair) *Record {
	r.rec.Repairs = fix & repairMask
	if r.rec.Repairs != 0 {
		r.stats.Repaired++
	}
	r.stats.Records++
	return &r.rec
}

func (r *Reader) maxLine() int {
	if r.MaxLineBytes > 0 {
		return r.MaxLineBytes
	}
	return DefaultMaxLineBytes
}

// nextLine returns the next physical line with its line ending, and its
// 1-based number. The slice is valid until the next call. A line longer than
// MaxLineBytes is consumed and reported as ErrLineTooLong (r.long keeps its
// start).
func (r *Reader) nextLine() ([]byte, int, error) {
	r.pre = noCommas
	if r.hasBack {
		r.hasBack = false
		return r.back, r.backNo, nil
	}
	if r.eof {
		return nil, 0, io.EOF
	}
	line, n, err := r.br.readRow(&r.ends)
	r.pre = n
	if err == nil {
		r.line++
		r.stats.Lines++
		r.stats.Bytes += int64(len(line))
		return line, r.line, nil
	}
	if errors.Is(err, bufio.ErrBufferFull) {
		return r.longLine(line)
	}
	if err == io.EOF {
		r.eof = true
		if len(line) == 0 {
			return nil, 0, io.EOF
		}
		r.partial = true
		r.line++
		r.stats.Lines++
		r.stats.Bytes += int64(len(line))
		return line, r.line, nil
	}
	return nil, 0, err
}

// longLine collects a line that does not fit in the bufio buffer, up to the
// limit; past it the rest of the line is read and dropped.
func (r *Reader) longLine(first []byte) ([]byte, int, error) {
	limit := r.maxLine()
	r.long = append(r.long[:0], first...)
	n := int64(len(first))
	tooLong := len(r.long) > limit
	for {
		chunk, err := r.br.readSlice()
		n += int64(len(chunk))
		if !tooLong {
			if len(r.long)+len(chunk) > limit {
				tooLong = true
			} else {
				r.long = append(r.long, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		r.line++
		r.stats.Lines++
		r.stats.Bytes += n
		if err == io.EOF {
			r.eof = true
			r.partial = true // ReadSlice found no line ending
		} else if err != nil {
			return nil, 0, err
		}
		if tooLong {
			return nil, r.line, ErrLineTooLong
		}
		return r.long, r.line, nil
	}
}

// pushBack makes line the next one nextLine returns.
func (r *Reader) pushBack(line []byte, no int) {
	r.back = append(r.back[:0], line...)
	r.backNo = no
	r.hasBack = true
}

const bom = "\xef\xbb\xbf"

// trimLine removes the line ending, a byte order mark (at the start of a
// stream or of a concatenated file) and surrounding blanks.
func trimLine(b []byte) []byte {
	for len(b) > 0 {
		c := b[len(b)-1]
		if c != '\n' && c != '\r' && c != ' ' && c != '\t' {
			break
		}
		b = b[:len(b)-1]
	}
	for {
		if len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
			b = b[1:]
			continue
		}
		if len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
			b = b[3:]
			continue
		}
		return b
	}
}

// split cuts a row into r.fields. It reports whether the row ended inside a
// quoted field. Fields are unquoted; a quoted field's bytes are copied to
// r.scratch, others alias line.
func (r *Reader) split(line []byte) (open bool) {
	return r.splitAt(line, indexCommas(line, &r.ends))
}

// splitAt is split for a line whose commas indexCommas has found already
// (n is what it returned).
func (r *Reader) splitAt(line []byte, n int) (open bool) {
	var i int
	switch n {
	case commasQuoted:
		// The fields before the one with the first quote are plain: take
		// them at the commas found in one pass, and go on from there.
		q := bytes.IndexByte(line, '"')
		r.fields, i = r.fieldsAt(line, indexCommas(line[:q], &r.ends))
	case commasMany:
		r.fields = splitPlain(r.fields[:0], line)
		return false
	default:
		// Most rows quote nothing: the last field is the rest of the line.
		r.fields, i = r.fieldsAt(line, n)
		r.fields = append(r.fields, line[i:])
		return false
	}
	if cap(r.scratch) < len(line) {
		r.scratch = make([]byte, 0, len(line)+len(line)/2)
	}
	// Unescaping only shrinks a field, so appends to s never reallocate and
	// the fields that alias it stay valid.
	s := r.scratch[:0]
	for {
		if i < len(line) && line[i] == '"' {
			start := len(s)
			j := i + 1
			for {
				k := bytes.IndexByte(line[j:], '"')
				if k < 0 {
					s = append(s, line[j:]...)
					r.fields = append(r.fields, s[start:])
					return true
				}
				s = append(s, line[j:j+k]...)
				j += k + 1
				if j < len(line) && line[j] == '"' { // "" is one quote
					s = append(s, '"')
					j++
					continue
				}
				break
			}
			// Bytes between the closing quote and the comma are kept, as
			// encoding/csv does with LazyQuotes.
			k := bytes.IndexByte(line[j:], ',')
			if k < 0 {
				s = append(s, line[j:]...)
				r.fields = append(r.fields, s[start:])
				return false
			}
			s = append(s, line[j:j+k]...)
			r.fields = append(r.fields, s[start:])
			i = j + k + 1
			continue
		}
		k := indexComma(line, i)
		if k < 0 {
			r.fields = append(r.fields, line[i:])
			return false
		}
		r.fields = append(r.fields, line[i:k])
		i = k + 1
	}
}

// fieldsAt returns the fields of line that end at the first n commas in
// r.ends (none when n is not a count), and where the next field begins.
func (r *Reader) fieldsAt(line []byte, n int) ([][]byte, int) {
	f, start := r.fields[:0], 0
	for _, e := range r.ends[:max(n, 0)] {
		f = append(f, line[start:e])
		start = int(e) + 1
	}
	return f, start
}

// splitPlain appends the fields of a row without quotes to fields: it
// looks at eight bytes at a time and takes every comma among them, where
// indexComma starts over for each field.
func splitPlain(fields [][]byte, line []byte) [][]byte {
	const (
		low7   = 0x7f7f7f7f7f7f7f7f
		commas = 0x2c2c2c2c2c2c2c2c
	)
	start, i := 0, 0
	for ; i+8 <= len(line); i += 8 {
		y := binary.LittleEndian.Uint64(line[i:]) ^ commas
		// The high bit of each byte of m is set exactly where y has a zero
		// byte (no borrow crosses bytes).
		m := ^((y&low7 + low7) | y | low7)
		for m != 0 {
			k := i + bits.TrailingZeros64(m)>>3
			fields = append(fields, line[start:k])
			start = k + 1
			m &= m - 1
		}
	}
	for ; i < len(line); i++ {
		if line[i] == ',' {
			fields = append(fields, line[start:i])
			start = i + 1
		}
	}
	return append(fields, line[start:])
}

// indexComma returns the index of the first ',' in b at or after i, or -1.
// Fields are short (a dozen bytes on average), where a call to
// bytes.IndexByte costs more than the search; this tests eight bytes at a
// time instead. In (y-lo) &^ y & hi the lowest set bit marks the first zero
// byte of y exactly (higher bits may be borrow artefacts, and are not used).
func indexComma(b []byte, i int) int {
	const (
		lo     = 0x0101010101010101
		hi     = 0x8080808080808080
		commas = 0x2c2c2c2c2c2c2c2c
	)
	for ; i+8 <= len(b); i += 8 {
		y := binary.LittleEndian.Uint64(b[i:]) ^ commas
		if m := (y - lo) &^ y & hi; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if b[i] == ',' {
			return i
		}
	}
	return -1
}

// joinLines continues a row whose quoted field is still open at the end of
// line (open), appending following physical lines until the quote closes.
// It stops at a line that starts a new row or header, at the end of the
// input, or after MaxJoinLines lines; the row is then reported as ErrQuote.
//
// Outside Strict mode each following line is cleaned (a markdown quote
// mark before it is not part of the field), and after a line that ended
// in an HTML line break (fix has fixBrEnd) the next one is appended
// without a line break, also when no quote is open but the row is short;
// such a row is returned as it stands when it cannot go on.
func (r *Reader) joinLines(line []byte, no int, fix Repair, open bool) ([]byte, Repair, *ParseError) {
	r.join = append(r.join[:0], line...)
	maxJoin := r.MaxJoinLines
	if maxJoin <= 0 {
		maxJoin = DefaultMaxJoinLines
	}
	stop := func(detail string) ([]byte, Repair, *ParseError) {
		if !open { // a short row after <br>: fill reports it
			return r.join, fix &^ fixBrEnd, nil
		}
		return nil, fix &^ fixBrEnd, r.quoteError(no, detail)
	}
	for n := 1; ; n++ {
		if n >= maxJoin {
			return stop("still open after " + strconv.Itoa(n) + " lines")
		}
		next, nextNo, err := r.nextLine()
		if err != nil {
			if errors.Is(err, ErrLineTooLong) {
				return stop("the next line is too long")
			}
			if err == io.EOF {
				return stop("the input ends inside it")
			}
			return nil, fix, &ParseError{File: r.name, Line: no, Err: err}
		}
		t := trimLine(next)
		cont := trimRight(next)
		f := Repair(0)
		if r.repairing() {
			if len(t) > 0 {
				var c []byte
				if c, f = r.cleanLine(t, cleanCont); f != 0 {
					t, cont = c, c
				}
			}
		}
		if startsRow(t) || !open && len(t) == 0 {
			r.pushBack(next, nextNo)
			return stop("line " + strconv.Itoa(nextNo) + " starts a new row")
		}
		if len(r.join)+1+len(cont) > r.maxLine() {
			return stop("the row grows past " + strconv.Itoa(r.maxLine()) + " bytes")
		}
		if fix&fixBrEnd != 0 { // the line before ended in <br>: no line break here
			fix |= RepairHTML
		} else {
			r.join = append(r.join, '\n')
		}
		r.setModes(f)
		fix = fix&^fixBrEnd | f
		r.join = append(r.join, cont...)
		// A line without a quote cannot close the open one: split again
		// only when the line holds one, or when a short row goes on after
		// <br>. (Each split is bounded by MaxLineBytes, and there are at
		// most MaxJoinLines of them per row.)
		if !open || bytes.IndexByte(cont, '"') >= 0 {
			r.work += int64(len(r.join))
			open = r.split(r.join)
		}
		if !open && (fix&fixBrEnd == 0 || len(r.fields) >= r.ncols) {
			return r.join, fix &^ fixBrEnd, nil
		}
	}
}

func (r *Reader) quoteError(no int, detail string) *ParseError {
	return &ParseError{File: r.name, Line: no, Err: ErrQuote, Detail: detail, Raw: clip(r.join, maxRawInError)}
}

func trimRight(b []byte) []byte {
	for len(b) > 0 {
		c := b[len(b)-1]
		if c != '\n' && c != '\r' {
			break
		}
		b = b[:len(b)-1]
	}
	return b
}

// startsRow reports whether a trimmed line looks like the start of a row
// ("2024-") or a header line.
func startsRow(b []byte) bool {
	if len(b) > 0 && b[0] == '#' {
		return true
	}
	return len(b) >= 5 && isDigit(b[0]) && isDigit(b[1]) && isDigit(b[2]) && isDigit(b[3]) && b[4] == '-'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// fill maps r.fields onto r.rec.
func (r *Reader) fill(raw []byte, no int) *ParseError {
	f := r.fields
	if len(f) != r.ncols {
		// Extra empty fields (a spreadsheet's trailing commas) are harmless.
		extraEmpty := len(f) > r.ncols
		for _, x := range f[min(len(f), r.ncols):] {
			if len(x) != 0 {
				extraEmpty = false
				break
			}
		}
		if !extraEmpty {
			return &ParseError{File: r.name, Line: no, Err: ErrFieldCount,
				Detail: "got " + strconv.Itoa(len(f)) + ", want " + strconv.Itoa(r.ncols), Raw: clip(raw, maxRawInError)}
		}
	}
	rec := r.begin(raw, no)

	ts := r.col(colDateTime)
	t, nanos, ok := r.parseTime(ts)
	if !ok {
		return &ParseError{File: r.name, Line: no, Column: r.cols[colDateTime] + 1, Err: ErrBadTime,
			Detail: strconv.Quote(clip(ts, 64)), Raw: clip(raw, maxRawInError)}
	}
	rec.Time, rec.Nanos = t, nanos

	ev := r.col(colEvent)
	if len(ev) != 1 || !isEvent(ev[0]) {
		return &ParseError{File: r.name, Line: no, Column: r.cols[colEvent] + 1, Err: ErrBadEvent,
			Detail: strconv.Quote(clip(ev, 64)), Raw: clip(raw, maxRawInError)}
	}
	rec.Event = Event(ev[0])

	rec.SessionID = r.col(colSession)
	if !isSessionID(rec.SessionID) {
		return &ParseError{File: r.name, Line: no, Column: r.cols[colSession] + 1, Err: ErrBadSession,
			Detail: strconv.Quote(clip(rec.SessionID, 64)), Raw: clip(raw, maxRawInError)}
	}
	rec.Connector = r.col(colConnector)
	rec.Seq = atoi(r.col(colSeq))
	rec.Local = r.col(colLocal)
	rec.Remote = r.col(colRemote)
	rec.Data = r.col(colData)
	rec.Context = r.col(colContext)
	return nil
}

// fillStd is fill for a row of the standard columns whose commas
// indexCommas found in r.ends (eight of them). It reports false, and
// leaves the row to fill and its errors, when a field does not read.
func (r *Reader) fillStd(line []byte, no int) bool {
	e := &r.ends
	t, nanos, ok := r.parseTime(line[:e[colDateTime]])
	if !ok {
		return false
	}
	ev := line[e[colRemote]+1 : e[colEvent]]
	if len(ev) != 1 || !isEvent(ev[0]) {
		return false
	}
	sid := line[e[colConnector]+1 : e[colSession]]
	if !isSessionID(sid) {
		return false
	}
	rec := r.begin(line, no)
	rec.Time, rec.Nanos = t, nanos
	rec.Event = Event(ev[0])
	rec.SessionID = sid
	rec.Connector = line[e[colDateTime]+1 : e[colConnector]]
	rec.Seq = atoi(line[e[colSession]+1 : e[colSeq]])
	rec.Local = line[e[colSeq]+1 : e[colLocal]]
	rec.Remote = line[e[colLocal]+1 : e[colRemote]]
	rec.Data = line[e[colEvent]+1 : e[colData]]
	rec.Context = line[e[colData]+1:]
	return true
}

// fillQuoted is fillStd for a row whose data or context field is quoted
// the way Exchange quotes a field with a comma in it (an issuer name, a TLS
// line, a reply with a list): the whole field in quotes, no doubled quote
// in it, no other quote in the row. The field then reads as the bytes
// between its quotes, in place. It reports false for any other row, which
// goes the general way.
func (r *Reader) fillQuoted(line []byte, no int) bool {
	q := bytes.IndexByte(line, '"')
	if q < 0 {
		return false
	}
	k := indexCommas(line[:q], &r.ends)
	if k != colData && k != colContext {
		return false
	}
	e := &r.ends
	if q != int(e[k-1])+1 { // the quote opens the field
		return false
	}
	c := bytes.IndexByte(line[q+1:], '"')
	if c < 0 {
		return false
	}
	c += q + 1 // the closing quote (a doubled quote fails the tests below)
	if k == colContext {
		if c != len(line)-1 || !r.fillStd(line, no) {
			return false
		}
		r.rec.Context = line[q+1 : c]
		return true
	}
	// The data field: a comma right after its closing quote, and a context
	// with neither comma nor quote.
	if c+1 >= len(line) || line[c+1] != ',' {
		return false
	}
	rest := line[c+2:]
	if bytes.IndexByte(rest, ',') >= 0 || bytes.IndexByte(rest, '"') >= 0 {
		return false
	}
	e[colData] = int32(c + 1)
	if !r.fillStd(line, no) {
		return false
	}
	r.rec.Data = line[q+1 : c]
	return true
}

// begin starts filling r.rec with what does not come from the row's
// fields.
func (r *Reader) begin(raw []byte, no int) *Record {
	rec := &r.rec
	// File and Header are written only when they change: each store of a
	// pointer is a write barrier while the collector marks.
	if rec.File != r.name {
		rec.File = r.name
	}
	rec.Line = no
	rec.Raw = raw
	if rec.Header != r.hdr {
		rec.Header = r.hdr
	}
	rec.LogType = r.DefaultLogType
	if r.hdr != nil {
		rec.LogType = r.hdr.LogType
	}
	return rec
}

func (r *Reader) col(c int) []byte {
	i := r.cols[c]
	if i < 0 || i >= len(r.fields) {
		return nil
	}
	return r.fields[i]
}

// isSessionID accepts Exchange's session ids: hex digits (16 of them as
// Exchange writes them; anonymised copies vary). Placeholders such as
// "SessionID" or "xxxxxxxx" cannot group rows and are rejected.
func isSessionID(b []byte) bool {
	if len(b) == 16 { // as Exchange writes them: eight bytes at a time
		return hex8(binary.LittleEndian.Uint64(b)) && hex8(binary.LittleEndian.Uint64(b[8:]))
	}
	if len(b) == 0 || len(b) > 32 {
		return false
	}
	for _, c := range b {
		if hexDigit[c] == 0 {
			return false
		}
	}
	return true
}

// hex8 reports whether the eight bytes of w are all hexadecimal digits.
// Each byte is below 0x80, so adding to it never carries into the next:
// the top bit of each byte of a sum tells whether it reached a bound.
func hex8(w uint64) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	if w&high != 0 {
		return false
	}
	digit := (w + 0x50*ones) &^ (w + 0x46*ones)  // >= '0' and not >= ':'
	y := w | 0x20*ones                           // 'A'-'F' as 'a'-'f'
	letter := (y + 0x1f*ones) &^ (y + 0x19*ones) // >= 'a' and not >= 'g'
	return (digit|letter)&high == high
}

// hexDigit is 1 for the bytes of hexadecimal digits, 0 for others.
var hexDigit = func() (t [256]uint8) {
	for _, c := range "0123456789ABCDEFabcdef" {
		t[c] = 1
	}
	return t
}()

func isEvent(c byte) bool {
	return c == '+' || c == '-' || c == '>' || c == '<' || c == '*'
}

// atoi parses a non-negative decimal, or returns -1.
func atoi(b []byte) int {
	if len(b) == 0 || len(b) > 9 {
		return -1
	}
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// parseTime reads Exchange's yyyy-MM-ddTHH:mm:ss.fffZ without allocating:
// rows come in bursts of the same millisecond, which is compared as three
// words, and the previous row's date is reused when the second is the
// same. Other RFC 3339 forms go through time.Parse.
func (r *Reader) parseTime(b []byte) (time.Time, int64, bool) {
	if len(b) == 24 {
		w0, w1, w2 := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:]), binary.LittleEndian.Uint64(b[16:])
		if r.lastOK && w0 == r.lastStamp[0] && w1 == r.lastStamp[1] && w2 == r.lastStamp[2] {
			return r.stampTime, r.stampNano, true
		}
		if b[19] == '.' && b[23] == 'Z' && isDigit(b[20]) && isDigit(b[21]) && isDigit(b[22]) {
			ms := time.Duration(int(b[20]-'0')*100+int(b[21]-'0')*10+int(b[22]-'0')) * time.Millisecond
			if !r.lastOK || !bytes.Equal(b[:19], r.lastSec[:]) {
				sec, ok := parseSecond(b[:19])
				if !ok {
					return time.Time{}, 0, false
				}
				copy(r.lastSec[:], b[:19])
				r.lastTime, r.lastNano, r.lastOK = sec, sec.UnixNano(), true
			}
			r.lastStamp = [3]uint64{w0, w1, w2}
			r.stampTime, r.stampNano = r.lastTime.Add(ms), r.lastNano+int64(ms)
			return r.stampTime, r.stampNano, true
		}
	}
	if len(b) < 20 || !isDigit(b[0]) {
		return time.Time{}, 0, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil || t.Year() < minYear || t.Year() > maxYear {
		return time.Time{}, 0, false
	}
	return t.UTC(), t.UnixNano(), true
}

// minYear is the earliest year a row's date may have: protocol logs are
// younger than that, and "0001-01-01T00:00:00Z" would be the zero Time.
const minYear = 1970

// maxYear is the latest: later dates do not fit in Record.Nanos.
const maxYear = 2261

// parseSecond parses yyyy-MM-ddTHH:mm:ss as UTC.
func parseSecond(b []byte) (time.Time, bool) {
	if b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	num := func(p []byte) int {
		n := 0
		for _, c := range p {
			if !isDigit(c) {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, mo, d := num(b[0:4]), num(b[5:7]), num(b[8:10])
	h, mi, s := num(b[11:13]), num(b[14:16]), num(b[17:19])
	if y < minYear || y > maxYear || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC), true
}
