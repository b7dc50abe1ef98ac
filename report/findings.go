package report

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/dustin/go-humanize"

	"github.com/logscan/logscan/analyze"
)

const (
	maxTextSessionIDs = 5  // session ids a finding lists in text
	maxTextFindings   = 40 // findings described in text
)

// findingsText writes the findings section that leads the text summary.
func findingsText(p *printer, r *analyze.Result, width int, color bool) {
	counts := map[analyze.Severity]int{}
	for _, f := range r.Findings {
		counts[f.Severity]++
	}
	if len(r.Findings) == 0 {
		p.line("Findings: none.")
	} else {
		var parts []string
		for _, sv := range []analyze.Severity{analyze.Error, analyze.Warning, analyze.Info} {
			if n := counts[sv]; n > 0 {
				word := sv.String()
				if n > 1 {
					word += "s"
				}
				parts = append(parts, fmt.Sprintf("%d %s", n, word))
			}
		}
		p.linef("Findings: %s", strings.Join(parts, ", "))
		// In plain words first: the worst findings that cover the most
		// sessions; the details follow.
		worst, _ := r.Worst()
		var top []analyze.Finding
		for _, f := range r.Findings {
			if f.Severity == worst && f.Sessions > 0 {
				top = append(top, f)
			}
		}
		sort.SliceStable(top, func(i, j int) bool { return top[i].Sessions > top[j].Sessions })
		for i, f := range top {
			if i == 3 {
				break
			}
			wrapTo(p, "  * ", fmt.Sprintf("%s (%s)", f.Title, plural(f.Sessions, "session")), width)
		}
	}
	for i, f := range r.Findings {
		if i == maxTextFindings {
			p.line("")
			p.linef("... and %s more findings (--format json lists them all)", humanize.Comma(int64(len(r.Findings)-i)))
			break
		}
		p.line("")
		label := "[" + strings.ToUpper(f.Severity.String()) + "]"
		if color {
			label = map[analyze.Severity]string{analyze.Error: "\x1b[1;31m", analyze.Warning: "\x1b[1;33m", analyze.Info: "\x1b[1;36m"}[f.Severity] + label + "\x1b[0m"
		}
		wrapTo(p, label+" ", f.Title, width+len(label)-len("[WARNING]"))
		meta := f.ID
		if f.Sessions > 0 {
			meta += " · " + plural(f.Sessions, "session")
			switch a, b := f.First.UTC().Format("2006-01-02 15:04"), f.Last.UTC().Format("2006-01-02 15:04"); {
			case f.First.IsZero():
			case a == b:
				meta += " · " + a + " UTC"
			default:
				meta += " · " + a + " to " + b + " UTC"
			}
		}
		p.line("  " + meta)
		wrapTo(p, "  ", f.Explanation, width)
		if f.Remedy != "" {
			wrapTo(p, "  What to do: ", f.Remedy, width)
		}
		if len(f.Evidence) > 0 {
			// Every line of the first session, then one line (the deciding
			// one) of each other session; JSON and HTML have them all.
			p.line("  Evidence:")
			shown := map[string]bool{}
			for _, e := range f.Evidence {
				if e.Session != f.Evidence[0].Session {
					if shown[e.Session] {
						continue
					}
					shown[e.Session] = true
				}
				p.linef("    %s:%d (session %s)", path.Base(strings.ReplaceAll(e.Pos.File, `\`, "/")), e.Pos.Line, e.Session)
				hardWrap(p, "      ", e.Raw, width)
			}
		}
		if f.Link != "" {
			p.line("  Read more: " + f.Link)
		}
		if n := len(f.SessionIDs); n > 0 && f.Sessions > 1 {
			ids := f.SessionIDs[:min(n, maxTextSessionIDs)]
			more := ""
			if f.Sessions > len(ids) {
				more = fmt.Sprintf(" and %s more (logscan -f ndjson lists every session with its findings)", humanize.Comma(int64(f.Sessions-len(ids))))
			}
			p.linef("  Sessions: %s%s", strings.Join(ids, ", "), more)
		}
	}
	if len(r.SkippedChecks) > 0 {
		p.line("")
		p.line("Checks that did not run:")
		for _, s := range r.SkippedChecks {
			wrapTo(p, "  ", fmt.Sprintf("%s: %s (add %s FILE).", s.ID, s.Reason, s.Flag), width)
		}
	}
}

// wrapTo writes text wrapped at width, the first line after prefix and the
// rest indented to match.
func wrapTo(p *printer, prefix, text string, width int) {
	indent := strings.Repeat(" ", len([]rune(prefix)))
	if width < 40 {
		width = 40
	}
	line := prefix
	empty := true
	for _, w := range strings.Fields(text) {
		w = cut(w, width-len(indent))
		if !empty && len([]rune(line))+1+len([]rune(w)) > width {
			p.line(line)
			line, empty = indent, true
		}
		if !empty {
			line += " "
		}
		line += w
		empty = false
	}
	if !empty {
		p.line(line)
	}
}

// hardWrap writes a log line in full, broken at width wherever it falls:
// the line is evidence, so none of it is dropped (control characters are
// made visible, and one line is capped at a few thousand characters).
func hardWrap(p *printer, indent, raw string, width int) {
	text := []rune(cut(raw, 4000))
	n := width - len(indent)
	if n < 20 {
		n = 20
	}
	for len(text) > n {
		p.line(indent + string(text[:n]))
		text = text[n:]
	}
	p.line(indent + string(text))
}
