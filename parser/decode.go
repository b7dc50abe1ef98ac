package parser

import (
	"io"
	"unicode/utf8"
)

// Encodings. Exchange writes UTF-8 with a byte order mark, but copies that
// went through Windows PowerShell 5.1 (Out-File, Set-Content -Encoding
// Unicode, the > operator) are UTF-16 LE with a byte order mark. A decoder
// looks at the first bytes of the stream and, for UTF-16, transcodes it to
// UTF-8 as it is read, so the line splitter only ever sees UTF-8 and line
// numbers are unchanged. Everything else passes through untouched: bytes
// that are not valid UTF-8 (legacy code pages in SMTP data) are kept as
// they are.

// Encoding is the character encoding a Reader detected.
type Encoding uint8

// The encodings a Reader reads.
const (
	EncodingUTF8    Encoding = iota // UTF-8, with or without a byte order mark (also the default for anything else)
	EncodingUTF16LE                 // UTF-16 little-endian (PowerShell's "Unicode")
	EncodingUTF16BE                 // UTF-16 big-endian ("BigEndianUnicode")
)

// String returns "UTF-8", "UTF-16LE" or "UTF-16BE".
func (e Encoding) String() string {
	switch e {
	case EncodingUTF16LE:
		return "UTF-16LE"
	case EncodingUTF16BE:
		return "UTF-16BE"
	}
	return "UTF-8"
}

const (
	modeSniff = iota // nothing read yet
	modePass         // UTF-8: bytes pass through
	modeUTF16
)

// decoder sits between the source and the Reader's bufio.Reader.
type decoder struct {
	src  io.Reader
	mode int
	enc  Encoding
	n    int64 // source bytes read

	in     []byte // source bytes not yet decoded (a UTF-16 stream), or sniffed bytes not yet passed on
	inOff  int
	out    []byte // decoded bytes not yet passed on
	outOff int
	err    error // the source's error, returned once in and out are drained
}

func newDecoder(src io.Reader) *decoder { return &decoder{src: src} }

func (d *decoder) Read(p []byte) (int, error) {
	if d.mode == modePass && d.inOff == len(d.in) {
		n, err := d.src.Read(p)
		d.n += int64(n)
		return n, err
	}
	if d.mode == modeSniff {
		d.sniff()
	}
	if d.mode == modePass {
		if d.inOff < len(d.in) {
			n := copy(p, d.in[d.inOff:])
			d.inOff += n
			return n, nil
		}
		if d.err != nil {
			return 0, d.err
		}
		return d.Read(p)
	}
	return d.readUTF16(p)
}

// sniff reads the first four bytes (fewer at the end of the input) and
// picks the mode (SniffEncoding).
func (d *decoder) sniff() {
	var head [4]byte
	n := 0
	for tries := 0; n < len(head) && d.err == nil && tries < 100; tries++ {
		m, err := d.src.Read(head[n:])
		n += m
		d.err = err
	}
	d.n += int64(n)
	d.in = append(d.in[:0], head[:n]...)
	d.enc = SniffEncoding(head[:n])
	d.mode = modePass
	if d.enc != EncodingUTF8 {
		d.mode = modeUTF16
	}
}

// SniffEncoding tells the encoding of a stream from its first bytes (the
// first four decide), as a Reader does: a UTF-16 byte order mark, or ASCII
// text with every other byte zero (UTF-16 without a mark; protocol logs
// never hold NUL bytes); UTF-8 otherwise.
func SniffEncoding(b []byte) Encoding {
	n := min(len(b), 4)
	switch {
	case n >= 2 && b[0] == 0xff && b[1] == 0xfe:
		return EncodingUTF16LE
	case n >= 2 && b[0] == 0xfe && b[1] == 0xff:
		return EncodingUTF16BE
	case n == 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		return EncodingUTF16LE
	case n == 4 && b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0:
		return EncodingUTF16BE
	}
	return EncodingUTF8
}

const decodeChunk = 16 << 10

// readUTF16 hands out decoded UTF-8, decoding one chunk of the source at a
// time. A code unit split across reads, or a surrogate pair split across
// them, waits in d.in for the rest; a lone surrogate or an odd last byte
// becomes U+FFFD.
func (d *decoder) readUTF16(p []byte) (int, error) {
	for d.outOff == len(d.out) {
		d.out, d.outOff = d.out[:0], 0
		if len(d.in)-d.inOff >= 2 { // whole code units are waiting (the sniffed ones)
			d.decode()
			if len(d.out) > 0 {
				break
			}
		}
		if d.err != nil {
			if d.inOff < len(d.in) { // an odd last byte
				d.out = utf8.AppendRune(d.out, utf8.RuneError)
				d.inOff = len(d.in)
				break
			}
			return 0, d.err
		}
		// Keep the undecoded tail and read more after it.
		rest := copy(d.in, d.in[d.inOff:])
		d.in, d.inOff = d.in[:rest], 0
		if cap(d.in) < rest+decodeChunk {
			d.in = append(make([]byte, 0, rest+decodeChunk), d.in...)
		}
		m, err := d.src.Read(d.in[rest : rest+decodeChunk])
		d.n += int64(m)
		d.in = d.in[:rest+m]
		d.err = err
		if m == 0 && err == nil {
			return 0, nil
		}
		d.decode()
	}
	n := copy(p, d.out[d.outOff:])
	d.outOff += n
	return n, nil
}

// decode turns the whole code units of d.in into UTF-8 in d.out.
func (d *decoder) decode() {
	b := d.in
	i := d.inOff
	be := d.enc == EncodingUTF16BE
	unit := func(j int) rune {
		if be {
			return rune(b[j])<<8 | rune(b[j+1])
		}
		return rune(b[j+1])<<8 | rune(b[j])
	}
	for i+1 < len(b) {
		u := unit(i)
		switch {
		case u < 0x80:
			d.out = append(d.out, byte(u))
			i += 2
		case u < 0xd800 || u > 0xdfff:
			d.out = utf8.AppendRune(d.out, u)
			i += 2
		case u < 0xdc00: // high surrogate: needs the low one
			if i+3 >= len(b) {
				if d.err == nil {
					d.inOff = i
					return // wait for the next read
				}
				d.out = utf8.AppendRune(d.out, utf8.RuneError)
				i += 2
				continue
			}
			if lo := unit(i + 2); lo >= 0xdc00 && lo <= 0xdfff {
				d.out = utf8.AppendRune(d.out, 0x10000+(u-0xd800)<<10+(lo-0xdc00))
				i += 4
			} else {
				d.out = utf8.AppendRune(d.out, utf8.RuneError)
				i += 2
			}
		default: // a low surrogate on its own
			d.out = utf8.AppendRune(d.out, utf8.RuneError)
			i += 2
		}
	}
	d.inOff = i
}
