package parser

// Checkpoint is where a Reader stands after the last complete line it
// read: enough to go on reading the same stream later, from that point,
// as if it had never stopped. Incremental scans keep one per file and
// read only what was appended since.
type Checkpoint struct {
	// Offset is the number of source bytes consumed from the start of the
	// stream (byte order mark included), also across a Resume.
	Offset int64
	// Line is the number of physical lines consumed.
	Line int
	// Encoding is the encoding detected at the start of the stream.
	Encoding Encoding
	// Header is the header block in force, or nil when none was seen.
	Header *Header
	// InHeader says the last line read was a header line: the block may
	// go on after the checkpoint.
	InHeader bool
	// Partial says the last line read had no line ending (the end of the
	// input came first): what follows it continues that line.
	Partial bool
}

// Checkpoint returns the Reader's position. It is exact once Read has
// returned io.EOF on a stream that ends with a line ending (a caller that
// wants to leave an unfinished last line for later hands the Reader only
// the bytes up to the last line ending).
func (r *Reader) Checkpoint() Checkpoint {
	return Checkpoint{Offset: r.base + r.Stats().Bytes, Line: r.line, Encoding: r.dec.enc, Header: r.hdr, InHeader: r.inHeader, Partial: r.partial}
}

// Resume makes a new Reader go on from cp: its source must start at
// cp.Offset of the stream cp was taken from. Line numbers continue from
// cp.Line, the columns follow cp.Header, and the encoding is not sniffed
// again. Only UTF-8 streams can be resumed part-way; Resume reports false
// (and changes nothing) for another encoding. Call it before the first
// Read; the counts in Stats start from zero.
func (r *Reader) Resume(cp Checkpoint) bool {
	if cp.Encoding != EncodingUTF8 {
		return false
	}
	if cp.Offset > 0 {
		r.dec.mode = modePass
	}
	r.base = cp.Offset
	r.line = cp.Line
	if cp.Partial && r.line > 0 {
		r.line-- // the next line read ends the one the checkpoint stopped in
	}
	r.hdr = cp.Header
	r.inHeader = cp.InHeader && cp.Header != nil
	r.setColumns(nil)
	r.skip = false
	if h := cp.Header; h != nil {
		if h.Fields != nil {
			if missing := r.setColumns(h.Fields); missing != "" {
				r.skip = true
			}
		}
		if h.LogType == LogOther {
			r.skip = true
		}
	}
	return true
}
