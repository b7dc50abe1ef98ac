// Package inputs turns the paths given to logscan into the log streams to
// read, in the order sessions need.
//
// A path is a log file, a folder (searched recursively for *.LOG and
// *.LOG.gz, any case), a .gz file holding one log, a .zip archive, or "-"
// for standard input. Archives are read in place: a zip on disk through its
// os.File (archive/zip needs random access), a zip inside a zip spooled to a
// temporary file unless it is stored uncompressed, members decompressed as
// they are read. Nothing is ever extracted to disk under a member's name,
// and no archive is held in memory. Temporary files and open archives live
// until [Cleanup].
//
// Files whose names (SENDyyyyMMddHH-n.LOG, SENDyyyyMMdd-n.LOG) place them
// wholly outside [Options.Since, Options.Until] are left out unread and
// reported as [Skipped].
package inputs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/parser"
)

// Input is one stream of log lines to read.
type Input struct {
	// Name is what errors and positions show: a path as given or found,
	// "bundle.zip:EXCH01/…/SEND2024030520-1.LOG" for a zip member (one
	// "archive:" prefix per level of nesting), or "-" for standard input.
	Name string
	// Source comes from the path, including the path inside any archive:
	// server and service folders count there too. Source.Key is the folder
	// the file is in ("bundle.zip:EXCH01/…/SmtpSend" inside a zip), so
	// sessions of one folder continue from file to file.
	Source analyze.Source
	// LogType is guessed from the file name (SEND…, RECV…), LogUnknown
	// otherwise; it is the DefaultLogType for a parser.Reader.
	LogType parser.LogType
	// Size is the uncompressed size in bytes when known (plain files, zip
	// members), else the compressed size (.gz files), -1 for standard input.
	Size    int64
	ModTime time.Time // zero for standard input
	// Open returns the content, decompressed; callers read and Close it.
	// For files and archive members it can be called more than once, also
	// concurrently; for standard input only once. Members of archives can
	// be opened until [Cleanup].
	Open func() (io.ReadCloser, error)

	base string // the file name, for rollover order within Source.Key
}

// Options control Collect. The zero value reads everything.
type Options struct {
	// Since and Until bound the times of interest; zero is unbounded. Files
	// whose names place them wholly outside are skipped, with a margin of
	// one hour on each side since rows are buffered and written late.
	Since, Until time.Time
	// Stdin is read for "-"; nil means os.Stdin.
	Stdin io.Reader
	// MaxMemberSize caps the uncompressed size of one archive member, a
	// .gz file's content, and a nested zip spooled to disk, in bytes.
	// 0 means DefaultMaxMemberSize; negative means no cap.
	MaxMemberSize int64
	// MaxSpool caps the bytes one Collect call writes to temporary files
	// for zips inside zips. 0 means DefaultMaxSpool; negative means no cap.
	MaxSpool int64
	// TempDir is where nested zips are spooled; "" means os.TempDir().
	TempDir string
}

// Defaults and limits.
const (
	DefaultMaxMemberSize = 4 << 30
	DefaultMaxSpool      = 16 << 30
	// MaxDepth is how deep archives nest: a zip on disk is depth 1, a zip
	// in it depth 2, a zip in that depth 3. Deeper zips are not opened.
	MaxDepth = 3
	// margin widens a file's named hour or day on each side (FORMAT A.9).
	margin = time.Hour
)

// Skipped is a file left out unread because its name places it outside
// the time range.
type Skipped struct {
	Name   string // as Input.Name would have been
	Reason string // for people: `named for 2024-03-05 20:00 UTC (hour), before --since`
}

// Errors wrapped in the errors Collect returns (test with errors.Is).
var (
	ErrNoLogs      = errors.New("no protocol logs (*.LOG) found")
	ErrUnsafeName  = errors.New(`unsafe member name (absolute, with "..", or control characters): not read; logscan never writes archive members to disk`)
	ErrTooLarge    = errors.New("larger than the size limit")
	ErrTooDeep     = errors.New("zip nested too deep: not opened")
	ErrEncrypted   = errors.New("encrypted member: not supported, decrypt the archive first")
	ErrCompression = errors.New("unsupported compression method")
	ErrBadArchive  = errors.New("not a readable archive")
	ErrStdinOnce   = errors.New("standard input can be read only once")
)

// ArchiveError reports an archive, a member of one, or a .gz file that
// could not be read or was refused. Errors from the file system itself
// (missing paths, permissions) are *fs.PathError instead.
type ArchiveError struct {
	// Name is the archive ("bundle.zip") or the member
	// ("bundle.zip:inner.zip:EXCH01/…/SEND2024030520-1.LOG"), with
	// control characters replaced.
	Name string
	Err  error
}

func (e *ArchiveError) Error() string { return e.Name + ": " + e.Err.Error() }
func (e *ArchiveError) Unwrap() error { return e.Err }

// Collect expands paths into inputs. Files of one folder come in rollover
// order (analyze.LessFileName), folders, archives and standard input in
// the order of their Source.Key. A path given twice is read once.
//
// Paths and members that cannot be read are returned as errors and the
// rest goes on; a folder or archive with no logs is an error wrapping
// ErrNoLogs. Files given by name are read whatever their name; inside
// folders only *.LOG and *.LOG.gz are read, inside zips also *.zip (up to
// MaxDepth). Directories, symbolic links and other members of zips are
// passed over silently.
//
// Collect may spool nested zips to temporary files and keeps archives
// open: call [Cleanup] when done reading.
func Collect(paths []string, o Options) (ins []Input, skipped []Skipped, errs []error) {
	c := &collector{o: o, seen: map[string]bool{}}
	if c.o.MaxMemberSize == 0 {
		c.o.MaxMemberSize = DefaultMaxMemberSize
	}
	c.spoolLeft = o.MaxSpool
	if c.spoolLeft == 0 {
		c.spoolLeft = DefaultMaxSpool
	}
	for _, p := range paths {
		c.path(p)
	}
	sort.SliceStable(c.ins, func(i, j int) bool {
		a, b := &c.ins[i], &c.ins[j]
		if a.Source.Key != b.Source.Key {
			return a.Source.Key < b.Source.Key
		}
		return analyze.LessFileName(a.base, b.base)
	})
	return c.ins, c.skipped, c.errs
}

type collector struct {
	o         Options
	ins       []Input
	skipped   []Skipped
	errs      []error
	seen      map[string]bool
	spoolLeft int64 // negative: no cap
	stdinUsed bool
}

func (c *collector) path(p string) {
	if p == "-" {
		c.stdin()
		return
	}
	fi, err := os.Stat(p)
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	if fi.IsDir() {
		c.dir(p)
		return
	}
	switch c.sniff(p) {
	case kindZip:
		found, ok := c.zipFile(p, fi)
		if ok && found == 0 {
			c.errs = append(c.errs, &fs.PathError{Op: "search", Path: p, Err: ErrNoLogs})
		}
	case kindLogGz:
		c.gzFile(p, fi)
	default:
		c.file(p, fi)
	}
}

// dir adds the logs under folder p.
func (c *collector) dir(p string) {
	found, zips := 0, 0
	err := filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			c.errs = append(c.errs, err)
			if d != nil && d.IsDir() && q != p {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		k := kindOf(d.Name())
		if k == kindZip {
			zips++
		}
		if k != kindLog && k != kindLogGz {
			return nil
		}
		fi, err := os.Stat(q) // follows a symbolic link, as reading will
		if err != nil {
			c.errs = append(c.errs, err)
			return nil
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		found++
		if k == kindLogGz {
			c.gzFile(q, fi)
		} else {
			c.file(q, fi)
		}
		return nil
	})
	if err != nil {
		c.errs = append(c.errs, err)
	}
	if found == 0 {
		err := ErrNoLogs
		if zips > 0 {
			err = fmt.Errorf("%w (the folder holds %d .zip file(s): name them to read them)", ErrNoLogs, zips)
		}
		c.errs = append(c.errs, &fs.PathError{Op: "search", Path: p, Err: err})
	}
}

// file adds a plain file on disk.
func (c *collector) file(p string, fi fs.FileInfo) {
	if !c.first(filepath.Clean(p)) || c.outside(p, p) {
		return
	}
	c.ins = append(c.ins, Input{
		Name:    p,
		Source:  analyze.SourceOf(p),
		LogType: parser.LogTypeFromName(trimGz(p)),
		Size:    fi.Size(),
		ModTime: fi.ModTime(),
		Open:    func() (io.ReadCloser, error) { return os.Open(p) },
		base:    filepath.Base(p),
	})
}

// gzFile adds a .gz file on disk holding one log.
func (c *collector) gzFile(p string, fi fs.FileInfo) {
	if !c.first(filepath.Clean(p)) || c.outside(p, p) {
		return
	}
	limit := c.o.MaxMemberSize
	c.ins = append(c.ins, Input{
		Name:    p,
		Source:  analyze.SourceOf(p),
		LogType: parser.LogTypeFromName(trimGz(p)),
		Size:    fi.Size(),
		ModTime: fi.ModTime(),
		Open: func() (io.ReadCloser, error) {
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			return gunzip(f, p, limit)
		},
		base: filepath.Base(p),
	})
}

// stdin adds standard input, once.
func (c *collector) stdin() {
	if c.stdinUsed {
		return
	}
	c.stdinUsed = true
	r := c.o.Stdin
	if r == nil {
		r = os.Stdin
	}
	var mu sync.Mutex
	opened := false
	limit := c.o.MaxMemberSize
	c.ins = append(c.ins, Input{
		Name:   "-",
		Source: analyze.SourceOf("-"),
		Size:   -1,
		Open: func() (io.ReadCloser, error) {
			mu.Lock()
			defer mu.Unlock()
			if opened {
				return nil, ErrStdinOnce
			}
			opened = true
			return maybeGunzip(r, limit)
		},
		base: "-",
	})
}

// first reports whether key is seen for the first time.
func (c *collector) first(key string) bool {
	if c.seen[key] {
		return false
	}
	c.seen[key] = true
	return true
}

// outside reports, and records as skipped, a file whose name places it
// wholly outside the time range. file is the path or member name, name
// what Input.Name would be.
func (c *collector) outside(file, name string) bool {
	if c.o.Since.IsZero() && c.o.Until.IsZero() {
		return false
	}
	start, end, ok := nameSpan(file)
	if !ok {
		return false
	}
	what := "named for " + start.Format("2006-01-02 15:04") + " UTC (hour)"
	if end.Sub(start) > time.Hour {
		what = "named for " + start.Format("2006-01-02") + " UTC (day)"
	}
	switch {
	case !c.o.Since.IsZero() && !end.Add(margin).After(c.o.Since):
		c.skipped = append(c.skipped, Skipped{Name: name, Reason: what + ", before --since"})
	case !c.o.Until.IsZero() && start.Add(-margin).After(c.o.Until):
		c.skipped = append(c.skipped, Skipped{Name: name, Reason: what + ", after --until"})
	default:
		return false
	}
	return true
}

// nameSpan is the time a log file name stands for: an hour for
// SENDyyyyMMddHH-n.LOG, a day for SENDyyyyMMdd-n.LOG, taken as UTC. A
// trailing .gz is ignored.
func nameSpan(file string) (start, end time.Time, ok bool) {
	fn, ok := analyze.ParseFileName(trimGz(file))
	if !ok {
		return time.Time{}, time.Time{}, false
	}
	if len(fn.Stamp) == 10 {
		t, err := time.Parse("2006010215", fn.Stamp)
		return t, t.Add(time.Hour), err == nil
	}
	t, err := time.Parse("20060102", fn.Stamp)
	return t, t.AddDate(0, 0, 1), err == nil
}

// trimGz strips a final .gz (any case).
func trimGz(name string) string {
	if len(name) > 3 && strings.EqualFold(name[len(name)-3:], ".gz") {
		return name[:len(name)-3]
	}
	return name
}

type kind int

const (
	kindOther kind = iota
	kindLog
	kindLogGz
	kindZip
)

// kindOf classifies a file or member by name.
func kindOf(name string) kind {
	l := strings.ToLower(name)
	switch {
	case strings.HasSuffix(l, ".log"):
		return kindLog
	case strings.HasSuffix(l, ".gz"):
		if strings.HasSuffix(l, ".log.gz") {
			return kindLogGz
		}
		return kindOther
	case strings.HasSuffix(l, ".zip"):
		return kindZip
	}
	return kindOther
}

// sniff classifies a file named on the command line: by a .zip or .gz
// extension, else by its first bytes; anything else is read as a log.
func (c *collector) sniff(p string) kind {
	l := strings.ToLower(p)
	switch {
	case strings.HasSuffix(l, ".zip"):
		return kindZip
	case strings.HasSuffix(l, ".gz"):
		return kindLogGz
	}
	f, err := os.Open(p)
	if err != nil {
		return kindLog // reading it reports the error
	}
	defer f.Close()
	var b [4]byte
	n, _ := io.ReadFull(f, b[:])
	switch {
	case n == 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 && b[3] == 4 || b[2] == 5 && b[3] == 6):
		return kindZip
	case n >= 2 && b[0] == 0x1f && b[1] == 0x8b:
		return kindLogGz
	}
	return kindLog
}
