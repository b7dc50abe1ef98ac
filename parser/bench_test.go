package parser_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logscan/logscan/internal/synth"
	"github.com/logscan/logscan/parser"
)

// corpus is 32 MB of generated send log, shared by the benchmarks.
func corpus(b *testing.B) []byte {
	data, err := synth.Corpus(32 << 20)
	if err != nil {
		b.Fatal(err)
	}
	return data
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

// BenchmarkReaderFiles reads every *.LOG file under $LOGSCAN_BENCH_DIR
// (scripts/bench.sh sets it to its generated corpus); it is skipped when
// the variable is unset.
func BenchmarkReaderFiles(b *testing.B) {
	dir := os.Getenv("LOGSCAN_BENCH_DIR")
	if dir == "" {
		b.Skip("set LOGSCAN_BENCH_DIR to a folder of logs")
	}
	var files []string
	var total int64
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".log") {
			info, _ := d.Info()
			files = append(files, p)
			total += info.Size()
		}
		return nil
	})
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, name := range files {
			f, err := os.Open(name)
			if err != nil {
				b.Fatal(err)
			}
			r := parser.NewReader(f, name)
			for {
				if _, err := r.Read(); err == io.EOF {
					break
				}
			}
			f.Close()
		}
	}
}
