package parser_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/logscan/logscan/parser"
)

// addExportSeeds seeds a fuzz target with every export in testdata, good
// and broken, and a few shapes the files do not have.
func addExportSeeds(f *testing.F) {
	ents, err := os.ReadDir(exportDir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".golden") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(exportDir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"value":[{"ConnectorType":1,"SenderDomains":{"value":["smtp:*;1"],"Count":1}}]}`,
		`{"Thumbprint":"ab","NotAfter":"\/Date(-1+0100)\/","CertificateDomains":[{"Domain":"a","IncludeSubDomains":true}]}`,
		"Name : {a,\n  b...}\n\nName : x\n",
		"\"ConnectorType\";\"SenderDomains\"\n\"1\";\"smtp:*;1\"\n",
		"sep=;\nA;B\n",
	} {
		f.Add([]byte(s))
	}
}

// checkExportResult holds for every reader on every input: an error is an
// *ExportError with File set (and no internal error), records and warnings
// carry their position.
func checkExportResult(t *testing.T, reader string, recs any, warns []parser.ExportWarning, err error) {
	t.Helper()
	if err != nil {
		var xe *parser.ExportError
		if !errors.As(err, &xe) {
			t.Fatalf("%s: error %T %v is not an *ExportError", reader, err, err)
		}
		if xe.File != "fuzz" || xe.Line < 0 || xe.Column < 0 || xe.Detail == "" {
			t.Fatalf("%s: bad error %#v", reader, xe)
		}
		if strings.Contains(xe.Detail, "internal error") {
			t.Fatalf("%s: %v", reader, xe)
		}
		if !errors.Is(err, parser.ErrExport) {
			t.Fatalf("%s: error does not wrap ErrExport", reader)
		}
		_ = xe.Error()
		return
	}
	v := reflect.ValueOf(recs)
	for i := 0; i < v.Len(); i++ {
		rec := v.Index(i)
		if rec.FieldByName("File").String() != "fuzz" || rec.FieldByName("Line").Int() < 1 {
			t.Fatalf("%s: record %d without position: %+v", reader, i, rec.Interface())
		}
	}
	for _, w := range warns {
		if w.File != "fuzz" || w.Line < 0 {
			t.Fatalf("%s: bad warning %#v", reader, w)
		}
		_ = w.String()
	}
}

func FuzzReadInboundConnectors(f *testing.F) {
	addExportSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		recs, warns, err := parser.ReadInboundConnectors(bytes.NewReader(in), "fuzz")
		checkExportResult(t, "ReadInboundConnectors", recs, warns, err)
	})
}

// FuzzReadExports runs all four readers and DetectExportForm on one input.
func FuzzReadExports(f *testing.F) {
	addExportSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, rd := range allReaders {
			recs, warns, err := rd.read(bytes.NewReader(in), "fuzz")
			checkExportResult(t, rd.name, recs, warns, err)
		}
		form, err := parser.DetectExportForm(in)
		if err != nil {
			var xe *parser.ExportError
			if !errors.As(err, &xe) || form != "" {
				t.Fatalf("DetectExportForm: %q, %T %v", form, err, err)
			}
		} else if form != parser.FormJSON && form != parser.FormCSV && form != parser.FormFormatList {
			t.Fatalf("DetectExportForm: %q", form)
		}
	})
}
