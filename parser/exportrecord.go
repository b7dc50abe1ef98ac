package parser

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// exportDoc is an export in generic form, whatever form it was written in.
type exportDoc struct {
	form    ExportForm
	records []exportRecord
	// names are the property names seen in any record (or the CSV header),
	// lower-cased → as first written.
	names     map[string]string
	firstLine int // line of the first record, or of the CSV header
	warns     []ExportWarning
	file      string
	kind      *exportKind
}

// exportRecord is one object of an export: its properties in the order
// written, and the line it starts on (JSON: its '{'; CSV: its row;
// Format-List: its first property).
type exportRecord struct {
	line   int
	fields []exportField
}

type exportField struct {
	name string // as written
	val  exportValue
}

// exportValue is one property value: a string or a list of strings, with
// where it came from.
type exportValue struct {
	str    string
	list   []string
	isList bool
	null   bool // JSON null
	// object is a JSON object that could not be reduced to a string or a
	// list; it is an error only if the property is wanted.
	object    bool
	truncated bool // a Format-List list cut after $FormatEnumerationLimit items
	line      int  // 1-based line of the value
	col       int  // 1-based CSV column; 0 in the other forms
}

func (d *exportDoc) addRecord(rec exportRecord) {
	if d.names == nil {
		d.names = make(map[string]string)
	}
	if len(d.records) == 0 && d.firstLine == 0 {
		d.firstLine = rec.line
	}
	for _, f := range rec.fields {
		k := strings.ToLower(f.name)
		if _, ok := d.names[k]; !ok {
			d.names[k] = f.name
		}
	}
	d.records = append(d.records, rec)
}

// get returns the value of the property name, matched case-insensitively;
// the first of several wins.
func (r *exportRecord) get(name string) (exportValue, bool) {
	for i := range r.fields {
		if strings.EqualFold(r.fields[i].name, name) {
			return r.fields[i].val, true
		}
	}
	return exportValue{}, false
}

// mapper returns a recordMapper for record i whose warnings go to d.
func (d *exportDoc) mapper(i int) *recordMapper {
	return &recordMapper{doc: d, rec: &d.records[i]}
}

// recordMapper reads typed values out of one record. The first error sticks
// in err; the getters then go on returning zero values.
type recordMapper struct {
	doc *exportDoc
	rec *exportRecord
	err *ExportError
}

func (m *recordMapper) fail(v exportValue, format string, args ...any) {
	if m.err != nil {
		return
	}
	line := v.line
	if line == 0 {
		line = m.rec.line
	}
	m.err = &ExportError{File: m.doc.file, Line: line, Column: v.col, Detail: fmt.Sprintf(format, args...)}
}

func (m *recordMapper) warn(v exportValue, format string, args ...any) {
	line := v.line
	if line == 0 {
		line = m.rec.line
	}
	m.doc.warns = append(m.doc.warns, ExportWarning{File: m.doc.file, Line: line, Detail: fmt.Sprintf(format, args...)})
}

// value returns the first of names present and usable as a string: JSON
// objects that mean nothing to logscan are an error.
func (m *recordMapper) value(names ...string) (exportValue, string, bool) {
	for _, n := range names {
		v, ok := m.rec.get(n)
		if !ok || v.null {
			continue
		}
		if v.object {
			m.fail(v, "%s is a JSON object logscan cannot read: expected a string or a list; re-export with %s", n, m.doc.kind.jsonHint())
			return exportValue{}, n, false
		}
		return v, n, true
	}
	return exportValue{}, "", false
}

// str returns the first of names present as a string; a list is joined
// with ", " as PowerShell would show it.
func (m *recordMapper) str(names ...string) string {
	v, _, ok := m.value(names...)
	if !ok {
		return ""
	}
	if v.isList {
		return strings.Join(v.list, ", ")
	}
	return strings.TrimSpace(v.str)
}

// boolean reads True/False (any case, as JSON booleans or strings) and 1/0;
// an empty or missing value is def.
func (m *recordMapper) boolean(name string, def bool) bool {
	v, _, ok := m.value(name)
	if !ok {
		return def
	}
	s := strings.TrimSpace(v.str)
	if v.isList {
		if len(v.list) != 1 {
			m.fail(v, "%s: expected True or False, found a list", name)
			return def
		}
		s = v.list[0]
	}
	switch strings.ToLower(strings.TrimPrefix(s, "$")) {
	case "":
		return def
	case "true", "1", "yes":
		return true
	case "false", "0", "no":
		return false
	}
	m.fail(v, "%s: expected True or False, found %q", name, clipString(s, 40))
	return def
}

// enumNames maps an enum's numbers to its names.
type enumNames map[int64]string

// enum reads an enum written as its name or its number. A name is given
// its canonical case; an unknown name passes through as written, an
// unknown number too, with a warning.
func (m *recordMapper) enum(name string, names enumNames) string {
	s := m.str(name)
	if s == "" {
		return ""
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if v, ok := names[n]; ok {
			return v
		}
		v, _ := m.rec.get(name)
		m.warn(v, "%s %d is not a value logscan knows; kept as %q", name, n, s)
		return s
	}
	for _, v := range names {
		if strings.EqualFold(v, s) {
			return v
		}
	}
	return s
}

type flagBit struct {
	bit  int64
	name string
}

// flagNames describes a [Flags] enum.
type flagNames struct {
	zero string
	bits []flagBit
}

// flags reads a [Flags] enum written as names ("IMAP, POP, IIS, SMTP",
// kept as written) or as a number (turned into names in the same style).
func (m *recordMapper) flags(name string, f flagNames) string {
	s := m.str(name)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return s
	}
	if n == 0 {
		return f.zero
	}
	var parts []string
	rest := n
	for _, b := range f.bits {
		if rest&b.bit != 0 {
			parts = append(parts, b.name)
			rest &^= b.bit
		}
	}
	if rest != 0 || n < 0 {
		v, _ := m.rec.get(name)
		m.warn(v, "%s %d has flags logscan does not know; kept as %q", name, n, s)
		return s
	}
	return strings.Join(parts, ", ")
}

// date reads a date in any of the forms parseExportDate knows.
func (m *recordMapper) date(name string) time.Time {
	v, _, ok := m.value(name)
	if !ok {
		return time.Time{}
	}
	s := strings.TrimSpace(v.str)
	if v.isList && len(v.list) == 1 {
		s = v.list[0]
	}
	if s == "" {
		return time.Time{}
	}
	t, ok := parseExportDate(s)
	if !ok {
		m.fail(v, "%s: expected a date such as 2024-04-09T23:59:59, /Date(1712707199000)/ or 4/9/2024 11:59:59 PM, found %q", name, clipString(s, 60))
	}
	return t
}

// list reads a multi-valued property: a list, or a string holding values
// joined with ';', ',' or white space, or wrapped as "{a, b}". A .NET type
// name in place of the values is an error; a list cut short is a warning.
func (m *recordMapper) list(name string) []string {
	v, _, ok := m.value(name)
	if !ok {
		return nil
	}
	var items []string
	truncated := v.truncated
	if v.isList {
		items = append(items, v.list...)
	} else {
		var cut bool
		items, cut = splitJoined(v.str)
		truncated = truncated || cut
	}
	for _, it := range items {
		if isTypeName(it) {
			m.typeNameError(name, v, it)
			return nil
		}
	}
	if truncated {
		m.warn(v, "%s is cut short after %d values, as Format-List does past $FormatEnumerationLimit: logscan uses the %d it has. "+
			"For all of them, run '$FormatEnumerationLimit = -1' before '| Format-List', or export with '%s'",
			name, len(items), len(items), m.doc.kind.jsonHint())
	}
	if len(items) == 0 {
		return nil
	}
	return items
}

func (m *recordMapper) typeNameError(name string, v exportValue, typ string) {
	where := name
	if v.col > 0 {
		where = fmt.Sprintf("column %d (%s)", v.col, name)
	}
	how := "Export-Csv writes a multi-valued property as its type name"
	if m.doc.form == FormJSON {
		how = "ConvertTo-Json writes values nested deeper than -Depth as their type name"
	}
	m.fail(v, "%s holds the .NET type name %q instead of the values (%s): re-export with the values joined, e.g. %s, or use %s",
		where, clipString(typ, 80), how, m.doc.kind.reexport, m.doc.kind.jsonHint())
}

// splitJoined splits a string holding several values: "a;b", "a, b",
// "a b", one per line, or "{a, b}". A value's ";1" priority, as in
// "smtp:*;1", is kept with it. cut reports a trailing "…" or "...".
func splitJoined(s string) (items []string, cut bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
		s = s[1 : len(s)-1]
	}
	s, cut = trimEllipsis(s)
	// A .NET type name has commas and spaces of its own; keep it whole so
	// that it can be reported.
	if isTypeName(s) {
		return []string{s}, cut
	}
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == ';' || r == ',' || r == ' ' || r == '\t' || r == '\r' || r == '\n'
	})
	for _, p := range f {
		if n := len(items); n > 0 && isAllDigits(p) && strings.Contains(items[n-1], ":") && !strings.Contains(items[n-1], ";") {
			items[n-1] += ";" + p // "smtp:*" ";1"
			continue
		}
		items = append(items, p)
	}
	return items, cut
}

// trimEllipsis removes a trailing "…" or "..." and says whether it did.
func trimEllipsis(s string) (string, bool) {
	t := strings.TrimSpace(s)
	for _, e := range []string{"…", "..."} {
		if strings.HasSuffix(t, e) {
			return strings.TrimSpace(strings.TrimSuffix(t, e)), true
		}
	}
	return s, false
}

// isTypeName tells a .NET type name written where values were expected:
// "System.Collections.ArrayList", "System.Object[]",
// "Microsoft.Exchange.Data.MultiValuedProperty`1[...]",
// "Deserialized.Microsoft.Exchange.Data.MultiValuedProperty`1[[...]]".
func isTypeName(s string) bool {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "Deserialized.") {
		return true
	}
	if !strings.HasPrefix(s, "System.") && !strings.HasPrefix(s, "Microsoft.") {
		return false
	}
	return strings.Contains(s, "`") || strings.HasSuffix(s, "[]") ||
		strings.Contains(s, "Collection") || strings.Contains(s, "Property") ||
		strings.Contains(s, "List") || strings.HasSuffix(s, ".Object")
}
