package parser

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The Export-Csv / ConvertTo-Csv form: an optional "#TYPE ..." line
// (Windows PowerShell 5.1 without -NoTypeInformation), a header row of
// property names, one row per object, every value quoted. encoding/csv
// reads it: exports are small, and it is the reference for the quoting.
// A "sep=;" first line (Excel) or a header split by ';' or tabs
// (Export-Csv -UseCulture) sets the delimiter.

func parseCSVExport(text, file string) (*exportDoc, error) {
	lines := splitTextLines(text)
	// skip counts the lines before the header: blank ones, #TYPE, sep=.
	skip, delim := 0, rune(0)
preamble:
	for _, l := range lines {
		s := strings.TrimSpace(l.text)
		switch {
		case s == "":
		case hasPrefixFold(s, "#TYPE"):
		case hasPrefixFold(s, "sep=") && len(s) == len("sep=")+1:
			delim = rune(s[len(s)-1])
		default:
			break preamble
		}
		skip++
	}
	if skip >= len(lines) {
		return nil, &ExportError{File: file, Line: max(1, len(lines)), Detail: "no header row: expected a line of property names after #TYPE"}
	}
	if delim == 0 {
		delim = guessDelimiter(lines[skip].text)
	}
	// Drop the skipped lines but keep line numbers: the reader counts
	// from the header, and skip is added back.
	rest := text
	for i := 0; i < skip; i++ {
		if j := strings.IndexByte(rest, '\n'); j >= 0 {
			rest = rest[j+1:]
		}
	}
	cr := csv.NewReader(strings.NewReader(rest))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	if delim == '"' || delim == '\r' || delim == '\n' || delim == 0xFFFD {
		return nil, &ExportError{File: file, Line: skip, Detail: fmt.Sprintf("bad separator %q on the sep= line", delim)}
	}
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(file, skip, err)
	}
	doc := &exportDoc{form: FormCSV, file: file, names: make(map[string]string), firstLine: skip + 1}
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if k := strings.ToLower(h); h != "" && doc.names[k] == "" {
			doc.names[k] = h
		}
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(file, skip, err)
		}
		line, _ := cr.FieldPos(0)
		line += skip
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue // a blank line inside the rows
		}
		if len(row) != len(header) {
			return nil, &ExportError{File: file, Line: line, Detail: fmt.Sprintf("expected %d fields as in the header row, found %d", len(header), len(row))}
		}
		rec := exportRecord{line: line}
		for i, cell := range row {
			if header[i] == "" {
				continue
			}
			l, _ := cr.FieldPos(i)
			rec.fields = append(rec.fields, exportField{name: header[i], val: exportValue{str: cell, line: l + skip, col: i + 1}})
		}
		doc.addRecord(rec)
	}
	return doc, nil
}

// guessDelimiter picks ',', ';' or tab, whichever splits the header row
// most often outside quotes.
func guessDelimiter(header string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range header {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == ';' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

func csvError(file string, skip int, err error) *ExportError {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &ExportError{File: file, Detail: "read CSV: " + err.Error()}
	}
	detail := pe.Err.Error()
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		detail = fmt.Sprintf("expected a closing '\"' for the field that starts on line %d (is the file cut short?)", pe.StartLine+skip)
	case errors.Is(pe.Err, csv.ErrBareQuote):
		detail = `expected '"' only around a field or doubled ("") inside one`
	}
	return &ExportError{File: file, Line: pe.Line + skip, Detail: detail}
}
