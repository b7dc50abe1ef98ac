// Package synth generates realistic synthetic Exchange SMTP protocol logs for benchmarks and tests.
//
// The output follows the format described in FORMAT.md (sections A and B) and the
// hand-made files under testdata/samples: UTF-8 BOM, the five "#" header lines,
// CRLF line ends, nine CSV fields quoted only when a field contains a comma or a
// double quote, yyyy-MM-ddTHH:mm:ss.fffZ times, 16-digit upper-case hex session
// ids that increase per server and service, and sequence numbers that start at 0
// in every session and go up by one per row. The rows of Options.Interleave
// sessions are mixed together the way a busy transport service writes them.
//
// Send logs ("Outbound to Office 365" to Exchange Online) contain healthy
// deliveries (STARTTLS, certificate rows, EOP multi-row EHLO replies, 1–3
// messages with 1–3 recipients each) and, at Options.FailureRate, failures:
// 550 5.7.64 TenantAttribution, 451 4.4.62 ATTR35, 550 5.7.64 ATTR36, TLS
// negotiation failures, and connect failures. When Options.CertChangeAt is set,
// the presented certificate changes from CN=mail.contoso.com to
// CN=smtp.contoso.net at that point, and from then on every session that reaches
// RCPT TO is rejected with 550 5.7.64 TenantAttribution.
//
// Receive logs (Default Frontend connector) contain Exchange Online hybrid
// deliveries with client certificates, internet senders with and without TLS,
// relay attempts rejected with 550 5.7.1 Unable to relay after a tarpit, AUTH
// LOGIN failures, and port probes.
//
// Output is a pure function of the Options: the same Seed and Options give
// byte-identical output. Rows are built with append and strconv from
// precomputed text (no fmt in the inner loop); BenchmarkWrite measures about
// 1 GB/s on one core, and WriteTree writes its streams in parallel.
package synth

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options controls the generated logs. The zero value of a field selects its
// default, except where noted.
type Options struct {
	Seed         int64     // same seed + options => byte-identical output
	Start        time.Time // time of the first session (UTC); zero means 2024-03-05T20:00:00Z
	Sessions     int       // number of sessions to write (0 = unlimited, stop at Bytes)
	Bytes        int64     // approximate size limit in bytes (0 = no limit); output never exceeds it
	Interleave   int       // how many sessions are open at once (default 8)
	LogType      string    // "send" (default) or "receive"
	Connector    string    // default "Outbound to Office 365" (send) or "SERVER\Default Frontend SERVER" (receive)
	FailureRate  float64   // share of sessions that fail (5.7.64, ATTR35, ATTR36, TLS, connect), default 0.05; negative = none
	CertChangeAt float64   // 0..1: fraction of the way through at which the presented certificate changes (0 = never)
	Layout       string    // certificate layout: "multirow" (default), "oneline", "mixed" (chosen per session)
}

var (
	cacheMu sync.Mutex
	cache   = map[int64][]byte{}
)

// Corpus returns a send log of about n bytes written with fixed options
// (seed 1, mixed certificate layouts, a certificate change half-way), made
// once per process and shared: benchmarks of every stage read the same
// bytes. Callers must not modify it.
func Corpus(n int64) ([]byte, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if b, ok := cache[n]; ok {
		return b, nil
	}
	var buf strings.Builder
	buf.Grow(int(n))
	if _, _, err := Write(&buf, Options{Seed: 1, Bytes: n, Layout: "mixed", CertChangeAt: 0.5}); err != nil {
		return nil, err
	}
	b := []byte(buf.String())
	cache[n] = b
	return b, nil
}

// DefaultMaxFileBytes is the size at which WriteTree rolls over to the next
// file when maxFileBytes is 0. It is Exchange's default maximum log file size.
const DefaultMaxFileBytes = 10 << 20

var defaultStart = time.Date(2024, 3, 5, 20, 0, 0, 0, time.UTC)

// ErrNoLimit is returned when neither Options.Sessions nor Options.Bytes is set.
var ErrNoLimit = errors.New("synth: set Options.Sessions or Options.Bytes")

func (o Options) normalize() (Options, error) {
	if o.Sessions < 0 || o.Bytes < 0 {
		return o, errors.New("synth: Sessions and Bytes must not be negative")
	}
	if o.Sessions == 0 && o.Bytes == 0 {
		return o, ErrNoLimit
	}
	if o.Interleave <= 0 {
		o.Interleave = 8
	}
	switch strings.ToLower(o.LogType) {
	case "", "send":
		o.LogType = "send"
	case "receive", "recv":
		o.LogType = "receive"
	default:
		return o, fmt.Errorf("synth: unknown LogType %q (want send or receive)", o.LogType)
	}
	switch strings.ToLower(o.Layout) {
	case "", "multirow", "multi-row":
		o.Layout = "multirow"
	case "oneline", "one-line":
		o.Layout = "oneline"
	case "mixed":
		o.Layout = "mixed"
	default:
		return o, fmt.Errorf("synth: unknown Layout %q (want multirow, oneline or mixed)", o.Layout)
	}
	switch {
	case o.FailureRate == 0:
		o.FailureRate = 0.05
	case o.FailureRate < 0:
		o.FailureRate = 0
	case o.FailureRate > 1:
		o.FailureRate = 1
	}
	if o.CertChangeAt < 0 || o.CertChangeAt > 1 {
		return o, fmt.Errorf("synth: CertChangeAt %v not in 0..1", o.CertChangeAt)
	}
	if o.Start.IsZero() {
		o.Start = defaultStart
	}
	o.Start = o.Start.UTC()
	return o, nil
}

// Write writes one complete log file (header included) to w and returns bytes written and the number of sessions.
// The file is what server EXCH01 would write: the Hub transport service for send
// logs, the FrontEnd transport service for receive logs.
func Write(w io.Writer, o Options) (n int64, sessions int, err error) {
	o, err = o.normalize()
	if err != nil {
		return 0, 0, err
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	s := &writerSink{w: bw}
	g := newGen(o, 0, 0, primaryService(o), s)
	hdr := appendHeader(nil, o.LogType, g.clock)
	if _, err := bw.Write(hdr); err != nil {
		return 0, 0, err
	}
	g.n = int64(len(hdr))
	if err := g.run(); err != nil {
		return g.n, g.started, err
	}
	if err := bw.Flush(); err != nil {
		return g.n, g.started, err
	}
	return g.n, g.started, nil
}

// WriteTree writes a directory tree of rolled-over files like Exchange does: servers x services,
// hourly files SENDyyyyMMddHH-n.LOG rolled at maxFileBytes (default 10 MB), sessions continuing across
// file boundaries, and returns the list of files written.
//
// Each server EXCHnn gets two services, Hub and FrontEnd, each with its own
// folder (…/TransportRoles/Logs/{Hub,FrontEnd}/ProtocolLog/SmtpSend or
// SmtpReceive), its own session-id sequence and its own files. Options.Bytes and
// Options.Sessions are totals for the whole tree, split evenly over the
// servers x 2 streams. Streams are generated in parallel. The returned paths are
// sorted by server, service and file order.
func WriteTree(dir string, o Options, servers int, maxFileBytes int64) ([]string, error) {
	o, err := o.normalize()
	if err != nil {
		return nil, err
	}
	if servers <= 0 {
		servers = 1
	}
	if maxFileBytes <= 0 {
		maxFileBytes = DefaultMaxFileBytes
	}
	services := []string{"Hub", "FrontEnd"}
	nstreams := servers * len(services)
	type result struct {
		files []string
		err   error
	}
	results := make([]result, nstreams)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i := 0; i < nstreams; i++ {
		so := o
		so.Bytes = split(o.Bytes, nstreams, i)
		so.Sessions = int(split(int64(o.Sessions), nstreams, i))
		if (o.Sessions > 0 && so.Sessions == 0) || (o.Sessions == 0 && so.Bytes == 0) {
			continue
		}
		srv, svc := i/len(services), services[i%len(services)]
		folder := filepath.Join(dir, serverName(srv), "TransportRoles", "Logs", svc, "ProtocolLog",
			map[string]string{"send": "SmtpSend", "receive": "SmtpReceive"}[o.LogType])
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			files, err := writeStream(folder, so, srv, i, svc, maxFileBytes)
			results[i] = result{files, err}
		}(i)
	}
	wg.Wait()
	var files []string
	for _, r := range results {
		if r.err != nil {
			return files, r.err
		}
		files = append(files, r.files...)
	}
	return files, nil
}

// split returns the i-th of n near-equal parts of total.
func split(total int64, n, i int) int64 {
	p := total / int64(n)
	if int64(i) < total%int64(n) {
		p++
	}
	return p
}

func primaryService(o Options) string {
	if o.LogType == "receive" {
		return "FrontEnd"
	}
	return "Hub"
}

func writeStream(folder string, o Options, srv, stream int, svc string, max int64) ([]string, error) {
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return nil, err
	}
	t := &treeSink{dir: folder, logType: o.LogType, max: max}
	g := newGen(o, srv, stream, svc, t)
	err := g.run()
	if cerr := t.close(); err == nil {
		err = cerr
	}
	return t.files, err
}

// ---------------------------------------------------------------------------
// sinks

// A rowSink receives finished rows. row returns the number of bytes it wrote,
// which includes a file header when the row starts a new file.
type rowSink interface {
	row(ts int64, b []byte) (int, error)
}

type writerSink struct{ w *bufio.Writer }

func (s *writerSink) row(_ int64, b []byte) (int, error) { return s.w.Write(b) }

// treeSink writes hourly files named like Exchange does and rolls over to the
// next -n file when a file would grow past max bytes.
type treeSink struct {
	dir     string
	logType string
	max     int64
	f       *os.File
	w       *bufio.Writer
	size    int64
	hdr     int64
	hour    int64
	n       int
	files   []string
	hbuf    []byte
}

func (t *treeSink) row(ts int64, b []byte) (int, error) {
	extra := 0
	h := ts / 3_600_000
	if t.w == nil || h != t.hour || (t.size+int64(len(b)) > t.max && t.size > t.hdr) {
		n, err := t.rotate(ts, h)
		if err != nil {
			return 0, err
		}
		extra = n
	}
	n, err := t.w.Write(b)
	t.size += int64(n)
	return extra + n, err
}

func (t *treeSink) rotate(ts, h int64) (int, error) {
	if err := t.close(); err != nil {
		return 0, err
	}
	if h != t.hour || t.n == 0 {
		t.n = 1
	} else {
		t.n++
	}
	t.hour = h
	prefix := "SEND"
	if t.logType == "receive" {
		prefix = "RECV"
	}
	tm := time.UnixMilli(ts).UTC()
	name := prefix + tm.Format("2006010215") + "-" + strconv.Itoa(t.n) + ".LOG"
	path := filepath.Join(t.dir, name)
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	t.f = f
	if t.w == nil {
		t.w = bufio.NewWriterSize(f, 256<<10)
	} else {
		t.w.Reset(f)
	}
	t.files = append(t.files, path)
	t.hbuf = appendHeader(t.hbuf[:0], t.logType, ts)
	n, err := t.w.Write(t.hbuf)
	t.size, t.hdr = int64(n), int64(n)
	return n, err
}

func (t *treeSink) close() error {
	if t.f == nil {
		return nil
	}
	err := t.w.Flush()
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	t.f = nil
	return err
}

const fieldsLine = "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n"

func appendHeader(b []byte, logType string, ts int64) []byte {
	b = append(b, "\xef\xbb\xbf#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: SMTP "...)
	if logType == "receive" {
		b = append(b, "Receive"...)
	} else {
		b = append(b, "Send"...)
	}
	b = append(b, " Protocol Log\r\n#Date: "...)
	b = appendTime(b, ts)
	b = append(b, "\r\n"...)
	return append(b, fieldsLine...)
}

// appendTime appends ts (Unix milliseconds) as yyyy-MM-ddTHH:mm:ss.fffZ.
func appendTime(b []byte, ts int64) []byte {
	t := time.UnixMilli(ts).UTC()
	y, mo, d := t.Date()
	hh, mm, ss := t.Clock()
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, int(mo))
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, hh)
	b = append(b, ':')
	b = append2(b, mm)
	b = append(b, ':')
	b = append2(b, ss)
	b = append(b, '.')
	b = append3(b, int(ts%1000))
	return append(b, 'Z')
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10%10), byte('0'+v%10)) }
func append3(b []byte, v int) []byte {
	return append(b, byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}
func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// ---------------------------------------------------------------------------
// generator

// session is one planned SMTP session. All its rows are laid out in tails when
// the session starts ("tail" = local-endpoint through context, CRLF included);
// the timestamp, connector, session id and sequence number are added when a row
// is written. Planning up front makes the size of every open session exact, so
// the Bytes limit can be met without overshoot.
type session struct {
	id     [16]byte
	tails  []byte
	ends   []int32 // end offset in tails of each row
	delays []int32 // minimum ms between the previous row and this one
	next   int     // index of the next row to write
	wake   int64   // the next row may not be written before this time
	size   int64   // bytes of the rows not yet written
}

const (
	kHealthy = iota
	kTenantAttr
	kAttr35
	kAttr36
	kTLSFail
	kConnectFail
	// receive kinds
	kRecvEOP
	kRecvTLS
	kRecvPlain
	kRecvRelay
	kRecvAuth
	kRecvProbe
)

type gen struct {
	o       Options
	rng     *rand.PCG
	srv     server
	send    bool
	conn    []byte // connector-id, CSV-quoted if needed
	fixed   int    // length of timestamp, connector and session-id fields with their commas, plus the comma after seq
	clock   int64  // Unix ms of the next row
	sink    rowSink
	buf     []byte
	ep      []byte
	open    []*session
	free    []*session
	pending int64 // bytes of all open sessions not yet written
	n       int64 // bytes written so far
	started int
	stop    bool
	nextID  uint64
	port    int
	recID   uint64

	certChanged   bool
	certAtSession int   // start the change with this session (Sessions mode), -1 = never
	certAtBytes   int64 // or when this many bytes are committed (Bytes mode), -1 = never

	tsSec  int64
	tsBuf  [24]byte
	rfcSec int64
	rfcBuf []byte

	// per-server precomputed row tails (everything after the endpoints)
	hosts        []hostRows
	ehloCmd      []byte
	sendCert     [2][2][][]byte // [old/new][multirow/oneline]
	remoteCert   [2][][]byte    // [multirow/oneline]
	recvCert     [2][2][][]byte // receive side server certificate
	recvEOPCert  [2][][]byte
	msgHost      []byte // "@EXCH01.contoso.com>"
	recvBannerHd []byte // `,>,"220 EXCH01.contoso.com Microsoft ESMTP MAIL Service ready at `
	recvHello    []byte // `,>,250  EXCH01.contoso.com Hello [`
	recvHostname []byte // `, Hostname=EXCH01.contoso.com] `
}

type server struct {
	name string // EXCH01
	fqdn string // EXCH01.contoso.com
	ip   string // 192.0.2.21
	nat  string // 203.0.113.10
}

func serverName(i int) string {
	if i < 99 {
		return "EXCH" + string([]byte{byte('0' + (i+1)/10), byte('0' + (i+1)%10)})
	}
	return "EXCH" + strconv.Itoa(i+1)
}

func newServer(i int) server {
	name := serverName(i)
	return server{
		name: name,
		fqdn: name + ".contoso.com",
		ip:   "192.0.2." + strconv.Itoa(21+i%230),
		nat:  "203.0.113." + strconv.Itoa(10+i%240),
	}
}

func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	return x ^ x>>31
}

func newGen(o Options, srv, stream int, service string, sink rowSink) *gen {
	g := &gen{
		o:     o,
		rng:   rand.NewPCG(splitmix(uint64(o.Seed)), splitmix(uint64(o.Seed)^uint64(stream+1)*0x632BE59BD9B4E019)),
		srv:   newServer(srv),
		send:  o.LogType == "send",
		sink:  sink,
		clock: o.Start.UnixMilli() + int64(stream)*137,
		tsSec: -1, rfcSec: -1,
	}
	g.nextID = 0x08DC3C0000000000 | g.rng.Uint64()&0xFF_FFFF_FFFF&^0xFFFFF // room for a million sessions per service before the 08DC3C prefix changes
	g.port = 49152 + g.intn(10000)
	g.recID = 150_000_000_000 + uint64(g.intn(9_000_000_000))
	conn := o.Connector
	if conn == "" {
		if g.send {
			conn = "Outbound to Office 365"
		} else if service == "FrontEnd" {
			conn = g.srv.name + `\Default Frontend ` + g.srv.name
		} else {
			conn = g.srv.name + `\Default ` + g.srv.name
		}
	}
	g.conn = []byte(csvField(conn))
	g.fixed = 24 + 1 + len(g.conn) + 1 + 16 + 1 + 1
	g.certAtSession, g.certAtBytes = -1, -1
	if o.CertChangeAt > 0 {
		if o.Sessions > 0 {
			g.certAtSession = int(o.CertChangeAt * float64(o.Sessions))
		} else {
			g.certAtBytes = int64(o.CertChangeAt * float64(o.Bytes))
		}
	}
	g.precompute()
	return g
}

// intn returns a uniform-enough value in [0, n) (Lemire's multiply-shift).
func (g *gen) intn(n int) int {
	hi, _ := bits.Mul64(g.rng.Uint64(), uint64(n))
	return int(hi)
}

func (g *gen) run() error {
	for {
		for !g.stop && len(g.open) < g.o.Interleave {
			if g.o.Sessions > 0 && g.started >= g.o.Sessions {
				g.stop = true
				break
			}
			s := g.plan()
			if g.o.Bytes > 0 && g.n+g.pending+s.size > g.o.Bytes {
				g.free = append(g.free, s)
				g.stop = true
				break
			}
			g.pending += s.size
			g.started++
			g.open = append(g.open, s)
			// A new session logs its first row(s) at once, so session ids
			// first appear in increasing order.
			if err := g.emit(len(g.open) - 1); err != nil {
				return err
			}
		}
		if len(g.open) == 0 {
			return nil
		}
		if err := g.emit(g.pick()); err != nil {
			return err
		}
	}
}

// pick chooses a random open session whose next row is due; if none is due
// (all are waiting on a tarpit or a connect timeout) the clock jumps ahead.
func (g *gen) pick() int {
	n := len(g.open)
	i := g.intn(n)
	for j := 0; j < n; j++ {
		k := i + j
		if k >= n {
			k -= n
		}
		if g.open[k].wake <= g.clock {
			return k
		}
	}
	best := 0
	for k := 1; k < n; k++ {
		if g.open[k].wake < g.open[best].wake {
			best = k
		}
	}
	g.clock = g.open[best].wake
	return best
}

// emit writes the next row of open session i, and the rows glued to it
// (the other lines of a multi-line reply, a certificate block, pipelined
// commands) with the same timestamp. Then the clock moves on.
func (g *gen) emit(i int) error {
	s := g.open[i]
	for {
		k := s.next
		start := 0
		if k > 0 {
			start = int(s.ends[k-1])
		}
		b := g.appendTS(g.buf[:0], g.clock)
		b = append(b, ',')
		b = append(b, g.conn...)
		b = append(b, ',')
		b = append(b, s.id[:]...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(k), 10)
		b = append(b, ',')
		b = append(b, s.tails[start:s.ends[k]]...)
		g.buf = b
		n, err := g.sink.row(g.clock, b)
		g.n += int64(n)
		g.pending -= int64(len(b))
		s.size -= int64(len(b))
		if err != nil {
			return err
		}
		s.next++
		if s.next == len(s.ends) {
			last := len(g.open) - 1
			g.open[i] = g.open[last]
			g.open = g.open[:last]
			g.free = append(g.free, s)
			break
		}
		d := s.delays[s.next]
		if d >= 0 {
			s.wake = g.clock + int64(d)
			break
		}
	}
	// Time moves on: mostly a few ms between rows, now and then a network round trip.
	r := g.rng.Uint64()
	d := int64(r & 3)
	if r>>2&7 == 0 {
		d += 8 + int64(r>>8%40)
	}
	g.clock += d
	return nil
}

// appendTS appends the timestamp, formatting the date part once per second.
func (g *gen) appendTS(b []byte, ms int64) []byte {
	sec := ms / 1000
	if sec != g.tsSec {
		g.tsSec = sec
		appendTime(g.tsBuf[:0], sec*1000)
	}
	ns := int(ms - sec*1000)
	g.tsBuf[20] = byte('0' + ns/100)
	g.tsBuf[21] = byte('0' + ns/10%10)
	g.tsBuf[22] = byte('0' + ns%10)
	return append(b, g.tsBuf[:]...)
}

// appendRFC appends a banner date such as "Tue, 05 Mar 2024 20:00:44 +0000".
func (g *gen) appendRFC(b []byte, ms int64) []byte {
	sec := ms / 1000
	if sec != g.rfcSec {
		g.rfcSec = sec
		g.rfcBuf = time.Unix(sec, 0).UTC().AppendFormat(g.rfcBuf[:0], "Mon, 02 Jan 2006 15:04:05 -0700")
	}
	return append(b, g.rfcBuf...)
}

func (g *gen) newSession() *session {
	var s *session
	if n := len(g.free); n > 0 {
		s = g.free[n-1]
		g.free = g.free[:n-1]
		s.tails, s.ends, s.delays = s.tails[:0], s.ends[:0], s.delays[:0]
		s.next, s.wake, s.size = 0, 0, 0
	} else {
		s = &session{tails: make([]byte, 0, 8192), ends: make([]int32, 0, 96), delays: make([]int32, 0, 96)}
	}
	id := g.nextID
	g.nextID++
	for i := 15; i >= 0; i-- {
		s.id[i] = hexUpper[id&15]
		id >>= 4
	}
	return s
}

func (s *session) endRow(delay int) {
	s.ends = append(s.ends, int32(len(s.tails)))
	s.delays = append(s.delays, int32(delay))
}

// row appends a row made of the endpoints and a precomputed tail.
func (s *session) row(ep, rest []byte) {
	s.tails = append(s.tails, ep...)
	s.tails = append(s.tails, rest...)
	s.endRow(0)
}

// glued is the delay value of a row that is written together with the row
// before it, at the same time.
const glued = -1

// rows appends a block of rows written together: a multi-line reply or a
// certificate block.
func (s *session) rows(ep []byte, rest [][]byte) {
	for i, r := range rest {
		s.tails = append(s.tails, ep...)
		s.tails = append(s.tails, r...)
		if i == 0 {
			s.endRow(0)
		} else {
			s.endRow(glued)
		}
	}
}

// glue appends a row written together with the previous one.
func (s *session) glue(ep, rest []byte) {
	s.tails = append(s.tails, ep...)
	s.tails = append(s.tails, rest...)
	s.endRow(glued)
}

// finish computes the exact byte size of the planned session.
func (g *gen) finish(s *session) {
	n := len(s.ends)
	size := int64(len(s.tails)) + int64(n*g.fixed)
	for d, lo := 1, 0; lo < n; d++ {
		hi := pow10(d)
		if hi > n {
			hi = n
		}
		size += int64((hi - lo) * d)
		lo = hi
	}
	s.size = size
}

func pow10(d int) int {
	p := 1
	for ; d > 0; d-- {
		p *= 10
	}
	return p
}

func (g *gen) plan() *session {
	if !g.certChanged && ((g.certAtSession >= 0 && g.started >= g.certAtSession) ||
		(g.certAtBytes >= 0 && g.n+g.pending >= g.certAtBytes)) {
		g.certChanged = true
	}
	s := g.newSession()
	if g.send {
		g.planSend(s)
	} else {
		g.planRecv(s)
	}
	g.finish(s)
	return s
}

func (g *gen) layout() int {
	switch g.o.Layout {
	case "oneline":
		return 1
	case "mixed":
		return g.intn(2)
	}
	return 0
}

func (g *gen) failed() bool {
	if g.o.FailureRate <= 0 {
		return false
	}
	return float64(g.rng.Uint64()>>11)/(1<<53) < g.o.FailureRate
}

func (g *gen) nextPort() int {
	g.port++
	if g.port > 65535 {
		g.port = 49152
	}
	return g.port
}

func (g *gen) certIndex() int {
	if g.certChanged {
		return 1
	}
	return 0
}

// ---------------------------------------------------------------------------
// send sessions

func (g *gen) planSend(s *session) {
	kind := kHealthy
	if g.failed() {
		switch r := g.intn(100); {
		case r < 30:
			kind = kTenantAttr
		case r < 50:
			kind = kAttr35
		case r < 65:
			kind = kAttr36
		case r < 85:
			kind = kTLSFail
		default:
			kind = kConnectFail
		}
	} else if g.certChanged {
		kind = kTenantAttr
	}
	h := &g.hosts[g.intn(len(g.hosts))]
	// endpoints: "local,remote" and ",remote" (no local before the connection exists)
	ep := append(g.ep[:0], g.srv.ip...)
	ep = append(ep, ':')
	ep = strconv.AppendInt(ep, int64(g.nextPort()), 10)
	cut := len(ep)
	ep = append(ep, ',')
	ep = append(ep, eopIPs[g.intn(len(eopIPs))]...)
	ep = append(ep, ":25"...)
	g.ep = ep
	noLocal := ep[cut:]

	s.row(noLocal, rowRouting)
	s.row(noLocal, rowAttempt)
	if kind == kConnectFail {
		s.tails = append(s.tails, noLocal...)
		s.tails = append(s.tails, connectFail[g.intn(len(connectFail))]...)
		s.endRow(21000 + g.intn(50))
		return
	}
	s.row(ep, rowConnect)
	s.tails = append(s.tails, ep...)
	s.tails = append(s.tails, `,<,"220 `...)
	s.tails = append(s.tails, h.fe...)
	s.tails = append(s.tails, ".mail.protection.outlook.com Microsoft ESMTP MAIL Service ready at "...)
	s.tails = g.appendRFC(s.tails, g.clock)
	s.tails = append(s.tails, "\",\r\n"...)
	s.endRow(20)
	s.row(ep, g.ehloCmd)
	s.rows(ep, h.ehlo1)
	s.row(ep, rowStartTLS)
	s.row(ep, rowReady)
	lay := g.layout()
	s.rows(ep, g.sendCert[g.certIndex()][lay])
	if kind == kTLSFail {
		e := g.intn(len(tlsErrors))
		s.row(ep, tlsErrors[e])
		if e == len(tlsErrors)-1 { // SocketError: the peer dropped the connection
			s.glue(ep, rowDiscRemote)
		} else {
			s.glue(ep, rowDiscLocal)
		}
		return
	}
	s.rows(ep, g.remoteCert[lay])
	s.row(ep, rowTLSClient)
	s.row(ep, g.ehloCmd)
	s.rows(ep, h.ehlo2)
	nmsg := 1
	if r := g.intn(100); r >= 88 {
		nmsg = 3
	} else if r >= 60 {
		nmsg = 2
	}
	for m := 0; m < nmsg; m++ {
		g.planMessage(s, ep, h, kind, m)
	}
	s.row(ep, rowQuit)
	s.row(ep, row221)
	s.glue(ep, rowDiscLocal)
}

func (g *gen) appendMsgID(b []byte) []byte {
	b = append(b, '<')
	for _, x := range [2]uint64{g.rng.Uint64(), g.rng.Uint64()} {
		for i := 60; i >= 0; i -= 4 {
			b = append(b, hexLower[x>>uint(i)&15])
		}
	}
	return append(b, g.msgHost...)
}

func (g *gen) msgSize() int {
	switch r := g.intn(100); {
	case r < 60:
		return 2000 + g.intn(30000)
	case r < 92:
		return 30000 + g.intn(250000)
	default:
		return 280000 + g.intn(8000000)
	}
}

func (g *gen) planMessage(s *session, ep []byte, h *hostRows, kind, m int) {
	t := s.tails
	t = append(t, ep...)
	t = append(t, ",*,,sending message with RecordId "...)
	g.recID += 1 + uint64(g.intn(40))
	t = strconv.AppendUint(t, g.recID, 10)
	t = append(t, " and InternetMessageId "...)
	midAt := len(t)
	t = g.appendMsgID(t)
	midEnd := len(t)
	t = append(t, "\r\n"...)
	s.tails = t
	s.endRow(0)

	size := g.msgSize()
	t = append(s.tails, ep...)
	t = append(t, ",>,MAIL FROM:<"...)
	if kind == kAttr36 && m == 0 && g.intn(2) == 0 {
		// an NDR or forwarded message relayed with the null sender
	} else if kind == kAttr35 && g.intn(2) == 0 {
		t = append(t, deviceSenders[g.intn(len(deviceSenders))]...)
	} else {
		t = append(t, people[g.intn(len(people))]...)
		t = append(t, "@contoso.com"...)
	}
	t = append(t, "> SIZE="...)
	t = strconv.AppendInt(t, int64(size), 10)
	t = append(t, " XOORG=contoso.com,\r\n"...)
	s.tails = t
	s.endRow(glued)
	nr := 1
	if r := g.intn(100); r >= 90 {
		nr = 3
	} else if r >= 65 {
		nr = 2
	}
	for i := 0; i < nr; i++ {
		t = append(s.tails, ep...)
		t = append(t, ",>,RCPT TO:<"...)
		t = g.appendRecipient(t)
		t = append(t, ">,\r\n"...)
		s.tails = t
		s.endRow(glued)
	}
	s.row(ep, rowSenderOK)
	s.delays[len(s.delays)-1] = 25 // round trip to EOP
	var reject []byte
	switch kind {
	case kTenantAttr:
		reject = h.ta
	case kAttr35:
		reject = h.a35
	case kAttr36:
		reject = h.a36
	}
	for i := 0; i < nr; i++ {
		if reject != nil {
			s.glue(ep, reject)
		} else {
			s.glue(ep, rowRecipientOK)
		}
	}
	if reject != nil {
		s.row(ep, rowRSET)
		s.row(ep, rowResetting)
		return
	}
	t = append(s.tails, ep...)
	t = append(t, ",>,BDAT "...)
	t = strconv.AppendInt(t, int64(size), 10)
	t = append(t, " LAST,\r\n"...)
	s.tails = t
	s.endRow(0)
	// the message id is copied from the sending-message row (same backing array)
	t = append(s.tails, ep...)
	t = append(t, `,<,"250 2.6.0 `...)
	t = append(t, t[midAt:midEnd]...)
	t = append(t, " [InternalId="...)
	t = strconv.AppendUint(t, 10_000_000_000_000+uint64(g.intn(80_000_000_000_000)), 10)
	t = append(t, h.hostname...)
	t = strconv.AppendInt(t, int64(size), 10)
	t = appendTransfer(t, size, 60+g.intn(400))
	t = append(t, " Queued mail for delivery\",\r\n"...)
	s.tails = t
	s.endRow(60)
}

// appendTransfer appends " bytes in 0.123, 456.789 KB/sec".
func appendTransfer(t []byte, size, ms int) []byte {
	t = append(t, " bytes in "...)
	t = strconv.AppendInt(t, int64(ms/1000), 10)
	t = append(t, '.')
	t = append3(t, ms%1000)
	t = append(t, ", "...)
	milli := int64(size) * 1_000_000 / (int64(ms) * 1024) // KB/sec x 1000
	t = strconv.AppendInt(t, milli/1000, 10)
	t = append(t, '.')
	t = append3(t, int(milli%1000))
	return append(t, " KB/sec"...)
}

func (g *gen) appendRecipient(t []byte) []byte {
	t = append(t, people[g.intn(len(people))]...)
	if g.intn(3) == 0 {
		return append(t, "@contoso.mail.onmicrosoft.com"...)
	}
	t = append(t, '@')
	return append(t, externalDomains[g.intn(len(externalDomains))]...)
}

// ---------------------------------------------------------------------------
// receive sessions

func (g *gen) planRecv(s *session) {
	kind := kRecvEOP
	if g.failed() {
		switch r := g.intn(100); {
		case r < 45:
			kind = kRecvRelay
		case r < 75:
			kind = kRecvAuth
		default:
			kind = kRecvProbe
		}
	} else if r := g.intn(100); r >= 85 {
		kind = kRecvPlain
	} else if r >= 55 {
		kind = kRecvTLS
	}
	// remote address
	ep := append(g.ep[:0], g.srv.ip...)
	ep = append(ep, ":25,"...)
	ipAt := len(ep)
	var helo []byte
	switch kind {
	case kRecvEOP:
		ep = append(ep, "40.107."...)
		ep = strconv.AppendInt(ep, int64(20+g.intn(4)), 10)
		ep = append(ep, '.')
		ep = strconv.AppendInt(ep, int64(1+g.intn(254)), 10)
		helo = eopHelos[g.intn(len(eopHelos))]
	case kRecvAuth:
		ep = append(ep, "192.0.2."...)
		ep = strconv.AppendInt(ep, int64(50+g.intn(10)), 10)
		helo = printerHelos[g.intn(len(printerHelos))]
	default:
		if g.intn(2) == 0 {
			ep = append(ep, "198.51.100."...)
		} else {
			ep = append(ep, "203.0.113."...)
		}
		ep = strconv.AppendInt(ep, int64(1+g.intn(254)), 10)
	}
	ipEnd := len(ep)
	ep = append(ep, ':')
	ep = strconv.AppendInt(ep, int64(1024+g.intn(64500)), 10)
	g.ep = ep
	ip := ep[ipAt:ipEnd]

	s.row(ep, rowConnect)
	s.glue(ep, rowRecvPerms)
	s.tails = append(s.tails, ep...)
	s.tails = append(s.tails, g.recvBannerHd...)
	s.tails = g.appendRFC(s.tails, g.clock)
	s.tails = append(s.tails, "\",\r\n"...)
	s.endRow(glued)
	if kind == kRecvProbe {
		s.row(ep, rowDiscRemote)
		s.delays[len(s.delays)-1] = int32(300 + g.intn(900))
		return
	}
	s.ehlo(ep, helo, ip, 20)
	g.recvHelloRow(s, ep, ip, capsPreTLS)
	tls := kind == kRecvEOP || kind == kRecvTLS || kind == kRecvAuth
	if tls {
		lay := g.layout()
		s.row(ep, rowRecvStartTLS)
		s.glue(ep, rowRecvReady)
		s.rows(ep, g.recvCert[g.certIndex()][lay])
		s.row(ep, rowTLSServer)
		// second EHLO, then the client-certificate evaluation
		s.ehlo(ep, helo, ip, 10)
		if kind == kRecvEOP {
			s.rows(ep, g.recvEOPCert[lay])
			s.glue(ep, rowChainValid)
			s.glue(ep, rowDomainCapsCloud)
		} else {
			s.glue(ep, rowChainEmpty)
			s.glue(ep, rowDomainCapsNone)
		}
		g.recvHelloRow(s, ep, ip, capsPostTLS)
	}
	switch kind {
	case kRecvAuth:
		s.row(ep, rowAuthLogin)
		s.glue(ep, row334)
		s.row(ep, rowAuthFailed)
		s.delays[len(s.delays)-1] = int32(800 + g.intn(900))
		s.tails = append(s.tails, ep...)
		s.tails = append(s.tails, ",*,,User Name: "...)
		s.tails = append(s.tails, deviceUsers[g.intn(len(deviceUsers))]...)
		s.tails = append(s.tails, "\r\n"...)
		s.endRow(glued)
		s.glue(ep, rowTarpit)
		s.row(ep, row535)
		s.delays[len(s.delays)-1] = 5000
		s.row(ep, rowDiscRemote)
		return
	case kRecvRelay:
		g.recvMailFrom(s, ep, 1, nil)
		s.tails = append(s.tails, ep...)
		s.tails = append(s.tails, ",<,RCPT TO:<"...)
		s.tails = append(s.tails, people[g.intn(len(people))]...)
		s.tails = append(s.tails, '@')
		s.tails = append(s.tails, externalDomains[g.intn(len(externalDomains))]...)
		s.tails = append(s.tails, ">,\r\n"...)
		s.endRow(glued)
		s.row(ep, rowRecvSenderOK)
		s.glue(ep, rowTarpit)
		s.row(ep, row550Relay)
		s.delays[len(s.delays)-1] = 5000
		s.row(ep, rowRecvQuit)
		s.glue(ep, rowRecv221)
		s.glue(ep, rowDiscLocal)
		return
	}
	nmsg := 1
	if kind == kRecvEOP {
		if r := g.intn(100); r >= 85 {
			nmsg = 3
		} else if r >= 55 {
			nmsg = 2
		}
	}
	for m := 1; m <= nmsg; m++ {
		size := g.msgSize()
		g.recvMailFrom(s, ep, m, &size)
		nr := 1 + g.intn(3)
		for i := 0; i < nr; i++ {
			s.tails = append(s.tails, ep...)
			s.tails = append(s.tails, ",<,RCPT TO:<"...)
			s.tails = append(s.tails, people[g.intn(len(people))]...)
			s.tails = append(s.tails, "@contoso.com>,\r\n"...)
			s.endRow(glued)
		}
		s.row(ep, rowRecvSenderOK)
		for i := 0; i < nr; i++ {
			s.glue(ep, rowRecvRecipientOK)
		}
		s.tails = append(s.tails, ep...)
		s.tails = append(s.tails, ",<,BDAT "...)
		s.tails = strconv.AppendInt(s.tails, int64(size), 10)
		s.tails = append(s.tails, " LAST,\r\n"...)
		s.endRow(10)
		t := append(s.tails, ep...)
		t = append(t, `,>,"250 2.6.0 `...)
		t = g.appendMsgIDAt(t, externalDomains[g.intn(len(externalDomains))])
		t = append(t, " [InternalId="...)
		t = strconv.AppendUint(t, 1_000_000_000_000+uint64(g.intn(8_000_000_000_000)), 10)
		t = append(t, g.recvHostname...)
		t = strconv.AppendInt(t, int64(size+600), 10)
		t = appendTransfer(t, size+600, 40+g.intn(300))
		t = append(t, " Queued mail for delivery\",\r\n"...)
		s.tails = t
		s.endRow(40)
	}
	s.row(ep, rowRecvQuit)
	s.glue(ep, rowRecv221)
	s.glue(ep, rowDiscLocal)
}

func (g *gen) appendMsgIDAt(b []byte, domain []byte) []byte {
	b = append(b, '<')
	for _, x := range [2]uint64{g.rng.Uint64(), g.rng.Uint64()} {
		for i := 60; i >= 0; i -= 4 {
			b = append(b, hexLower[x>>uint(i)&15])
		}
	}
	b = append(b, '@')
	b = append(b, domain...)
	return append(b, '>')
}

func (g *gen) recvHelloRow(s *session, ep, ip []byte, caps string) {
	s.tails = append(s.tails, ep...)
	s.tails = append(s.tails, g.recvHello...)
	s.tails = append(s.tails, ip...)
	s.tails = append(s.tails, "] "...)
	s.tails = append(s.tails, caps...)
	s.tails = append(s.tails, ",\r\n"...)
	s.endRow(glued)
}

// recvMailFrom writes MAIL FROM and the "receiving message" row. size is nil
// for a relay attempt (no SIZE parameter).
func (g *gen) recvMailFrom(s *session, ep []byte, n int, size *int) {
	s.tails = append(s.tails, ep...)
	s.tails = append(s.tails, ",<,MAIL FROM:<"...)
	s.tails = append(s.tails, people[g.intn(len(people))]...)
	s.tails = append(s.tails, '@')
	s.tails = append(s.tails, externalDomains[g.intn(len(externalDomains))]...)
	s.tails = append(s.tails, '>')
	if size != nil {
		s.tails = append(s.tails, " SIZE="...)
		s.tails = strconv.AppendInt(s.tails, int64(*size), 10)
	}
	s.tails = append(s.tails, ",\r\n"...)
	s.endRow(20)
	s.tails = append(s.tails, ep...)
	s.tails = append(s.tails, ",*,"...)
	s.tails = append(s.tails, s.id[:]...)
	s.tails = append(s.tails, ';')
	s.tails = appendTime(s.tails, g.clock)
	s.tails = append(s.tails, ';')
	s.tails = strconv.AppendInt(s.tails, int64(n), 10)
	s.tails = append(s.tails, ",receiving message\r\n"...)
	s.endRow(glued)
}

// ---------------------------------------------------------------------------
// precomputed text

const (
	hexUpper = "0123456789ABCDEF"
	hexLower = "0123456789abcdef"
)

// csvField quotes s the way Exchange does: only when it contains a comma or a
// double quote, doubling the quotes inside.
func csvField(s string) string {
	if !strings.ContainsAny(s, `,"`) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// tail builds a precomputed row tail: ",event,data,context\r\n".
func tail(event, data, context string) []byte {
	return []byte("," + event + "," + csvField(data) + "," + csvField(context) + "\r\n")
}

var (
	rowRouting     = tail("*", "SendRoutingHeaders", "Set Session Permissions")
	rowAttempt     = tail("*", "", "attempting to connect")
	rowConnect     = tail("+", "", "")
	rowStartTLS    = tail(">", "STARTTLS", "")
	rowReady       = tail("<", "220 2.0.0 SMTP server ready", "")
	rowTLSClient   = tail("*", "", "TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits")
	rowTLSServer   = tail("*", "", "TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits")
	rowSenderOK    = tail("<", "250 2.1.0 Sender OK", "")
	rowRecipientOK = tail("<", "250 2.1.5 Recipient OK", "")
	rowRSET        = tail(">", "RSET", "")
	rowResetting   = tail("<", "250 2.0.0 Resetting", "")
	rowQuit        = tail(">", "QUIT", "")
	row221         = tail("<", "221 2.0.0 Service closing transmission channel", "")
	rowDiscLocal   = tail("-", "", "Local")
	rowDiscRemote  = tail("-", "", "Remote")

	tlsErrors = [][]byte{ // SocketError must stay last (see planSend)
		tail("*", "", "TLS negotiation failed with error UnknownCredentials"),
		tail("*", "", "TLS negotiation failed with error NoCredentials"),
		tail("*", "", "TLS negotiation failed with error SocketError"),
	}
	connectFail = [][]byte{
		tail("*", "", "Failed to connect. Winsock error code: 10060, Win32 error code: 10060, Destination domain: contoso.mail.onmicrosoft.com, Error Message: A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond."),
		tail("*", "", "Failed to connect. Winsock error code: 10061, Win32 error code: 10061, Destination domain: contoso.mail.onmicrosoft.com, Error Message: No connection could be made because the target machine actively refused it."),
	}

	rowRecvPerms       = tail("*", "SMTPSubmit SMTPAcceptAnySender SMTPAcceptAuthoritativeDomainSender AcceptRoutingHeaders", "Set Session Permissions")
	rowRecvStartTLS    = tail("<", "STARTTLS", "")
	rowRecvReady       = tail(">", "220 2.0.0 SMTP server ready", "")
	rowChainValid      = tail("*", "", "Client certificate chain validation status: 'Valid'")
	rowChainEmpty      = tail("*", "", "Client certificate chain validation status: 'EmptyCertificate'")
	rowDomainCapsCloud = tail("*", "", "TlsDomainCapabilities='AcceptCloudServicesMail'; Status='Success'; Domain='mail.protection.outlook.com'")
	rowDomainCapsNone  = tail("*", "", "TlsDomainCapabilities='None'; Status='NoRemoteCertificate'")
	rowRecvSenderOK    = tail(">", "250 2.1.0 Sender OK", "")
	rowRecvRecipientOK = tail(">", "250 2.1.5 Recipient OK", "")
	rowRecvQuit        = tail("<", "QUIT", "")
	rowRecv221         = tail(">", "221 2.0.0 Closing connection.", "")
	rowTarpit          = tail("*", "Tarpit for '0.00:00:05'", "")
	row550Relay        = tail(">", "550 5.7.1 Unable to relay", "")
	rowAuthLogin       = tail("<", "AUTH LOGIN", "")
	row334             = tail(">", "334 <authentication response>", "")
	rowAuthFailed      = tail("*", "", "Inbound AUTH LOGIN failed because of LogonDenied")
	row535             = tail(">", "535 5.7.3 Authentication unsuccessful", "")
)

const (
	capsPreTLS  = "SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES STARTTLS X-ANONYMOUSTLS AUTH NTLM X-EXPS GSSAPI NTLM 8BITMIME BINARYMIME CHUNKING XRDST"
	capsPostTLS = "SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES AUTH NTLM LOGIN X-EXPS GSSAPI NTLM 8BITMIME BINARYMIME CHUNKING XRDST"
)

// eopHost is an Exchange Online Protection front end: the name in its banner,
// its region and the back-end host that answers 250 2.6.0.
type eopHost struct{ fe, region, backend string }

var eopHostList = []eopHost{
	{"AM4PEPF00027A6C", "eurprd04", "AS8PR04MB8947"},
	{"DB1PEPF000509F1", "eurprd05", "DU0PR05MB9531"},
	{"AMS0EPF000001A7", "eurprd03", "PAXPR03MB7780"},
	{"DU2PEPF00028D0B", "eurprd04", "VI1PR04MB6910"},
	{"DB5PEPF00014B8F", "eurprd08", "AM9PR08MB6130"},
	{"AM2PEPF0001C716", "eurprd02", "DB9PR02MB7243"},
	{"DU6PEPF0000A7E4", "eurprd06", "GV1PR06MB8472"},
	{"AMS1EPF00000042", "eurprd07", "PA4PR07MB7381"},
}

var eopIPs = [][]byte{
	[]byte("52.101.68.12"), []byte("52.101.68.16"), []byte("52.101.73.28"), []byte("52.101.73.5"),
	[]byte("40.107.22.52"), []byte("40.107.22.89"), []byte("40.107.20.110"), []byte("104.47.18.106"),
	[]byte("104.47.17.125"),
}

type hostRows struct {
	fe           string
	ehlo1, ehlo2 [][]byte
	ta, a35, a36 []byte
	hostname     []byte // ", Hostname=BACKEND.REGION.prod.outlook.com] "
}

type cert struct{ subject, issuer, serial, thumb, notBefore, notAfter, sans string }

var (
	certOld = cert{"CN=mail.contoso.com", "CN=R3, O=Let's Encrypt, C=US", "04A1B2C3D4E5F60718293A4B5C6D7E8F9A0B",
		"3F7A9C2E51B84D06A1C3E5F7092B4D6F8A1C3E5B", "2023-12-20T00:00:00.000Z", "2024-03-19T23:59:59.000Z",
		"mail.contoso.com;autodiscover.contoso.com"}
	certNew = cert{"CN=smtp.contoso.net", "CN=R3, O=Let's Encrypt, C=US", "03F9E8D7C6B5A4938271605F4E3D2C1B0A99",
		"B1D94E7706C2A35F8E1B2C3D4E5F60718293A4B6", "2024-03-01T00:00:00.000Z", "2024-05-30T23:59:59.000Z",
		"smtp.contoso.net;autodiscover.contoso.net"}
	certEOP = cert{"CN=mail.protection.outlook.com, O=Microsoft Corporation, L=Redmond, S=WA, C=US",
		"CN=DigiCert Cloud Services CA-1, O=DigiCert Inc, C=US", "0F3C1A8E5B2D7946A0C4E8B1D3F5A7C9",
		"6C2E9A4B7D1F3E5A8C0B2D4F6A8C0E2B4D6F8A1C", "2023-07-26T00:00:00.000Z", "2024-07-25T23:59:59.000Z",
		"mail.protection.outlook.com;*.mail.protection.outlook.com;*.mail.eo.outlook.com;*.olc.protection.outlook.com"}
)

const certContext = " Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names"

// certRows returns the certificate rows in the multi-row layout (FORMAT B.3.1)
// or the one-line layout (FORMAT B.3.2). head is "Sending certificate" or
// "Remote certificate".
func certRows(head string, c cert, oneline bool) [][]byte {
	if oneline {
		data := " " + c.subject + " " + c.issuer + " " + c.serial + " " + c.thumb + " " + c.notBefore + " " + c.notAfter + " " + c.sans
		return [][]byte{tail("*", data, head+certContext)}
	}
	return [][]byte{
		tail("*", "", head),
		tail("*", c.subject, "Certificate subject"),
		tail("*", c.issuer, "Certificate issuer name"),
		tail("*", c.serial, "Certificate serial number"),
		tail("*", c.thumb, "Certificate thumbprint"),
		tail("*", c.sans, "Certificate alternate names"),
	}
}

// serverCert derives a stable certificate for a receive server from its name.
func serverCert(s server, renewed bool) cert {
	h := splitmix(uint64(len(s.name)) ^ 0x5EED)
	for _, c := range []byte(s.name) {
		h = splitmix(h ^ uint64(c))
	}
	if renewed {
		h = splitmix(h ^ 0xC0FFEE)
	}
	hex := func(x uint64, n int) string {
		b := make([]byte, 0, n)
		for len(b) < n {
			x = splitmix(x)
			for i := 60; i >= 0 && len(b) < n; i -= 4 {
				b = append(b, hexUpper[x>>uint(i)&15])
			}
		}
		return string(b)
	}
	c := cert{subject: "CN=" + s.fqdn, issuer: "CN=R3, O=Let's Encrypt, C=US", serial: hex(h, 36), thumb: hex(h^1, 40),
		notBefore: "2024-01-10T00:00:00.000Z", notAfter: "2024-04-09T23:59:59.000Z",
		sans: s.fqdn + ";mail.contoso.com"}
	if renewed {
		c.notBefore, c.notAfter = "2024-03-01T00:00:00.000Z", "2024-05-30T23:59:59.000Z"
	}
	return c
}

func (g *gen) precompute() {
	g.ehloCmd = tail(">", "EHLO mail.contoso.com", "")
	g.msgHost = []byte("@" + g.srv.fqdn + ">")
	for _, h := range eopHostList {
		fq := h.fe + ".mail.protection.outlook.com"
		hr := hostRows{fe: h.fe, hostname: []byte(", Hostname=" + h.backend + "." + h.region + ".prod.outlook.com] ")}
		caps := []string{"SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"}
		for tls := 0; tls < 2; tls++ {
			lines := []string{fq + " Hello [" + g.srv.nat + "]"}
			for _, c := range caps {
				if tls == 1 && c == "STARTTLS" {
					continue
				}
				lines = append(lines, c)
			}
			var rows [][]byte
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				rows = append(rows, tail("<", "250"+sep+l, ""))
			}
			if tls == 0 {
				hr.ehlo1 = rows
			} else {
				hr.ehlo2 = rows
			}
		}
		suffix := " [" + h.fe + "." + h.region + ".prod.outlook.com]"
		hr.ta = tail("<", "550 5.7.64 TenantAttribution; Relay Access Denied"+suffix, "")
		hr.a35 = tail("<", "451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35. For more information please go to https://go.microsoft.com/fwlink/?linkid=865268"+suffix, "")
		hr.a36 = tail("<", "550 5.7.64 Relay Access Denied ATTR36. For more information please go to https://go.microsoft.com/fwlink/?LinkId=869023"+suffix, "")
		g.hosts = append(g.hosts, hr)
	}
	for i, c := range []cert{certOld, certNew} {
		g.sendCert[i][0] = certRows("Sending certificate", c, false)
		g.sendCert[i][1] = certRows("Sending certificate", c, true)
	}
	g.remoteCert[0] = certRows("Remote certificate", certEOP, false)
	g.remoteCert[1] = certRows("Remote certificate", certEOP, true)
	for i, renewed := range []bool{false, true} {
		c := serverCert(g.srv, renewed)
		g.recvCert[i][0] = certRows("Sending certificate", c, false)
		g.recvCert[i][1] = certRows("Sending certificate", c, true)
	}
	g.recvEOPCert[0] = certRows("Remote certificate", certEOP, false)
	g.recvEOPCert[1] = certRows("Remote certificate", certEOP, true)
	g.recvBannerHd = []byte(`,>,"220 ` + g.srv.fqdn + " Microsoft ESMTP MAIL Service ready at ")
	g.recvHello = []byte(",>,250  " + g.srv.fqdn + " Hello [")
	g.recvHostname = []byte(", Hostname=" + g.srv.fqdn + "] ")
}

func byteList(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, v := range s {
		out[i] = []byte(v)
	}
	return out
}

var (
	people = byteList("adele.vance", "alex.wilber", "allan.deyoung", "christie.cline", "debra.berger", "diego.siciliani",
		"emily.braun", "enrico.cattaneo", "gerhart.moller", "grady.archie", "henrietta.mueller", "irvin.sayers",
		"isaiah.langer", "johanna.lorenz", "joni.sherman", "lee.gu", "lidia.holloway", "lynne.robbins",
		"megan.bowen", "miriam.graham", "nestor.wilke", "patti.fernandez", "pradeep.gupta", "raul.razo",
		"c.tanaka", "r.kumar", "p.okafor", "j.smith", "m.rossi", "a.novak")
	externalDomains = byteList("fabrikam.com", "tailspintoys.com", "wingtiptoys.com", "example.com", "example.net",
		"example.org", "adatum.com", "litwareinc.com", "northwindtraders.com", "woodgrovebank.com")
	deviceSenders = byteList("copier-3f@scan.contoso.local", "noreply@alerts.fabrikam.com", "scanner@printers.contoso.local")
	deviceUsers   = byteList("scanner@contoso.com", "mfp-east@contoso.com", "svc-notify@contoso.com")
	eopHelos      = byteList("EUR05-DB8-obe.outbound.protection.outlook.com", "EUR04-VI1-obe.outbound.protection.outlook.com",
		"EUR03-AM7-obe.outbound.protection.outlook.com", "EUR02-HE1-obe.outbound.protection.outlook.com")
	printerHelos = byteList("MFP-3F-EAST", "MFP-2F-WEST", "SCANNER01")
)

// ehlo writes the client's EHLO row: its name, or its address literal
// ("[198.51.100.7]") when it has none; the row is delayed by delay ms.
func (s *session) ehlo(ep, helo, ip []byte, delay int) {
	s.tails = append(s.tails, ep...)
	s.tails = append(s.tails, ",<,EHLO "...)
	if helo != nil {
		s.tails = append(s.tails, helo...)
	} else {
		s.tails = append(s.tails, '[')
		s.tails = append(s.tails, ip...)
		s.tails = append(s.tails, ']')
	}
	s.tails = append(s.tails, ",\r\n"...)
	s.endRow(delay)
}
