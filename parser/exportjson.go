package parser

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The JSON form: ConvertTo-Json (an array of objects, or a bare object when
// there is exactly one) or the EXO REST API ({"value": [...]}). A small
// parser of our own, rather than encoding/json, so that every value keeps
// its line and errors can say what was expected where.

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonValue is one parsed JSON value.
type jsonValue struct {
	kind    jsonKind
	s       string // string contents, number text, "true" or "false"
	items   []jsonValue
	members []jsonMember
	off     int // byte offset of the value's first byte
}

type jsonMember struct {
	name string
	val  jsonValue
}

// maxJSONDepth bounds nesting; exports nest three or four levels.
const maxJSONDepth = 64

// lineIndex holds the offsets of the '\n's of a text, to turn offsets
// into 1-based line numbers.
type lineIndex []int

func newLineIndex(s string) lineIndex {
	var li lineIndex
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			li = append(li, i)
		}
	}
	return li
}

// line is the 1-based line of byte offset off.
func (li lineIndex) line(off int) int { return sort.SearchInts(li, off) + 1 }

type jsonParser struct {
	s     string
	pos   int
	lines lineIndex
	file  string
}

func parseJSONExport(text, file string) (*exportDoc, error) {
	p := &jsonParser{s: text, lines: newLineIndex(text), file: file}
	doc := &exportDoc{form: FormJSON, file: file}
	// Several top-level values, one after another, are accepted: that is
	// what "foreach { $_ | ConvertTo-Json }" writes.
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			break
		}
		v, err := p.value(0)
		if err != nil {
			return nil, err
		}
		if err := p.addTop(doc, v); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// addTop adds the records of one top-level value.
func (p *jsonParser) addTop(doc *exportDoc, v jsonValue) error {
	switch v.kind {
	case jsonObject:
		if list, ok := restWrapper(v); ok {
			return p.addArray(doc, list)
		}
		doc.addRecord(p.record(v))
		return nil
	case jsonArray:
		return p.addArray(doc, v)
	}
	return p.errorf(v.off, "expected an array of objects or an object, found %s", v.kind)
}

func (p *jsonParser) addArray(doc *exportDoc, v jsonValue) error {
	for _, it := range v.items {
		switch it.kind {
		case jsonObject:
			doc.addRecord(p.record(it))
		case jsonNull:
		default:
			return p.errorf(it.off, "expected an object for each item of the array, found %s", it.kind)
		}
	}
	return nil
}

// restWrapper tells the REST / Graph shape {"@odata.context": ..., "value": [...]}:
// a "value" array whose siblings are only annotations ("@...") and a count.
func restWrapper(v jsonValue) (jsonValue, bool) {
	var list jsonValue
	found := false
	for _, m := range v.members {
		switch {
		case strings.EqualFold(m.name, "value") && m.val.kind == jsonArray:
			list, found = m.val, true
		case strings.Contains(m.name, "@"), strings.EqualFold(m.name, "Count"):
		default:
			return jsonValue{}, false
		}
	}
	return list, found
}

// record turns a JSON object into a generic record.
func (p *jsonParser) record(v jsonValue) exportRecord {
	rec := exportRecord{line: p.lines.line(v.off)}
	for _, m := range v.members {
		if strings.Contains(m.name, "@") { // "SenderDomains@odata.type"
			continue
		}
		ev := exportValue{line: p.lines.line(m.val.off)}
		switch m.val.kind {
		case jsonNull:
			ev.null = true
		case jsonArray:
			ev.isList = true
			ev.list, ev.object = flattenJSONList(m.val.items, 0)
		case jsonObject:
			ev.str, ev.list, ev.isList, ev.object = reduceJSONObject(m.val, 0)
		default:
			ev.str = m.val.s
		}
		rec.fields = append(rec.fields, exportField{name: m.name, val: ev})
	}
	return rec
}

// flattenJSONList turns array items into strings; nested arrays are
// flattened, nulls dropped. bad reports an item that could not be read.
func flattenJSONList(items []jsonValue, depth int) (out []string, bad bool) {
	for _, it := range items {
		switch it.kind {
		case jsonNull:
		case jsonArray:
			l, b := flattenJSONList(it.items, depth+1)
			out, bad = append(out, l...), bad || b
		case jsonObject:
			s, l, isList, b := reduceJSONObject(it, depth+1)
			switch {
			case b:
				bad = true
			case isList:
				out = append(out, l...)
			case s != "":
				out = append(out, s)
			}
		default:
			if s := strings.TrimSpace(it.s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out, bad
}

// reduceJSONObject makes a string or a list of an object standing for a
// value, as the PowerShell versions write them: list wrappers
// ({"value": [...], "Count": 2}), scalar wrappers ({"value": "\/Date(...)\/",
// "DateTime": ...}), and Exchange value types serialized with their parts
// (SmtpDomainWithSubdomains, AddressSpace, SmartHost, ADObjectId). bad
// reports an object none of these fit.
func reduceJSONObject(v jsonValue, depth int) (s string, list []string, isList, bad bool) {
	if depth > maxJSONDepth {
		return "", nil, false, true
	}
	get := func(name string) (jsonValue, bool) {
		for _, m := range v.members {
			if strings.EqualFold(m.name, name) {
				return m.val, true
			}
		}
		return jsonValue{}, false
	}
	scalar := func(x jsonValue) (string, bool) {
		switch x.kind {
		case jsonString, jsonNumber, jsonBool:
			return x.s, true
		case jsonObject:
			s, _, isList, bad := reduceJSONObject(x, depth+1)
			return s, !isList && !bad && s != ""
		}
		return "", false
	}
	for _, name := range []string{"value", "values", "SyncRoot", "Items"} {
		if x, ok := get(name); ok && x.kind == jsonArray {
			l, b := flattenJSONList(x.items, depth+1)
			return "", l, true, b
		}
	}
	// Several members may be called "value" in different cases (PowerShell
	// 5.1 dates carry "value" and "DateTime"); prefer a non-numeric string.
	var val string
	for _, m := range v.members {
		if strings.EqualFold(m.name, "value") {
			if s, ok := scalar(m.val); ok && (val == "" || isAllDigits(val)) {
				val = s
			}
		}
	}
	if val != "" {
		return val, nil, false, false
	}
	if typ, ok := get("Type"); ok {
		if addr, ok := get("Address"); ok && typ.kind == jsonString && addr.kind == jsonString {
			s := typ.s + ":" + addr.s // AddressSpace: "SMTP:*;1"
			if cost, ok := get("Cost"); ok && cost.kind == jsonNumber {
				s += ";" + cost.s
			}
			return s, nil, false, false
		}
	}
	if ip, ok := get("IsIPAddress"); ok && ip.kind == jsonBool && ip.s == "true" {
		if addr, ok := get("Address"); ok {
			if s, ok := scalar(addr); ok {
				return s, nil, false, false
			}
		}
	}
	if d, ok := get("Domain"); ok {
		if s, ok := scalar(d); ok {
			if sub, ok := get("IncludeSubDomains"); ok && sub.s == "true" && !strings.HasPrefix(s, "*.") {
				s = "*." + s
			}
			return s, nil, false, false
		}
	}
	for _, name := range []string{"HostnameString", "Address", "SmtpAddress", "Name", "DisplayName", "DistinguishedName"} {
		if x, ok := get(name); ok {
			if s, ok := scalar(x); ok {
				return s, nil, false, false
			}
		}
	}
	return "", nil, false, true
}

func (k jsonKind) String() string {
	switch k {
	case jsonNull:
		return "null"
	case jsonBool:
		return "a boolean"
	case jsonNumber:
		return "a number"
	case jsonString:
		return "a string"
	case jsonArray:
		return "an array"
	}
	return "an object"
}

func (p *jsonParser) errorf(off int, format string, args ...any) *ExportError {
	return &ExportError{File: p.file, Line: p.lines.line(off), Detail: fmt.Sprintf(format, args...)}
}

// eofError reports the end of the text where more was expected, on the
// last line that has something on it.
func (p *jsonParser) eofError(format string, args ...any) *ExportError {
	off := len(strings.TrimRight(p.s, " \t\r\n"))
	if off > 0 {
		off--
	}
	return p.errorf(off, format+" (is the file cut short?)", args...)
}

// found describes what is at the current position, for messages.
func (p *jsonParser) found() string {
	if p.pos >= len(p.s) {
		return "the end of the file"
	}
	r := []rune(p.s[p.pos:min(len(p.s), p.pos+4)])
	return fmt.Sprintf("%q", r[0])
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\r', '\n':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (jsonValue, error) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return jsonValue{}, p.eofError("expected a value")
	}
	if depth > maxJSONDepth {
		return jsonValue{}, p.errorf(p.pos, "nested deeper than %d levels: expected an export of objects with simple properties", maxJSONDepth)
	}
	start := p.pos
	switch c := p.s[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.str()
		return jsonValue{kind: jsonString, s: s, off: start}, err
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if strings.HasPrefix(p.s[p.pos:], lit) {
				p.pos += len(lit)
				if lit == "null" {
					return jsonValue{kind: jsonNull, off: start}, nil
				}
				return jsonValue{kind: jsonBool, s: lit, off: start}, nil
			}
		}
	}
	return jsonValue{}, p.errorf(p.pos, "expected a value (object, array, string, number, true, false or null), found %s", p.found())
}

func (p *jsonParser) object(depth int) (jsonValue, error) {
	v := jsonValue{kind: jsonObject, off: p.pos}
	open := p.lines.line(p.pos)
	p.pos++ // '{'
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return v, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			return v, p.eofError("the file ends inside the object opened at line %d: expected a property name in double quotes", open)
		}
		if p.s[p.pos] != '"' {
			return v, p.errorf(p.pos, "expected a property name in double quotes, found %s", p.found())
		}
		name, err := p.str()
		if err != nil {
			return v, err
		}
		p.skipSpace()
		if p.pos >= len(p.s) {
			return v, p.eofError("the file ends inside the object opened at line %d: expected ':' after %q", open, name)
		}
		if p.s[p.pos] != ':' {
			return v, p.errorf(p.pos, "expected ':' after the property name %q, found %s", name, p.found())
		}
		p.pos++
		p.skipSpace()
		if p.pos >= len(p.s) {
			return v, p.eofError("the file ends inside the object opened at line %d: expected the value of %q", open, name)
		}
		val, err := p.value(depth + 1)
		if err != nil {
			return v, err
		}
		v.members = append(v.members, jsonMember{name, val})
		p.skipSpace()
		if p.pos >= len(p.s) {
			return v, p.eofError("the file ends inside the object opened at line %d: expected ',' or '}' after the value of %q", open, name)
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return v, nil
		default:
			return v, p.errorf(p.pos, "expected ',' or '}' after the value of %q (in the object opened at line %d), found %s", name, open, p.found())
		}
	}
}

func (p *jsonParser) array(depth int) (jsonValue, error) {
	v := jsonValue{kind: jsonArray, off: p.pos}
	open := p.lines.line(p.pos)
	p.pos++ // '['
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		return v, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			return v, p.eofError("the file ends inside the array opened at line %d: expected a value", open)
		}
		it, err := p.value(depth + 1)
		if err != nil {
			return v, err
		}
		v.items = append(v.items, it)
		p.skipSpace()
		if p.pos >= len(p.s) {
			return v, p.eofError("the file ends inside the array opened at line %d: expected ',' or ']'", open)
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return v, nil
		default:
			return v, p.errorf(p.pos, "expected ',' or ']' after an item of the array opened at line %d, found %s", open, p.found())
		}
	}
}

// str reads a string literal at p.pos and returns its contents.
func (p *jsonParser) str() (string, error) {
	start := p.pos
	escaped := false
	for i := p.pos + 1; i < len(p.s); i++ {
		switch c := p.s[i]; {
		case c == '\\':
			escaped = true
			i++
		case c == '"':
			p.pos = i + 1
			if !escaped {
				return p.s[start+1 : i], nil
			}
			var s string
			if err := json.Unmarshal([]byte(p.s[start:i+1]), &s); err != nil {
				return "", p.errorf(start, "expected a valid string: bad escape sequence in %s", clipString(p.s[start:i+1], 60))
			}
			return s, nil
		case c < 0x20:
			return "", p.errorf(i, "expected '\"' to close the string opened at line %d, found a line break or control character", p.lines.line(start))
		}
	}
	p.pos = len(p.s)
	return "", p.eofError("the file ends inside the string opened at line %d: expected '\"'", p.lines.line(start))
}

func (p *jsonParser) number() (jsonValue, error) {
	start := p.pos
	for p.pos < len(p.s) && strings.IndexByte("+-0123456789.eE", p.s[p.pos]) >= 0 {
		p.pos++
	}
	s := p.s[start:p.pos]
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return jsonValue{}, p.errorf(start, "expected a number, found %q", clipString(s, 40))
		}
	}
	return jsonValue{kind: jsonNumber, s: s, off: start}, nil
}
