package analyze

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/logscan/logscan/parser"
)

// Caps that bound a Summary whatever the input.
const (
	MaxInputErrors = 200    // input errors kept with their text (all are counted)
	maxKeys        = 10_000 // distinct codes, certificates or connectors tracked
)

// FileStats is what was read from one input.
type FileStats struct {
	Name    string
	Source  Source
	LogType parser.LogType
	parser.Stats
	Encoding    parser.Encoding
	First, Last time.Time // earliest and latest row time
	Err         string    // an error that stopped reading it, if any
}

// InputError is a line that could not be read, or a file that could not be.
type InputError struct {
	File   string
	Line   int // 0 for an error about the whole file
	Reason string
	Raw    string
}

// ConnectorStats counts one connector's sessions.
type ConnectorStats struct {
	Server    string // source label
	LogType   parser.LogType
	Connector string
	Sessions  int
	ByOutcome map[Outcome]int
}

// CodeStats counts sessions ended by one kind of reply.
type CodeStats struct {
	Code     int
	Enhanced string
	Text     string // the reply text, with bracketed server names removed
	Outcome  Outcome
	Count    int
	Example  string // a session id
	Pos      Pos    // where the example reply is
}

// CertStats describes one certificate seen in sessions.
type CertStats struct {
	Role       string // "local" (we presented it) or "remote"
	Subject    string
	Issuer     string
	Thumbprint string
	SANs       []string
	NotAfter   time.Time
	First      time.Time
	Last       time.Time
	Sessions   int
	Failed     int // sessions not delivered or idle
	Connectors []string
	Example    string
}

// Result is a frozen Summary.
type Result struct {
	Files       []FileStats
	Bytes       int64
	Rows        int
	BadRows     int
	SkippedRows int
	// RepairedRows were read from damaged copies (markdown, HTML, rows
	// run together ...) after a repair; UTF16Files were UTF-16 copies.
	RepairedRows int
	UTF16Files   int
	Sessions     int
	NotComplete  int
	Evicted      int
	ByOutcome    map[Outcome]int
	Start, End   time.Time
	Connectors   []ConnectorStats
	Codes        []CodeStats
	Certs        []CertStats
	Errors       []InputError
	ErrorCount   int
	// Truncated says a table hit its cap and lumps the rest together.
	Truncated bool

	// Timeline counts sessions by start time and outcome, in buckets of
	// TimelineStep (a minute, or an hour when the span is long).
	Timeline     []TimeBucket
	TimelineStep time.Duration

	// Findings and SkippedChecks come from a Checker; Exports lists the
	// configuration exports that were read.
	Findings      []Finding
	SkippedChecks []Skipped
	Exports       []ExportInfo

	// State is set for an incremental run (--state).
	State *StateInfo
}

// StateInfo says what an incremental run read, skipped and carried over.
type StateInfo struct {
	File string // the state file
	// Files by what the run did with them.
	New, Appended, Replaced, Unchanged, Forgotten int
	// CarriedIn sessions were open at the end of the last run; CarriedOut
	// are open at the end of this one and go to the next; Flushed were
	// carried but will not go on (silent too long), and are reported now
	// as incomplete.
	CarriedIn, CarriedOut, Flushed int
}

// TimeBucket counts the sessions that started in [Start, Start+step).
type TimeBucket struct {
	Start time.Time
	Count map[Outcome]int
}

// maxMinuteBuckets bounds the per-minute timeline (about 10 weeks); past
// it the timeline counts by hour.
const maxMinuteBuckets = 100_000

// ExportInfo describes a configuration export that was read.
type ExportInfo struct {
	Kind     string // "connectors", "accepted-domains", "send-connectors", "certificates"
	File     string
	Form     string // json, csv, format-list
	Records  int
	Warnings []string
}

// FillCertificates completes certificates from a Get-ExchangeCertificate
// export, matched by thumbprint: the multi-row log layout carries no
// dates, and the thumbprint-only one no names.
func (r *Result) FillCertificates(certs []parser.ExchangeCertificate) {
	by := map[string]*parser.ExchangeCertificate{}
	for i := range certs {
		by[strings.ToUpper(certs[i].Thumbprint)] = &certs[i]
	}
	for i := range r.Certs {
		c := &r.Certs[i]
		x := by[strings.ToUpper(c.Thumbprint)]
		if x == nil {
			continue
		}
		if c.NotAfter.IsZero() {
			c.NotAfter = x.NotAfter
		}
		if c.Subject == "" {
			c.Subject = x.Subject
		}
		if c.Issuer == "" {
			c.Issuer = x.Issuer
		}
		if len(c.SANs) == 0 {
			c.SANs = x.CertificateDomains
		}
	}
}

// Worst returns the highest severity among the findings, and false when
// there are none.
func (r *Result) Worst() (Severity, bool) {
	worst, any := Info, false
	for _, f := range r.Findings {
		if !any || f.Severity > worst {
			worst, any = f.Severity, true
		}
	}
	return worst, any
}

// Summary accumulates sessions and input statistics.
type Summary struct {
	key        keyBuf // map keys are built here: a lookup allocates nothing
	labels     map[Source]string
	r          Result
	connectors map[string]*ConnectorStats
	codes      map[string]*CodeStats
	certs      map[string]*certAcc
	norm       map[string]string
	timeline   map[int64]*[numOutcomes]int // by unix minute (or hour)
	hourly     bool
	// The last answers of the lookups made for every session, which come
	// in runs of one connector, one certificate and one minute.
	lastConn struct {
		src       Source
		typ       parser.LogType
		connector string
		c         *ConnectorStats
	}
	lastCert [2]struct {
		thumbprint, subject string
		a                   *certAcc
	}
	lastMinute struct {
		k int64
		b *[numOutcomes]int
	}
}

const numOutcomes = 6

// outcomeOrder numbers the outcomes for compact counting.
var outcomeOrder = [numOutcomes]Outcome{Rejected, Deferred, Failed, Incomplete, Idle, Delivered}

func (s *Summary) countTime(t time.Time, o Outcome) {
	if t.IsZero() {
		return
	}
	unit := int64(60)
	if s.hourly {
		unit = 3600
	}
	k := t.Unix() / unit
	if lm := &s.lastMinute; lm.b != nil && lm.k == k {
		lm.b[outcomeIndexOf(o)]++
		return
	}
	b := s.timeline[k]
	if b == nil {
		if !s.hourly && len(s.timeline) >= maxMinuteBuckets {
			s.coarsen()
			s.countTime(t, o)
			return
		}
		if s.hourly && len(s.timeline) >= maxMinuteBuckets {
			return // adversarial time stamps spanning centuries: stop counting
		}
		b = new([numOutcomes]int)
		s.timeline[k] = b
	}
	s.lastMinute.k, s.lastMinute.b = k, b
	b[outcomeIndexOf(o)]++
}

// outcomeIndexOf is o's place in outcomeOrder (0 for an unknown one).
// The outcomes are constants, compared by pointer first: no hashing.
func outcomeIndexOf(o Outcome) int {
	for i, x := range outcomeOrder {
		if x == o {
			return i
		}
	}
	return 0
}

// coarsen turns the per-minute timeline into a per-hour one.
func (s *Summary) coarsen() {
	hours := make(map[int64]*[numOutcomes]int)
	for k, b := range s.timeline {
		h := k / 60
		hb := hours[h]
		if hb == nil {
			hb = new([numOutcomes]int)
			hours[h] = hb
		}
		for i, n := range b {
			hb[i] += n
		}
	}
	s.timeline, s.hourly = hours, true
	s.lastMinute.b = nil
}

type certAcc struct {
	CertStats
	connectors    map[string]bool
	lastConnector string // the last put in connectors
}

// NewSummary returns an empty Summary.
func NewSummary() *Summary {
	return &Summary{
		r:          Result{ByOutcome: map[Outcome]int{}},
		connectors: map[string]*ConnectorStats{},
		codes:      map[string]*CodeStats{},
		certs:      map[string]*certAcc{},
		labels:     map[Source]string{},
		norm:       map[string]string{},
		timeline:   map[int64]*[numOutcomes]int{},
	}
}

// AddFile records what was read from one input.
func (s *Summary) AddFile(f FileStats) {
	s.r.Files = append(s.r.Files, f)
	s.r.Bytes += f.Bytes
	s.r.Rows += f.Rows
	s.r.BadRows += f.Bad
	s.r.SkippedRows += f.Skipped
	s.r.RepairedRows += f.Repaired
	if f.Encoding != parser.EncodingUTF8 {
		s.r.UTF16Files++
	}
	if f.Err != "" {
		s.AddError(InputError{File: f.Name, Reason: f.Err})
	}
}

// AddError records an input problem.
func (s *Summary) AddError(e InputError) {
	s.r.ErrorCount++
	if len(s.r.Errors) < MaxInputErrors {
		s.r.Errors = append(s.r.Errors, e)
	}
}

// AddErrorCount counts n input problems whose text was not kept.
func (s *Summary) AddErrorCount(n int) { s.r.ErrorCount += n }

// AddParseError records a line the reader could not read.
func (s *Summary) AddParseError(err error) {
	var pe *parser.ParseError
	if errors.As(err, &pe) {
		s.AddError(InputError{File: pe.File, Line: pe.Line, Reason: pe.Reason(), Raw: pe.Raw})
		return
	}
	s.AddError(InputError{Reason: err.Error()})
}

// SetEvicted records how many sessions were closed early.
func (s *Summary) SetEvicted(n int) { s.r.Evicted = n }

// AddSession counts a finished session.
func (s *Summary) AddSession(ss *Session) {
	r := &s.r
	r.Sessions++
	if !ss.Complete {
		r.NotComplete++
	}
	r.ByOutcome[ss.Outcome]++
	s.countTime(ss.Start, ss.Outcome)
	if !ss.Start.IsZero() && (r.Start.IsZero() || ss.Start.Before(r.Start)) {
		r.Start = ss.Start
	}
	if ss.End.After(r.End) {
		r.End = ss.End
	}
	src := Source{Key: ss.Source, Server: ss.Server, Service: ss.Service}
	lc := &s.lastConn
	c := lc.c
	if c == nil || lc.src != src || lc.typ != ss.LogType || lc.connector != ss.Connector {
		c = s.connectorOf(src, ss)
		lc.src, lc.typ, lc.connector, lc.c = src, ss.LogType, ss.Connector, c
	}
	c.Sessions++
	c.ByOutcome[ss.Outcome]++

	if f := ss.Final; f != nil {
		text := ""
		if f.Code >= 400 {
			text = s.normalized(f.Text)
		}
		var num [8]byte
		k := s.key.of(string(strconv.AppendInt(num[:0], int64(f.Code), 10)), f.Enhanced, text, string(ss.Outcome))
		cs := s.codes[string(k)]
		if cs == nil {
			if len(s.codes) >= maxKeys {
				r.Truncated = true
			} else {
				cs = &CodeStats{Code: f.Code, Enhanced: strings.Clone(f.Enhanced), Text: text, Outcome: ss.Outcome, Example: ss.ID, Pos: f.Pos}
				if text == "" {
					cs.Text = normalizeText(f.Text)
				}
				s.codes[string(k)] = cs
			}
		}
		if cs != nil {
			cs.Count++
		}
	}

	for _, pc := range []struct {
		role string
		c    *Certificate
	}{{"local", ss.LocalCert}, {"remote", ss.RemoteCert}} {
		if pc.c == nil || (pc.c.Thumbprint == "" && pc.c.Subject == "") {
			continue
		}
		lc := &s.lastCert[0]
		if pc.role == "remote" {
			lc = &s.lastCert[1]
		}
		a := lc.a
		if a == nil || lc.thumbprint != pc.c.Thumbprint || lc.subject != pc.c.Subject {
			k := s.key.of(pc.role, pc.c.Thumbprint, pc.c.Subject)
			a = s.certs[string(k)]
			if a == nil {
				if len(s.certs) >= maxKeys {
					r.Truncated = true
					continue
				}
				a = &certAcc{CertStats: CertStats{Role: pc.role, Subject: pc.c.Subject, Issuer: pc.c.Issuer,
					Thumbprint: pc.c.Thumbprint, SANs: pc.c.SANs, NotAfter: pc.c.NotAfter, First: ss.Start, Example: ss.ID},
					connectors: map[string]bool{}}
				s.certs[string(k)] = a
			}
			lc.thumbprint, lc.subject, lc.a = pc.c.Thumbprint, pc.c.Subject, a
		}
		// Layouts differ in what they log (the multi-row one has no dates,
		// the thumbprint-only one no names): fill gaps from any session.
		if a.NotAfter.IsZero() {
			a.NotAfter = pc.c.NotAfter
		}
		if a.Issuer == "" {
			a.Issuer = pc.c.Issuer
		}
		if len(a.SANs) == 0 {
			a.SANs = pc.c.SANs
		}
		a.Sessions++
		if ss.Outcome != Delivered && ss.Outcome != Idle {
			a.Failed++
		}
		if ss.Start.Before(a.First) {
			a.First = ss.Start
		}
		if ss.End.After(a.Last) {
			a.Last = ss.End
		}
		if len(a.connectors) < 50 && a.lastConnector != ss.Connector {
			a.connectors[ss.Connector] = true
			a.lastConnector = ss.Connector
		}
	}
}

// connectorOf returns the stats of the session's connector, made on
// first use.
func (s *Summary) connectorOf(src Source, ss *Session) *ConnectorStats {
	label, ok := s.labels[src]
	if !ok {
		label = src.Label()
		if len(s.labels) < maxKeys {
			s.labels[src] = label
		}
	}
	ck := s.key.of(label, ss.LogType.String(), ss.Connector)
	c := s.connectors[string(ck)]
	if c == nil {
		k := string(ck)
		if len(s.connectors) >= maxKeys {
			s.r.Truncated = true
			k, label = "\x00other", "(others)"
			c = s.connectors[k]
		}
		if c == nil {
			c = &ConnectorStats{Server: label, LogType: ss.LogType, Connector: ss.Connector, ByOutcome: map[Outcome]int{}}
			s.connectors[k] = c
		}
	}
	return c
}

// normalized returns normalizeText(t), remembering recent answers: the
// same few failure texts end thousands of sessions.
func (s *Summary) normalized(t string) string {
	if n, ok := s.norm[t]; ok {
		return n
	}
	n := normalizeText(t)
	if len(s.norm) >= 4096 {
		clear(s.norm)
	}
	s.norm[strings.Clone(t)] = n // t may be part of a session's text
	return n
}

// normalizeText drops bracketed parts ("[AM4PEPF0002.eurprd04.prod...]",
// "[InternalId=...]") and message ids, which differ per server and message,
// so that replies of one kind count together.
func normalizeText(t string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c == '[' || c == '<':
			depth++
		case (c == ']' || c == '>') && depth > 0:
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	if len(out) > 160 {
		out = out[:160] + "…"
	}
	return out
}

// Result freezes the summary; maps are sorted into slices.
func (s *Summary) Result() *Result {
	r := s.r
	r.Connectors = nil
	for _, c := range s.connectors {
		r.Connectors = append(r.Connectors, *c)
	}
	sort.Slice(r.Connectors, func(i, j int) bool {
		a, b := r.Connectors[i], r.Connectors[j]
		if a.Server != b.Server {
			return a.Server < b.Server
		}
		if a.LogType != b.LogType {
			return a.LogType < b.LogType
		}
		return a.Connector < b.Connector
	})
	r.Codes = nil
	for _, c := range s.codes {
		r.Codes = append(r.Codes, *c)
	}
	sort.Slice(r.Codes, func(i, j int) bool {
		a, b := r.Codes[i], r.Codes[j]
		if (a.Code >= 400) != (b.Code >= 400) {
			return a.Code >= 400
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Code != b.Code {
			return a.Code > b.Code
		}
		if a.Enhanced != b.Enhanced {
			return a.Enhanced < b.Enhanced
		}
		return a.Text < b.Text
	})
	r.Timeline, r.TimelineStep = nil, time.Minute
	if s.hourly {
		r.TimelineStep = time.Hour
	}
	keys := make([]int64, 0, len(s.timeline))
	for k := range s.timeline {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, k := range keys {
		tb := TimeBucket{Start: time.Unix(k*int64(r.TimelineStep/time.Second), 0).UTC(), Count: map[Outcome]int{}}
		for i, o := range outcomeOrder {
			if n := s.timeline[k][i]; n > 0 {
				tb.Count[o] = n
			}
		}
		r.Timeline = append(r.Timeline, tb)
	}
	r.Certs = nil
	for _, a := range s.certs {
		c := a.CertStats
		for n := range a.connectors {
			c.Connectors = append(c.Connectors, n)
		}
		sort.Strings(c.Connectors)
		r.Certs = append(r.Certs, c)
	}
	sort.Slice(r.Certs, func(i, j int) bool {
		a, b := r.Certs[i], r.Certs[j]
		if a.Role != b.Role {
			return a.Role < b.Role
		}
		if !a.First.Equal(b.First) {
			return a.First.Before(b.First)
		}
		if a.Thumbprint != b.Thumbprint {
			return a.Thumbprint < b.Thumbprint
		}
		return a.Subject < b.Subject
	})
	return &r
}

// keyBuf builds composite map keys (parts joined by a zero byte) in one
// reused buffer: m[string(b)] looks up without allocating, and only a new
// entry makes a string of it.
type keyBuf []byte

func (b *keyBuf) of(parts ...string) []byte {
	k := (*b)[:0]
	for i, p := range parts {
		if i > 0 {
			k = append(k, 0)
		}
		k = append(k, p...)
	}
	*b = k
	return k
}
