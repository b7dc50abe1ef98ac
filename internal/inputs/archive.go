package inputs

import (
	"archive/zip"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"unicode"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/parser"
)

// held is what Collect leaves open for Input.Open: zips on disk and
// spooled temporary files. Cleanup closes them.
var held struct {
	sync.Mutex
	closers []func() error
}

func keepOpen(close func() error) {
	held.Lock()
	held.closers = append(held.closers, close)
	held.Unlock()
}

// Cleanup closes the archives Collect opened and removes its temporary
// files. Inputs from archives cannot be opened afterwards. It is safe to
// call more than once; it returns the first error.
//
// On Unix a temporary file is unlinked as soon as it is created, so even a
// killed process leaves none behind; elsewhere Cleanup removes them.
func Cleanup() error {
	held.Lock()
	cs := held.closers
	held.closers = nil
	held.Unlock()
	var first error
	for i := len(cs) - 1; i >= 0; i-- {
		if err := cs[i](); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// zipFile adds the logs in the zip p on disk. ok is false when the
// archive could not be read (an error was recorded).
func (c *collector) zipFile(p string, fi fs.FileInfo) (found int, ok bool) {
	if !c.first(filepath.Clean(p)) {
		return 1, true // a duplicate: found before
	}
	f, err := os.Open(p)
	if err != nil {
		c.errs = append(c.errs, err)
		return 0, false
	}
	// The source path of members: the zip's path without .zip, so that
	// EXCH01.zip holding TransportRoles\… names server EXCH01.
	before := len(c.ins)
	found, ok = c.zip(f, fi.Size(), p, trimZip(p), 1)
	if len(c.ins) > before {
		keepOpen(f.Close) // for Input.Open
	} else {
		f.Close()
	}
	return found, ok
}

// zip adds the logs in the archive ra, named name (as in Input.Name), at
// depth (1 for a zip on disk). srcPath stands for the archive in paths
// given to analyze.SourceOf. found counts log members, including those
// refused or skipped.
func (c *collector) zip(ra io.ReaderAt, size int64, name, srcPath string, depth int) (found int, ok bool) {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		c.errs = append(c.errs, &ArchiveError{Name: name, Err: fmt.Errorf("%w: %w", ErrBadArchive, err)})
		return 0, false
	}
	for _, f := range zr.File {
		n := strings.ReplaceAll(f.Name, `\`, "/") // Windows PowerShell's Compress-Archive writes \
		if strings.HasSuffix(n, "/") || !f.Mode().IsRegular() {
			continue // folders, symbolic links, devices
		}
		k := kindOf(n)
		if k == kindOther {
			continue
		}
		if k != kindZip {
			found++
		}
		mname := name + ":" + printable(n)
		refuse := func(err error) { c.errs = append(c.errs, &ArchiveError{Name: mname, Err: err}) }
		switch {
		case unsafeName(n):
			refuse(ErrUnsafeName)
			continue
		case f.Flags&0x1 != 0:
			refuse(ErrEncrypted)
			continue
		case f.Method != zip.Store && f.Method != zip.Deflate:
			refuse(fmt.Errorf("%w %d%s", ErrCompression, f.Method, methodHint(f.Method)))
			continue
		case c.o.MaxMemberSize >= 0 && f.UncompressedSize64 > uint64(c.o.MaxMemberSize):
			refuse(fmt.Errorf("%w: %d bytes uncompressed, limit %d", ErrTooLarge, f.UncompressedSize64, c.o.MaxMemberSize))
			continue
		}
		if k == kindZip {
			if depth >= MaxDepth {
				refuse(ErrTooDeep)
				continue
			}
			inner, _ := c.innerZip(ra, f, mname, srcPath+"/"+trimZip(n), depth+1)
			found += inner
			continue
		}
		if !c.first(mname) || c.outside(n, mname) {
			continue
		}
		c.member(f, k, name, n, srcPath+"/"+n)
	}
	return found, true
}

// member adds one log (k is kindLog or kindLogGz) of the zip name, whose
// member name is n.
func (c *collector) member(f *zip.File, k kind, name, n, srcPath string) {
	mname := name + ":" + printable(n)
	src := analyze.SourceOf(srcPath)
	src.Key = name // at the top of the archive
	if d := path.Dir(n); d != "." {
		src.Key = name + ":" + printable(d) // bundle.zip:EXCH01/…/SmtpSend
	}
	limit := c.o.MaxMemberSize
	open := func() (io.ReadCloser, error) {
		rc, err := f.Open()
		if err != nil {
			return nil, &ArchiveError{Name: mname, Err: err}
		}
		if k == kindLogGz {
			return gunzip(rc, mname, limit)
		}
		return rc, nil // archive/zip stops at the declared size and checks the CRC
	}
	base := path.Base(n)
	c.ins = append(c.ins, Input{
		Name:    mname,
		Source:  src,
		LogType: parser.LogTypeFromName(trimGz(base)),
		Size:    int64(f.UncompressedSize64),
		ModTime: f.Modified,
		Open:    open,
		base:    base,
	})
}

// innerZip adds the logs of the zip member f. A stored (uncompressed)
// member is read in place; a compressed one is spooled to a temporary file.
func (c *collector) innerZip(outer io.ReaderAt, f *zip.File, name, srcPath string, depth int) (found int, ok bool) {
	if f.Method == zip.Store {
		off, err := f.DataOffset()
		if err != nil {
			c.errs = append(c.errs, &ArchiveError{Name: name, Err: fmt.Errorf("%w: %w", ErrBadArchive, err)})
			return 0, false
		}
		return c.zip(io.NewSectionReader(outer, off, int64(f.CompressedSize64)), int64(f.CompressedSize64), name, srcPath, depth)
	}
	size := int64(f.UncompressedSize64)
	if c.spoolLeft >= 0 && size > c.spoolLeft {
		c.errs = append(c.errs, &ArchiveError{Name: name, Err: fmt.Errorf("%w: spooling this zip (%d bytes) would pass the limit of temporary space (%d bytes left)", ErrTooLarge, size, c.spoolLeft)})
		return 0, false
	}
	tmp, err := c.spool(f, name)
	if err != nil {
		c.errs = append(c.errs, err)
		return 0, false
	}
	if c.spoolLeft >= 0 {
		c.spoolLeft -= size
	}
	before := len(c.ins)
	found, ok = c.zip(tmp.f, size, name, srcPath, depth)
	if len(c.ins) > before {
		keepOpen(tmp.close) // for Input.Open
	} else {
		tmp.close()
	}
	return found, ok
}

// unlinkEarly is false in tests of the removal by Cleanup.
var unlinkEarly = true

type tempFile struct {
	f        *os.File
	unlinked bool
}

func (t *tempFile) close() error {
	err := t.f.Close()
	if !t.unlinked {
		if rerr := os.Remove(t.f.Name()); err == nil {
			err = rerr
		}
	}
	return err
}

// spool copies the zip member f to a temporary file.
func (c *collector) spool(f *zip.File, name string) (*tempFile, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, &ArchiveError{Name: name, Err: fmt.Errorf("%w: %w", ErrBadArchive, err)}
	}
	defer rc.Close()
	tf, err := os.CreateTemp(c.o.TempDir, "logscan-*.zip")
	if err != nil {
		return nil, fmt.Errorf("spool %s: %w", name, err)
	}
	// Unlink at once where the system allows it (Unix): the open file
	// stays readable and disappears with the process, however it ends.
	t := &tempFile{f: tf, unlinked: unlinkEarly && os.Remove(tf.Name()) == nil}
	if _, err := io.Copy(tf, rc); err != nil { // rc stops at the declared size, checked against the caps
		t.close()
		return nil, &ArchiveError{Name: name, Err: fmt.Errorf("spool to %s: %w", filepath.Dir(tf.Name()), err)}
	}
	return t, nil
}

// gunzip decompresses rc, a .gz stream named name, up to limit bytes
// (negative: no limit). Closing the result closes rc.
func gunzip(rc io.ReadCloser, name string, limit int64) (io.ReadCloser, error) {
	zr, err := gzip.NewReader(bufio.NewReader(rc))
	if err != nil {
		rc.Close()
		return nil, &ArchiveError{Name: name, Err: fmt.Errorf("%w: gzip: %w", ErrBadArchive, err)}
	}
	var r io.Reader = zr
	if limit >= 0 {
		r = &capReader{r: zr, left: limit, name: name}
	}
	return &readCloser{Reader: r, close: func() error {
		zr.Close()
		return rc.Close()
	}}, nil
}

// maybeGunzip returns r, decompressed if it starts like gzip.
func maybeGunzip(r io.Reader, limit int64) (io.ReadCloser, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(2); err == nil && b[0] == 0x1f && b[1] == 0x8b {
		return gunzip(io.NopCloser(br), "-", limit)
	}
	return io.NopCloser(br), nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r *readCloser) Close() error { return r.close() }

// capReader fails once more than left bytes would be read (a gzip bomb).
type capReader struct {
	r    io.Reader
	left int64
	name string
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, c.err()
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n + int(c.left), c.err()
	}
	return n, err
}

func (c *capReader) err() error {
	return &ArchiveError{Name: c.name, Err: fmt.Errorf("%w: more than the limit of bytes uncompressed; the rest is not read", ErrTooLarge)}
}

// unsafeName reports a member name (with / separators) that would leave
// the archive if it were extracted: absolute, a drive or UNC path, a ".."
// element, or control characters (which would also garble terminals).
func unsafeName(n string) bool {
	if strings.HasPrefix(n, "/") || len(n) >= 2 && n[1] == ':' {
		return true
	}
	for _, e := range strings.Split(n, "/") {
		if e == ".." {
			return true
		}
	}
	return strings.IndexFunc(n, unicode.IsControl) >= 0
}

// printable replaces control characters in a member name for messages.
func printable(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}

// trimZip strips a final .zip (any case).
func trimZip(name string) string {
	if len(name) > 4 && strings.EqualFold(name[len(name)-4:], ".zip") {
		return name[:len(name)-4]
	}
	return name
}

func methodHint(m uint16) string {
	switch m {
	case 9:
		return " (Deflate64, from Windows Explorer for large files): extract the archive and name the folder, or re-zip it"
	case 12:
		return " (bzip2): extract the archive and name the folder"
	case 14:
		return " (LZMA): extract the archive and name the folder"
	case 93:
		return " (Zstandard): extract the archive and name the folder"
	}
	return ""
}
