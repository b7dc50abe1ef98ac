package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dustin/go-humanize"
)

// progress shows bytes and files done of the total, the rate and the time
// left on one line of stderr, redrawn a few times a second. It is used
// only when stderr is a terminal: a log file or a scheduled task gets
// nothing.
type progress struct {
	w          io.Writer
	total      atomic.Int64 // bytes to read; 0 when unknown (standard input)
	files      int
	done       atomic.Int64
	filesDone  atomic.Int64
	start      time.Time
	stop, quit chan struct{}
	once       sync.Once
}

func newProgress(stderr io.Writer, enabled bool, total int64, files int) *progress {
	f, ok := stderr.(*os.File)
	if !enabled || !ok || !isTerminal(f) {
		return nil
	}
	p := &progress{w: stderr, files: files, start: time.Now(), stop: make(chan struct{}), quit: make(chan struct{})}
	p.total.Store(total)
	go p.loop()
	return p
}

func (p *progress) loop() {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	defer close(p.quit)
	for {
		select {
		case <-p.stop:
			fmt.Fprint(p.w, "\r\x1b[K")
			return
		case <-t.C:
			fmt.Fprint(p.w, "\r\x1b[K"+p.line())
		}
	}
}

func (p *progress) line() string {
	done, total := p.done.Load(), p.total.Load()
	el := time.Since(p.start).Seconds()
	rate := float64(done) / max(el, 0.001)
	s := fmt.Sprintf("logscan: %s", humanize.IBytes(uint64(done)))
	if total > 0 {
		s += fmt.Sprintf(" of %s (%d%%)", humanize.IBytes(uint64(total)), min(done*100/total, 100))
	}
	s += fmt.Sprintf(", %d of %d files, %s/s", p.filesDone.Load(), p.files, humanize.IBytes(uint64(rate)))
	if total > 0 && rate > 0 && done < total {
		left := time.Duration(float64(total-done)/rate) * time.Second
		s += fmt.Sprintf(", %s left", left.Round(time.Second))
	}
	return s
}

// reader counts what is read through it.
func (p *progress) reader(r io.Reader) io.Reader {
	if p == nil {
		return r
	}
	return &countingReader{r: r, n: &p.done}
}

// skip takes n bytes that will not be read (an incremental run reads only
// what is new) off the total.
func (p *progress) skip(n int64) {
	if p != nil && n > 0 {
		p.total.Add(-n)
	}
}

func (p *progress) fileDone() {
	if p != nil {
		p.filesDone.Add(1)
	}
}

// finish clears the line.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.once.Do(func() { close(p.stop); <-p.quit })
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}
