package parser

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The Format-List form ("Get-InboundConnector | fl"):
//
//	Name                         : Inbound from 1f6e6f4e-...
//	SenderIPAddresses            : {203.0.113.0/24, 198.51.100.10, 198.51.100.11,
//	                               198.51.100.12...}
//
// Property names padded to a common width, " : ", the value; records
// separated by blank lines; lists as {a, b, c}, cut with "…" (PowerShell 7)
// or "..." (5.1) after $FormatEnumerationLimit items; values longer than
// the console wrapped onto indented continuation lines.
//
// Un-wrapping has to guess whether a break fell on a space (PowerShell in
// English and a few other cultures wraps at word boundaries and drops the
// space) or inside a word (a word longer than the line, or a culture
// without word wrap). Lists are easy: their items (domains, addresses, host
// names) have no spaces, so continuation lines are joined without one and
// the items split on commas. Other values are joined with a space unless
//   - the two pieces of word at the break would not fit together on one
//     line of the file's longest width: word wrap must have split a long
//     word (an Identity "SERVER.FQDN\THUMBPRINT", say); or
//   - the file shows hard wrapping, two or more lines of exactly the
//     longest length each followed by a continuation line, and the line
//     before the break is that long.

// flProp is a property being read, with its continuation lines.
type flProp struct {
	name    string
	line    int
	text    strings.Builder // value so far, un-wrapped
	last    string          // the last piece added, trimmed
	list    bool            // the value starts with '{'
	lastRaw string          // the last physical line, to decide how to join the next
}

func newFLProp(name string, line int, val, raw string) *flProp {
	p := &flProp{name: name, line: line, lastRaw: raw, last: val, list: strings.HasPrefix(val, "{")}
	p.text.WriteString(val)
	return p
}

// openList tells a list whose '}' has not been seen yet.
func (p *flProp) openList() bool {
	return p.list && !strings.HasSuffix(p.last, "}")
}

func (p *flProp) value() exportValue {
	t := strings.TrimSpace(p.text.String())
	if !strings.HasPrefix(t, "{") || !strings.HasSuffix(t, "}") {
		return exportValue{str: t, line: p.line}
	}
	inner, cut := trimEllipsis(t[1 : len(t)-1])
	v := exportValue{isList: true, truncated: cut, line: p.line}
	for _, it := range strings.Split(inner, ",") {
		if it = strings.TrimSpace(it); it != "" {
			v.list = append(v.list, it)
		}
	}
	return v
}

// wrapWidths are what the file says about how it was wrapped.
type wrapWidths struct {
	longest int // the longest line, in runes
	hard    int // the width lines were cut at inside words; 0 if word-wrapped
}

// add appends a continuation line.
func (p *flProp) add(raw string, w wrapWidths) {
	cont := strings.TrimSpace(raw)
	sep := " "
	switch {
	case p.list:
		sep = ""
	case strings.HasSuffix(p.lastRaw, " "):
	case w.hard > 0 && utf8.RuneCountInString(p.lastRaw) >= w.hard:
		sep = ""
	default:
		prev := strings.Fields(p.lastRaw)
		next := strings.Fields(cont)
		indent := utf8.RuneCountInString(raw) - utf8.RuneCountInString(strings.TrimLeft(raw, " \t"))
		if len(prev) > 0 && len(next) > 0 &&
			utf8.RuneCountInString(prev[len(prev)-1])+utf8.RuneCountInString(next[0]) > w.longest-indent {
			sep = ""
		}
	}
	if p.text.Len() == 0 {
		sep = ""
		p.list = strings.HasPrefix(cont, "{")
	}
	p.text.WriteString(sep)
	p.text.WriteString(cont)
	p.last, p.lastRaw = cont, raw
}

// wrapWidthsOf measures lines (see above).
func wrapWidthsOf(lines []textLine) wrapWidths {
	width, n := 0, 0
	for i, l := range lines {
		w := utf8.RuneCountInString(l.text)
		if i+1 >= len(lines) || !isContinuation(lines[i+1].text) {
			continue
		}
		switch {
		case w > width:
			width, n = w, 1
		case w == width:
			n++
		}
	}
	longest := 0
	for _, l := range lines {
		longest = max(longest, utf8.RuneCountInString(l.text))
	}
	if n < 2 || width < longest {
		width = 0
	}
	return wrapWidths{longest: longest, hard: width}
}

// isContinuation tells a wrapped value's continuation line.
func isContinuation(s string) bool {
	return s != "" && (s[0] == ' ' || s[0] == '\t') && strings.TrimSpace(s) != ""
}

func parseFormatListExport(text, file string) (*exportDoc, error) {
	lines := splitTextLines(text)
	width := wrapWidthsOf(lines)
	doc := &exportDoc{form: FormFormatList, file: file}
	var (
		rec  *exportRecord
		prop *flProp
	)
	flushProp := func() {
		if prop != nil {
			rec.fields = append(rec.fields, exportField{name: prop.name, val: prop.value()})
			prop = nil
		}
	}
	flushRec := func() {
		flushProp()
		if rec != nil {
			doc.addRecord(*rec)
			rec = nil
		}
	}
	for i, l := range lines {
		raw := l.text
		if strings.TrimSpace(raw) == "" {
			if prop != nil && prop.openList() {
				return nil, &ExportError{File: file, Line: l.no, Detail: fmt.Sprintf("the list of %s opened at line %d is not closed: expected '}' before the blank line", prop.name, prop.line)}
			}
			flushRec()
			continue
		}
		if isContinuation(raw) {
			if prop == nil {
				return nil, &ExportError{File: file, Line: l.no, Detail: "expected 'Name : value' (Format-List output), found an indented line with no property before it"}
			}
			prop.add(raw, width)
			continue
		}
		if prop != nil && prop.openList() {
			return nil, &ExportError{File: file, Line: l.no, Detail: fmt.Sprintf("expected '}' to close the list of %s opened at line %d, found the next property", prop.name, prop.line)}
		}
		if isPromptLine(raw) {
			flushRec()
			continue
		}
		name, val, ok := splitListLine(raw)
		if !ok {
			if i+1 < len(lines) && isDashRow(lines[i+1].text) {
				return nil, formatTableError(file, lines[i+1].no)
			}
			return nil, &ExportError{File: file, Line: l.no, Detail: fmt.Sprintf("expected 'Name : value' (Format-List output), found %q", clipString(strings.TrimSpace(raw), 60))}
		}
		flushProp()
		if rec == nil {
			rec = &exportRecord{line: l.no}
		}
		prop = newFLProp(name, l.no, val, raw)
	}
	if prop != nil && prop.openList() {
		return nil, &ExportError{File: file, Line: prop.line, Detail: fmt.Sprintf("the file ends inside the list of %s opened here: expected '}' (is the file cut short?)", prop.name)}
	}
	flushRec()
	doc.warnCutRecord()
	return doc, nil
}

// warnCutRecord warns when the last record has only the first properties
// of the one before it: a Format-List copied or saved short.
func (d *exportDoc) warnCutRecord() {
	n := len(d.records)
	if n < 2 {
		return
	}
	last, prev := d.records[n-1], d.records[n-2]
	if len(last.fields) >= len(prev.fields) {
		return
	}
	for i, f := range last.fields {
		if !strings.EqualFold(f.name, prev.fields[i].name) {
			return
		}
	}
	d.warns = append(d.warns, ExportWarning{File: d.file, Line: last.line, Detail: fmt.Sprintf(
		"the last record has %d of the %d properties of the one before it: the file may be cut short", len(last.fields), len(prev.fields))})
}

// splitListLine splits a Format-List line "Name   : value" (or "Name   :"
// for an empty value).
func splitListLine(line string) (name, value string, ok bool) {
	if line == "" || line[0] == ' ' || line[0] == '\t' {
		return "", "", false
	}
	i := strings.Index(line, " : ")
	if i < 0 {
		t := strings.TrimRight(line, " \t")
		if !strings.HasSuffix(t, " :") {
			return "", "", false
		}
		i, line = len(t)-2, t+" "
	}
	name = strings.TrimSpace(line[:i])
	if name == "" || strings.ContainsAny(name, `",;{}[]`) {
		return "", "", false
	}
	return name, strings.TrimSpace(line[i+3:]), true
}
