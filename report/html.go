package report

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/parser"
)

// The HTML report is one self-contained file: CSS inline, the chart as
// inline SVG, no fonts, images or scripts fetched from anywhere, and a
// Content-Security-Policy that forbids any fetch and allows only the one
// inline script below (by its hash). Log text reaches the page only as data
// through html/template, which escapes it for its context.

//go:embed report.html.tmpl
var htmlSource string

//go:embed report.js
var htmlScript string

var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"comma": func(n int) string { return humanize.Comma(int64(n)) },
	"lower": strings.ToLower,
}).Parse(htmlSource))

// scriptHash is the CSP source for htmlScript.
var scriptHash = func() string {
	sum := sha256.Sum256([]byte(htmlScript))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// Caps that keep the report a few MB whatever the input.
const (
	htmlMaxRows       = 200 // rows of the certificate, code, file and connector tables
	htmlMaxTranscript = 200 // transcript lines shown per session
	htmlMaxFindings   = 100 // findings described
)

// HTMLOptions are what the HTML report shows beyond the result.
type HTMLOptions struct {
	// Sessions are failing sessions kept with their transcripts for the
	// drill-down; SessionsMore counts the failing sessions not kept.
	Sessions     []*analyze.Session
	SessionsMore int
	// ListCommand is the command line that lists every failing session.
	ListCommand string
	// Redacted lists what --redact replaced ("e-mail addresses": 12 ...);
	// nil when the report is not redacted.
	Redacted map[string]int
}

// HTML writes the report.
func HTML(w io.Writer, r *analyze.Result, meta Meta, o HTMLOptions) error {
	return htmlTmpl.Execute(w, newHTMLData(r, meta, o))
}

type htmlData struct {
	CSP          string
	Script       template.JS // our own constant script, never log text
	Version      string
	Generated    string
	Verdict      verdict
	Redacted     []string
	Findings     []htmlFinding
	FindingsMore int
	Skipped      []analyze.Skipped
	Chart        *chart
	Summary      []kv
	Connectors   []connRow
	ConnMore     int
	Outcomes     []string
	Certs        []certRow
	CertsMore    int
	Codes        []codeRow
	CodesMore    int
	Sessions     []htmlSession
	SessMore     int
	ListCmd      string
	Files        []fileRow
	FilesMore    int
	Span         string
	Servers      []string
	Exports      []analyze.ExportInfo
	Inputs       []string
	State        string
	Errors       []analyze.InputError
	ErrorsMore   int
}

type kv struct{ K, V string }

type verdict struct {
	Class    string // error, warning, info, ok
	Headline string
	Lines    []string
}

type htmlFinding struct {
	analyze.Finding
	Sev      string
	Anchor   string
	Evidence []evidenceRow // of the first session
	Further  []evidenceRow // of the others, folded away
	FurtherN int           // how many other sessions
	IDs      string
	More     int
	When     string
}

type evidenceRow struct {
	Where, Session, Raw string
}

type connRow struct {
	Server, Log, Connector string
	Sessions               int
	Counts                 []int
}

type certRow struct {
	Role, Subject, Issuer, Thumbprint, SANs, NotAfter, First, Last string
	Sessions, Failed                                               int
	Rate                                                           string
	Bad                                                            bool
}

type codeRow struct {
	Code, Enhanced, Outcome, Text, Example string
	Count                                  int
	Bad                                    bool
}

type fileRow struct {
	Name, Source, Log, Size, Rows, Bad, Span, Err string
	Note                                          string // repaired rows, UTF-16
}

type htmlSession struct {
	ID, Title, Outcome, Where, Endpoints, When, Final string
	Findings                                          []string
	Rows                                              []transcriptRow
	Omitted                                           int
}

type transcriptRow struct {
	Time, Event, Data, Context, Pos string
	Mark                            bool
}

func newHTMLData(r *analyze.Result, meta Meta, o HTMLOptions) *htmlData {
	d := &htmlData{
		CSP:       "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src " + scriptHash + "; base-uri 'none'; form-action 'none'",
		Script:    template.JS(htmlScript),
		Version:   meta.Version,
		Generated: meta.Generated.UTC().Format("2006-01-02 15:04:05 UTC"),
		Skipped:   r.SkippedChecks,
		Exports:   r.Exports,
		Inputs:    meta.Inputs,
		State:     stateLine(r.State),
		ListCmd:   o.ListCommand,
		SessMore:  o.SessionsMore,
	}
	d.Verdict = makeVerdict(r)
	if o.Redacted != nil {
		keys := make([]string, 0, len(o.Redacted))
		for k := range o.Redacted {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			d.Redacted = append(d.Redacted, fmt.Sprintf("%s %s", humanize.Comma(int64(o.Redacted[k])), k))
		}
		if len(d.Redacted) == 0 {
			d.Redacted = []string{"nothing needed replacing"}
		}
	}
	for i, f := range r.Findings {
		if i == htmlMaxFindings {
			d.FindingsMore = len(r.Findings) - i
			break
		}
		hf := htmlFinding{Finding: f, Sev: f.Severity.String(), Anchor: fmt.Sprintf("f%d", i+1), More: f.Sessions - len(f.SessionIDs)}
		hf.IDs = strings.Join(f.SessionIDs, ", ")
		if !f.First.IsZero() {
			hf.When = f.First.UTC().Format("2006-01-02 15:04:05")
			if !f.Last.Equal(f.First) {
				hf.When += " to " + f.Last.UTC().Format("2006-01-02 15:04:05")
			}
			hf.When += " UTC"
		}
		others := map[string]bool{}
		for _, e := range f.Evidence {
			row := evidenceRow{Where: fmt.Sprintf("%s:%d", e.Pos.File, e.Pos.Line), Session: e.Session, Raw: e.Raw}
			if e.Session == f.Evidence[0].Session {
				hf.Evidence = append(hf.Evidence, row)
			} else {
				hf.Further = append(hf.Further, row)
				others[e.Session] = true
			}
		}
		hf.FurtherN = len(others)
		d.Findings = append(d.Findings, hf)
	}
	d.Chart = newChart(r)

	d.Summary = []kv{
		{"Sessions", humanize.Comma(int64(r.Sessions))},
	}
	for _, oc := range analyze.Outcomes {
		d.Outcomes = append(d.Outcomes, string(oc))
		if n := r.ByOutcome[oc]; n > 0 {
			d.Summary = append(d.Summary, kv{string(oc), humanize.Comma(int64(n))})
		}
	}
	if r.NotComplete > 0 {
		d.Summary = append(d.Summary, kv{"not complete", humanize.Comma(int64(r.NotComplete))})
	}
	for i, c := range r.Connectors {
		if i == htmlMaxRows {
			d.ConnMore = len(r.Connectors) - i
			break
		}
		row := connRow{Server: c.Server, Log: c.LogType.String(), Connector: c.Connector, Sessions: c.Sessions}
		for _, oc := range analyze.Outcomes {
			row.Counts = append(row.Counts, c.ByOutcome[oc])
		}
		d.Connectors = append(d.Connectors, row)
	}
	for i, c := range r.Certs {
		if i == htmlMaxRows {
			d.CertsMore = len(r.Certs) - i
			break
		}
		role := "presented by this server"
		if c.Role == "remote" {
			role = "the remote's"
		}
		rate := "0%"
		if c.Sessions > 0 {
			rate = fmt.Sprintf("%.0f%%", 100*float64(c.Failed)/float64(c.Sessions))
		}
		d.Certs = append(d.Certs, certRow{Role: role, Subject: c.Subject, Issuer: c.Issuer, Thumbprint: c.Thumbprint,
			SANs: strings.Join(c.SANs, ", "), NotAfter: day(c.NotAfter), First: stamp(c.First), Last: stamp(c.Last),
			Sessions: c.Sessions, Failed: c.Failed, Rate: rate, Bad: c.Failed > 0 && c.Role == "local"})
	}
	for i, c := range r.Codes {
		if i == htmlMaxRows {
			d.CodesMore = len(r.Codes) - i
			break
		}
		d.Codes = append(d.Codes, codeRow{Code: fmt.Sprint(c.Code), Enhanced: c.Enhanced, Outcome: string(c.Outcome),
			Text: c.Text, Example: c.Example, Count: c.Count, Bad: c.Code >= 400})
	}
	for _, s := range o.Sessions {
		d.Sessions = append(d.Sessions, newHTMLSession(s))
	}
	servers := map[string]bool{}
	for i, f := range r.Files {
		if l := f.Source.Label(); f.Source.Server != "" {
			servers[l] = true
		}
		if i == htmlMaxRows {
			d.FilesMore = len(r.Files) - i
			continue
		}
		span := ""
		if !f.First.IsZero() {
			span = stamp(f.First) + " to " + stamp(f.Last)
		}
		d.Files = append(d.Files, fileRow{Name: f.Name, Source: f.Source.Label(), Log: f.LogType.String(),
			Size: humanize.IBytes(uint64(f.Bytes)), Rows: humanize.Comma(int64(f.Rows)), Bad: humanize.Comma(int64(f.Bad)),
			Span: span, Err: f.Err, Note: fileNote(f)})
	}
	for s := range servers {
		d.Servers = append(d.Servers, s)
	}
	sort.Strings(d.Servers)
	if !r.Start.IsZero() {
		d.Span = fmt.Sprintf("%s to %s (%s)", stamp(r.Start), stamp(r.End), span(r.End.Sub(r.Start)))
	}
	d.Errors = r.Errors
	d.ErrorsMore = r.ErrorCount - len(r.Errors)
	return d
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// makeVerdict sums up the worst findings in a sentence or two.
func makeVerdict(r *analyze.Result) verdict {
	worst, any := r.Worst()
	if !any {
		v := verdict{Class: "ok", Headline: fmt.Sprintf("No problems found in %s sessions.", humanize.Comma(int64(r.Sessions)))}
		if len(r.SkippedChecks) > 0 {
			v.Lines = []string{"Some checks did not run for want of an export; see Findings."}
		}
		return v
	}
	var top []analyze.Finding
	for _, f := range r.Findings {
		if f.Severity == worst {
			top = append(top, f)
		}
	}
	// The findings that cover the most sessions lead.
	sort.SliceStable(top, func(i, j int) bool { return top[i].Sessions > top[j].Sessions })
	n := len(top)
	word := map[analyze.Severity]string{analyze.Error: "problem", analyze.Warning: "warning", analyze.Info: "note"}[worst]
	v := verdict{Class: worst.String()}
	if n == 1 {
		v.Headline = fmt.Sprintf("1 %s: %s", word, top[0].Title)
	} else {
		v.Headline = fmt.Sprintf("%d %ss. The most widespread: %s", n, word, top[0].Title)
	}
	for i, f := range top {
		if i == 3 {
			v.Lines = append(v.Lines, fmt.Sprintf("… and %d more below.", n-3))
			break
		}
		line := f.Title
		if f.Sessions > 0 {
			line += fmt.Sprintf(" (%s)", plural(f.Sessions, "session"))
		}
		v.Lines = append(v.Lines, line)
	}
	return v
}

func newHTMLSession(s *analyze.Session) htmlSession {
	hs := htmlSession{ID: s.ID, Outcome: string(s.Outcome), Findings: s.Findings}
	hs.Where = analyze.Source{Key: s.Source, Server: s.Server, Service: s.Service}.Label() + " · " + s.LogType.String()
	if s.Connector != "" {
		hs.Where += " · " + s.Connector
	}
	hs.Endpoints = strings.TrimSpace(s.Local + " → " + s.Remote)
	if s.RemoteHost != "" {
		hs.Endpoints += " (" + s.RemoteHost + ")"
	}
	hs.When = stamp(s.Start) + " to " + stamp(s.End) + " UTC"
	if s.Final != nil {
		hs.Final = strings.TrimSpace(fmt.Sprintf("%d %s %s", s.Final.Code, s.Final.Enhanced, s.Final.Text))
		if s.Final.Command != "" {
			hs.Final += " (answer to " + s.Final.Command + ")"
		}
	} else if s.TLSError != "" {
		hs.Final = "TLS negotiation failed with error " + s.TLSError
	} else if s.ConnectError != "" {
		hs.Final = s.ConnectError
	}
	hs.Title = fmt.Sprintf("%s — %s", s.ID, s.Outcome)
	marks := map[analyze.Pos]bool{}
	if s.Final != nil {
		marks[s.Final.Pos] = true
	}
	for _, l := range []analyze.Line{s.TLSErrorAt, s.ConnectErrorAt} {
		marks[l.Pos] = true
	}
	if s.LocalCert != nil {
		for _, l := range s.LocalCert.Rows {
			marks[l.Pos] = true
		}
	}
	for _, m := range s.Messages {
		if m.Reply != nil && m.Reply.Code >= 400 {
			marks[m.Reply.Pos] = true
		}
	}
	rows, dropped := s.ParsedTranscript()
	for i, r := range rows {
		if i == htmlMaxTranscript {
			hs.Omitted = len(rows) - i
			break
		}
		tr := transcriptRow{Data: r.Data, Context: r.Context, Event: r.Event.String(),
			Pos: fmt.Sprintf("%s:%d", path.Base(strings.ReplaceAll(r.Pos.File, `\`, "/")), r.Pos.Line), Mark: marks[r.Pos]}
		if !r.Time.IsZero() {
			tr.Time = r.Time.UTC().Format("15:04:05.000")
		} else {
			tr.Data = r.Raw
		}
		hs.Rows = append(hs.Rows, tr)
	}
	hs.Omitted += dropped
	return hs
}

// ---- the timeline chart ----

type chart struct {
	W, H, PlotX, PlotY, PlotW, PlotH int
	Bottom, Right                    int
	Step                             string
	Bars                             []bar
	XTicks                           []tick
	YTicks                           []tick
	Markers                          []marker
	Legend                           []legendItem
	Summary                          string
}

type bar struct {
	X, W float64
	Segs []seg
}

type seg struct {
	Y, H  float64
	Class string
	Title string
}

type tick struct {
	X, Y  float64
	Label string
}

type marker struct {
	X     float64
	Label string
	Title string
}

type legendItem struct {
	X     int
	Class string
	Label string
}

// chartOrder stacks outcomes from the bottom: good first.
var chartOrder = []analyze.Outcome{analyze.Delivered, analyze.Idle, analyze.Incomplete, analyze.Failed, analyze.Deferred, analyze.Rejected}

func newChart(r *analyze.Result) *chart {
	if len(r.Timeline) == 0 {
		return nil
	}
	start, end := r.Timeline[0].Start, r.Timeline[len(r.Timeline)-1].Start
	span := end.Sub(start) + r.TimelineStep
	step := r.TimelineStep
	switch {
	case span > 21*24*time.Hour:
		step = 24 * time.Hour
	case span > 3*time.Hour:
		step = time.Hour
	}
	if step < r.TimelineStep {
		step = r.TimelineStep
	}
	start = start.Truncate(step)
	n := int(end.Sub(start)/step) + 1
	for n > 2000 { // never more bars than a page can show
		step *= 2
		start = start.Truncate(step)
		n = int(end.Sub(start)/step) + 1
	}
	counts := make([]map[analyze.Outcome]int, n)
	for _, b := range r.Timeline {
		i := int(b.Start.Sub(start) / step)
		if i < 0 || i >= n {
			continue
		}
		if counts[i] == nil {
			counts[i] = map[analyze.Outcome]int{}
		}
		for o, c := range b.Count {
			counts[i][o] += c
		}
	}
	maxTotal := 1
	for _, c := range counts {
		t := 0
		for _, v := range c {
			t += v
		}
		maxTotal = max(maxTotal, t)
	}
	ch := &chart{W: 960, H: 260, PlotX: 56, PlotY: 20, PlotW: 880, PlotH: 180}
	ch.Bottom, ch.Right = ch.PlotY+ch.PlotH, ch.PlotX+ch.PlotW
	ch.Step = map[time.Duration]string{time.Minute: "minute", time.Hour: "hour", 24 * time.Hour: "day"}[step]
	if ch.Step == "" {
		ch.Step = step.String()
	}
	bw := float64(ch.PlotW) / float64(n)
	scale := float64(ch.PlotH) / float64(maxTotal)
	label := func(t time.Time) string {
		switch {
		case step >= 24*time.Hour:
			return t.UTC().Format("Jan 2")
		case span > 24*time.Hour:
			return t.UTC().Format("Jan 2 15:04")
		}
		return t.UTC().Format("15:04")
	}
	for i, c := range counts {
		x := float64(ch.PlotX) + float64(i)*bw
		b := bar{X: x + bw*0.1, W: max(bw*0.8, 0.5)}
		y := float64(ch.PlotY + ch.PlotH)
		for _, o := range chartOrder {
			v := c[o]
			if v == 0 {
				continue
			}
			h := float64(v) * scale
			y -= h
			b.Segs = append(b.Segs, seg{Y: y, H: h, Class: string(o),
				Title: fmt.Sprintf("%s UTC: %s %s", label(start.Add(time.Duration(i)*step)), humanize.Comma(int64(v)), o)})
		}
		if len(b.Segs) > 0 {
			ch.Bars = append(ch.Bars, b)
		}
	}
	nt := min(n, 8)
	for k := 0; k < nt; k++ {
		i := k * (n - 1) / max(nt-1, 1)
		ch.XTicks = append(ch.XTicks, tick{X: float64(ch.PlotX) + (float64(i)+0.5)*bw, Y: float64(ch.PlotY+ch.PlotH) + 16,
			Label: label(start.Add(time.Duration(i) * step))})
	}
	for _, f := range []float64{0, 0.5, 1} {
		v := int(f * float64(maxTotal))
		ch.YTicks = append(ch.YTicks, tick{X: float64(ch.PlotX) - 6, Y: float64(ch.PlotY+ch.PlotH) - float64(v)*scale + 4, Label: humanize.Comma(int64(v))})
	}
	for _, f := range r.Findings {
		if f.ID != "certificate-changed" || f.First.IsZero() {
			continue
		}
		x := float64(ch.PlotX) + float64(f.First.Sub(start))/float64(step)*bw
		ch.Markers = append(ch.Markers, marker{X: x, Label: "certificate changed", Title: f.Title})
	}
	for i, o := range chartOrder {
		ch.Legend = append(ch.Legend, legendItem{X: ch.PlotX + i*130, Class: string(o), Label: string(o)})
	}
	ch.Summary = fmt.Sprintf("Sessions per %s by outcome, %s to %s UTC; the tallest %s has %s sessions.",
		ch.Step, stamp(start), stamp(end.Add(step)), ch.Step, humanize.Comma(int64(maxTotal)))
	return ch
}

// fileNote says how a file had to be read, when it was not as Exchange
// writes it.
func fileNote(f analyze.FileStats) string {
	var n []string
	if f.Encoding != parser.EncodingUTF8 {
		n = append(n, "read as "+f.Encoding.String())
	}
	if f.Repaired > 0 {
		n = append(n, humanize.Comma(int64(f.Repaired))+" rows repaired (a damaged copy)")
	}
	return strings.Join(n, "; ")
}
