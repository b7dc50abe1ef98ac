package analyze_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/logscan/logscan/analyze"
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

// BenchmarkAssemble measures reading plus session assembly and the
// summary: everything but rendering.
func BenchmarkAssemble(b *testing.B) {
	data := corpus(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	src := analyze.SourceOf("EXCH01/Hub/ProtocolLog/SmtpSend/SEND2024030520-1.LOG")
	sessions := 0
	for b.Loop() {
		sum := analyze.NewSummary()
		a := analyze.NewAssembler(analyze.Options{Emit: func(s *analyze.Session) { sum.AddSession(s) }})
		r := parser.NewReader(bytes.NewReader(data), "bench")
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			a.Add(src, "bench", rec)
		}
		a.Flush()
		sessions = sum.Result().Sessions
	}
	b.ReportMetric(float64(sessions)*float64(b.N)/b.Elapsed().Seconds(), "sessions/s")
}
