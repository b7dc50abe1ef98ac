package parser

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// lineReader is the Reader's buffered input: bufio.Reader's ReadSlice
// for '\n', and readRow, which also finds a row's commas as it looks for
// the line ending, so that the bytes of most rows are looked at once.
type lineReader struct {
	buf  []byte
	r, w int // buf[r:w] is read and not consumed
	src  io.Reader
	err  error
}

// lineBufSize is the buffer's size: the input is read this much at a
// time. 128 KiB read 3% faster than 64 KiB end to end (fewer read calls,
// each costly in a virtual machine) and as fast as 256 KiB.
const lineBufSize = 128 << 10

// bufSizeFor is the buffer's size for reading in, the Reader's own input:
// lineBufSize, or less for a short input in memory (a transcript row, the
// tail of a file), which reports its length.
func bufSizeFor(in io.Reader) int {
	if l, ok := in.(interface{ Len() int }); ok {
		if n := l.Len(); n < lineBufSize/2 {
			return max(n+n/2+64, 512) // UTF-16 decodes to at most 1.5× its bytes
		}
	}
	return lineBufSize
}

func newLineReader(src io.Reader, size int) *lineReader {
	return &lineReader{buf: make([]byte, size), src: src}
}

// reset reads src from now on, with a buffer of at least size bytes.
func (l *lineReader) reset(src io.Reader, size int) {
	buf := l.buf
	if len(buf) < size {
		buf = make([]byte, size)
	}
	*l = lineReader{buf: buf, src: src}
}

// noCommas is readRow's count when it did not look for commas.
const noCommas = -3

// readRow returns the next line as readSlice does. When it can, it also
// stores the commas of the line (without its ending) in ends and returns
// what indexCommas would; otherwise the count is noCommas.
func (l *lineReader) readRow(ends *[maxCommas]int32) ([]byte, int, error) {
	for {
		b := l.buf[l.r:l.w]
		nl, n, ok := scanRow(b, ends)
		if !ok {
			break
		}
		if nl >= 0 {
			l.r += nl + 1
			return b[:nl+1], n, nil
		}
		if l.err != nil || len(b) == len(l.buf) {
			break // the last line, or one too long: as readSlice does
		}
		l.fill()
	}
	line, err := l.readSlice()
	return line, noCommas, err
}

// readSlice is bufio.Reader.ReadSlice('\n'): the next line with its
// ending, valid until the next read; the rest of the input and the error
// at its end; or, for a line longer than the buffer, the full buffer and
// bufio.ErrBufferFull.
func (l *lineReader) readSlice() ([]byte, error) {
	seen := 0 // bytes of buf[r:w] without a line ending
	for {
		if i := bytes.IndexByte(l.buf[l.r+seen:l.w], '\n'); i >= 0 {
			line := l.buf[l.r : l.r+seen+i+1]
			l.r += seen + i + 1
			return line, nil
		}
		if l.err != nil {
			line := l.buf[l.r:l.w]
			l.r = l.w
			err := l.err
			l.err = nil
			return line, err
		}
		if l.w-l.r == len(l.buf) {
			l.r = l.w
			return l.buf, bufio.ErrBufferFull
		}
		seen = l.w - l.r
		l.fill()
	}
}

// fill moves what is not consumed to the front and reads once more; a
// reader that returns nothing many times over is an error.
func (l *lineReader) fill() {
	if l.r > 0 {
		copy(l.buf, l.buf[l.r:l.w])
		l.w -= l.r
		l.r = 0
	}
	for range 100 {
		n, err := l.src.Read(l.buf[l.w:])
		if n < 0 || n > len(l.buf)-l.w {
			l.err = errNegativeRead
			return
		}
		l.w += n
		if err != nil {
			l.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	l.err = io.ErrNoProgress
}

var errNegativeRead = errors.New("the input returned an invalid count from Read")
