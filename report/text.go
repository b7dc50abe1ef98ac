package report

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dustin/go-humanize"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/logscan/logscan/analyze"
)

// TextOptions tune the terminal summary.
type TextOptions struct {
	// MaxErrors is how many input problems are listed before "and N more".
	MaxErrors int
	// Width is the terminal width; long cells are cut to fit. 0 means 120.
	Width int
	// Color marks severities with ANSI colours (for a terminal).
	Color bool
}

// Text writes the problems-first terminal summary.
func Text(w io.Writer, r *analyze.Result, meta Meta, o TextOptions) error {
	if o.MaxErrors <= 0 {
		o.MaxErrors = 10
	}
	if o.Width <= 0 {
		o.Width = 120
	}
	p := &printer{w: w}

	// What was read.
	switch {
	case r.State != nil && len(r.Files) == 0:
		p.linef("logscan %s: nothing new since the last run", meta.Version)
	case r.State != nil:
		p.linef("logscan %s: %s in %s, %s rows%s new since the last run", meta.Version, plural(len(r.Files), "file"),
			humanize.IBytes(uint64(r.Bytes)), humanize.Comma(int64(r.Rows)), readNotes(r))
	default:
		p.linef("logscan %s: %s in %s, %s rows%s", meta.Version, plural(len(r.Files), "file"),
			humanize.IBytes(uint64(r.Bytes)), humanize.Comma(int64(r.Rows)), readNotes(r))
	}
	if !r.Start.IsZero() {
		p.linef("Time span: %s to %s UTC (%s)", r.Start.UTC().Format("2006-01-02 15:04:05"),
			r.End.UTC().Format("2006-01-02 15:04:05"), span(r.End.Sub(r.Start)))
	}
	if r.State != nil {
		wrapTo(p, "", stateLine(r.State), o.Width)
	}
	if meta.Redacted != nil {
		var kinds []string
		for k, n := range meta.Redacted {
			kinds = append(kinds, fmt.Sprintf("%d %s", n, k))
		}
		sort.Strings(kinds)
		p.linef("Redacted: names are replaced by stable pseudonyms (%s); codes, Microsoft hosts and thumbprints are kept.", strings.Join(kinds, ", "))
	}
	if len(r.Exports) > 0 {
		var ex []string
		for _, e := range r.Exports {
			ex = append(ex, fmt.Sprintf("%s %s (%s, %d)", e.Kind, e.File, e.Form, e.Records))
		}
		p.linef("Exports: %s", strings.Join(ex, "; "))
		for _, e := range r.Exports {
			for _, w := range e.Warnings {
				p.linef("  warning: %s", cut(w, o.Width-12))
			}
		}
	}
	p.line("")

	findingsText(p, r, o.Width, o.Color)
	p.line("")

	// Sessions by outcome.
	var parts []string
	for _, oc := range analyze.Outcomes {
		if n := r.ByOutcome[oc]; n > 0 {
			parts = append(parts, humanize.Comma(int64(n))+" "+string(oc))
		}
	}
	p.linef("Sessions: %s%s", humanize.Comma(int64(r.Sessions)), joinParen(parts))
	if r.NotComplete > 0 {
		p.linef("  %s did not start and end within the logs given (incomplete: started in an earlier file or still open at the end).",
			plural(r.NotComplete, "session"))
	}
	if r.Evicted > 0 {
		p.linef("  warning: %s were closed early to bound memory (too many open at once); they are counted as incomplete.",
			plural(r.Evicted, "session"))
	}

	// Replies that ended sessions, failures first.
	var fails []analyze.CodeStats
	for _, c := range r.Codes {
		if c.Code >= 400 {
			fails = append(fails, c)
		}
	}
	if len(fails) > 0 {
		p.section("Replies that ended sessions in failure")
		rows := make([][]string, 0, len(fails))
		for _, c := range fails {
			rows = append(rows, []string{strconv.Itoa(c.Code), c.Enhanced, string(c.Outcome),
				humanize.Comma(int64(c.Count)), c.Example, c.Text})
		}
		p.table([]string{"Code", "Enhanced", "Outcome", "Sessions", "Example session", "Reply"}, rows,
			[]tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignLeft, tw.AlignLeft},
			[]int{0, 0, 0, 0, 16, 40}, o.Width)
	}

	if len(r.Connectors) > 0 {
		p.section("Sessions by connector and outcome")
		hdr := []string{"Server", "Log", "Connector", "Sessions"}
		aligns := []tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignRight}
		for _, oc := range analyze.Outcomes {
			hdr = append(hdr, string(oc))
			aligns = append(aligns, tw.AlignRight)
		}
		rows := make([][]string, 0, len(r.Connectors))
		for _, c := range r.Connectors {
			row := []string{c.Server, c.LogType.String(), c.Connector, humanize.Comma(int64(c.Sessions))}
			for _, oc := range analyze.Outcomes {
				row = append(row, count(c.ByOutcome[oc]))
			}
			rows = append(rows, row)
		}
		p.table(hdr, rows, aligns, []int{16, 7, 24}, o.Width)
	}

	if len(r.Certs) > 0 {
		p.section("Certificates (sent: presented by this server; received: the remote's)")
		rows := make([][]string, 0, len(r.Certs))
		for _, c := range r.Certs {
			role := "sent"
			if c.Role == "remote" {
				role = "received"
			}
			subject := c.Subject
			if subject == "" {
				subject = "(thumbprint only)"
			}
			rows = append(rows, []string{role, subject, c.Thumbprint, day(c.NotAfter), minute(c.First), minute(c.Last),
				humanize.Comma(int64(c.Sessions)), count(c.Failed)})
		}
		p.table([]string{"Cert", "Subject", "Thumbprint", "Expires", "First seen", "Last seen", "Sessions", "Failed"}, rows,
			[]tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight},
			[]int{0, 30, 14}, o.Width)
	}

	var oks []analyze.CodeStats
	for _, c := range r.Codes {
		if c.Code < 400 {
			oks = append(oks, c)
		}
	}
	if len(oks) > 0 {
		p.section("Other final replies")
		rows := make([][]string, 0, len(oks))
		for _, c := range oks {
			rows = append(rows, []string{strconv.Itoa(c.Code), c.Enhanced, string(c.Outcome), humanize.Comma(int64(c.Count)), c.Example, c.Text})
		}
		p.table([]string{"Code", "Enhanced", "Outcome", "Sessions", "Example session", "Reply"}, rows,
			[]tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignLeft, tw.AlignLeft},
			[]int{0, 0, 0, 0, 16, 40}, o.Width)
	}

	if r.ErrorCount > 0 {
		p.section(fmt.Sprintf("Input problems (%s)", humanize.Comma(int64(r.ErrorCount))))
		for i, e := range r.Errors {
			if i == o.MaxErrors {
				break
			}
			where := e.File
			if e.Line > 0 {
				where += ":" + strconv.Itoa(e.Line)
			}
			p.linef("  %s: %s", where, cut(e.Reason, o.Width-len(where)-4))
		}
		if more := r.ErrorCount - min(len(r.Errors), o.MaxErrors); more > 0 {
			p.linef("  ... and %s more (all are counted; --format json lists the first %d)", humanize.Comma(int64(more)), analyze.MaxInputErrors)
		}
	}
	return p.err
}

func readNotes(r *analyze.Result) string {
	var n []string
	if r.BadRows > 0 {
		n = append(n, humanize.Comma(int64(r.BadRows))+" unreadable")
	}
	if r.SkippedRows > 0 {
		n = append(n, humanize.Comma(int64(r.SkippedRows))+" skipped (not SMTP protocol logs)")
	}
	if r.RepairedRows > 0 {
		n = append(n, humanize.Comma(int64(r.RepairedRows))+" repaired (damaged copies: markdown, HTML, rows run together)")
	}
	if r.UTF16Files > 0 {
		n = append(n, plural(r.UTF16Files, "UTF-16 file"))
	}
	return joinParen(n)
}

func joinParen(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return humanize.Comma(int64(n)) + " " + word + "s"
}

func count(n int) string {
	if n == 0 {
		return "-"
	}
	return humanize.Comma(int64(n))
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func minute(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("01-02 15:04")
}

// span renders a duration for people: "1 hour 14 minutes", "45 seconds".
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return plural(int(d/time.Second), "second")
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return plural(h, "hour")
		}
		return plural(h, "hour") + " " + plural(m, "minute")
	}
	return plural(int(d/(24*time.Hour)), "day")
}

// cut shortens s to n runes, marking the cut; control characters from the
// log are made visible so they cannot move the terminal's cursor.
func cut(s string, n int) string {
	if n < 8 {
		n = 8
	}
	var b strings.Builder
	i := 0
	for _, r := range s {
		if i == n-1 && utf8.RuneCountInString(s) > n {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f {
			r = '�'
		}
		b.WriteRune(r)
		i++
	}
	return b.String()
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(s string) {
	if p.err == nil {
		_, p.err = io.WriteString(p.w, s+"\n")
	}
}

func (p *printer) linef(format string, a ...any) { p.line(fmt.Sprintf(format, a...)) }

func (p *printer) section(title string) {
	p.line("")
	p.line(title)
}

// table renders rows with a plain, borderless layout that reads well in any
// console. Cells are cut so the table fits width: the last column gives way
// first.
func (p *printer) table(header []string, rows [][]string, aligns []tw.Align, mins []int, width int) {
	if p.err != nil {
		return
	}
	fit(header, rows, mins, width)
	var buf bytes.Buffer
	t := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleASCII),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenRows: tw.Off, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.Off},
			},
		})),
		tablewriter.WithConfig(tablewriter.Config{
			Header: tw.CellConfig{
				Formatting: tw.CellFormatting{AutoFormat: tw.Off, AutoWrap: tw.WrapNone},
				Alignment:  tw.CellAlignment{PerColumn: aligns},
			},
			Row: tw.CellConfig{
				Formatting: tw.CellFormatting{AutoWrap: tw.WrapNone},
				Alignment:  tw.CellAlignment{PerColumn: aligns},
			},
		}),
		tablewriter.WithTrimSpace(tw.Off),
	)
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = strings.ToUpper(h)
	}
	t.Header(hdr...)
	for _, row := range rows {
		if err := t.Append(row); err != nil {
			p.err = err
			return
		}
	}
	if p.err = t.Render(); p.err != nil {
		return
	}
	// tablewriter pads every cell; trailing blanks only get in the way.
	for _, l := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		p.line(strings.TrimRight(l, " "))
	}
}

// fit cuts cells until the rows fit width: always the widest column that
// is still above its minimum (mins[j], default 12).
func fit(header []string, rows [][]string, mins []int, width int) {
	minOf := func(j int) int {
		if j < len(mins) && mins[j] > 0 {
			return mins[j]
		}
		return 12
	}
	for i := range rows {
		for j := range rows[i] {
			rows[i][j] = cut(rows[i][j], 200)
		}
	}
	colw := func() []int {
		w := make([]int, len(header))
		for j, h := range header {
			w[j] = utf8.RuneCountInString(h)
		}
		for _, r := range rows {
			for j, c := range r {
				w[j] = max(w[j], utf8.RuneCountInString(c))
			}
		}
		return w
	}
	for iter := 0; iter < 50; iter++ {
		w := colw()
		total := 0
		widest := -1
		for j, x := range w {
			total += x + 2
			if x > minOf(j) && (widest < 0 || x-minOf(j) > w[widest]-minOf(widest)) {
				widest = j
			}
		}
		if total <= width || widest < 0 {
			return
		}
		limit := max(minOf(widest), w[widest]-(total-width))
		for i := range rows {
			rows[i][widest] = cut(rows[i][widest], limit)
		}
		if utf8.RuneCountInString(header[widest]) > limit {
			return
		}
	}
}
