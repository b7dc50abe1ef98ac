package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf16"
)

// maxPathList bounds a --files-from list.
const maxPathList = 64 << 20

// readPathList reads a list of files and folders, one per line (CRLF or
// LF) or NUL-separated with nul, as find, Get-ChildItem and dir /b write
// them. UTF-8 with or without a byte order mark and UTF-16 (what Windows
// PowerShell 5.1 sends down a pipe or writes with Out-File) are accepted.
// Blank entries are skipped and surrounding double quotes removed.
func readPathList(r io.Reader, nul bool) ([]string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxPathList+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPathList {
		return nil, fmt.Errorf("the list of paths is larger than %d MB", maxPathList>>20)
	}
	text := decodeText(b)
	sep := "\n"
	if nul {
		sep = "\x00"
	}
	var out []string
	for _, p := range strings.Split(text, sep) {
		p = strings.TrimRight(p, "\r\n")
		if nul {
			p = strings.TrimLeft(p, "\r\n")
		}
		if strings.TrimSpace(p) == "" {
			continue
		}
		if len(p) >= 2 && p[0] == '"' && p[len(p)-1] == '"' {
			p = p[1 : len(p)-1]
		}
		out = append(out, p)
	}
	return out, nil
}

// decodeText turns UTF-16 (with a byte order mark, or little-endian
// without one, recognised by its zero high bytes) and UTF-8 with a byte
// order mark into plain UTF-8 text.
func decodeText(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		return utf16String(b[2:], false)
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}):
		return utf16String(b[2:], true)
	case bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}):
		return string(b[3:])
	case looksUTF16LE(b):
		return utf16String(b, false)
	}
	return string(b)
}

func looksUTF16LE(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	n := min(len(b)/2, 256)
	zeros := 0
	for i := 0; i < n; i++ {
		if b[2*i+1] == 0 && b[2*i] != 0 {
			zeros++
		}
	}
	return zeros*10 >= n*9
}

func utf16String(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
	}
	return string(utf16.Decode(u))
}

// errPathList is returned when standard input holds a list of paths
// rather than a log.
var errPathList = errors.New("standard input is a list of files and folders, not a log: read them with --files-from - (and -0 for find -print0)")

// sniffStdin peeks at piped input: when every complete line names an
// existing file or folder, it is a list of paths (a forgotten
// --files-from), not log content. The returned reader replays what was
// peeked.
func sniffStdin(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	peek, _ := br.Peek(64 << 10)
	text := decodeText(peek)
	lines := strings.Split(text, "\n")
	if len(peek) == 64<<10 || !strings.HasSuffix(text, "\n") {
		lines = lines[:len(lines)-1] // the last line may be cut
	}
	n := 0
	for _, l := range lines {
		l = strings.Trim(strings.TrimRight(l, "\r"), `"`)
		if strings.TrimSpace(l) == "" {
			continue
		}
		if strings.ContainsRune(l, 0) {
			for _, p := range strings.Split(l, "\x00") {
				if p != "" && !exists(p) {
					return br, nil
				}
			}
			n++
			continue
		}
		if !exists(l) {
			return br, nil
		}
		n++
	}
	if n > 0 {
		return br, errPathList
	}
	return br, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
