package parser_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/logscan/logscan/internal/synth"
	"github.com/logscan/logscan/parser"
)

var (
	corpusOnce sync.Once
	corpusBuf  []byte
)

// corpus is 32 MB of generated send log, made once per test binary.
func corpus(b *testing.B) []byte {
	corpusOnce.Do(func() {
		var buf bytes.Buffer
		_, _, err := synth.Write(&buf, synth.Options{Seed: 1, Bytes: 32 << 20,
			Start: time.Date(2024, 3, 5, 20, 0, 0, 0, time.UTC), Layout: "mixed", CertChangeAt: 0.5})
		if err != nil {
			b.Fatal(err)
		}
		corpusBuf = buf.Bytes()
	})
	return corpusBuf
}

// BenchmarkReader measures the reader alone: split, unquote, map columns,
// parse times.
func BenchmarkReader(b *testing.B) {
	data := corpus(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		r := parser.NewReader(bytes.NewReader(data), "bench")
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		rows = r.Stats().Rows
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkEncodingCSV is the baseline the reader is designed to beat.
func BenchmarkEncodingCSV(b *testing.B) {
	data := corpus(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		r.Comment = '#'
		r.ReuseRecord = true
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil && !isCSVParseError(err) {
				b.Fatal(err)
			}
		}
	}
}

func isCSVParseError(err error) bool {
	_, ok := err.(*csv.ParseError)
	return ok
}
