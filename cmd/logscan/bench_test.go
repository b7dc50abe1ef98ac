package main

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkScan runs logscan end to end (-f json, every check on) over
// the logs in $LOGSCAN_BENCH_DIR, which scripts/bench.sh generates, with
// one job and with all; with -cpuprofile or -memprofile it shows where
// the time and the allocations go.
func BenchmarkScan(b *testing.B) {
	dir := os.Getenv("LOGSCAN_BENCH_DIR")
	if dir == "" {
		b.Skip("set LOGSCAN_BENCH_DIR to a folder of logs")
	}
	var total int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	tuneMemory() // as main does: the figures are the command's
	for _, jobs := range []string{"1", "2"} {
		b.Run("j"+jobs, func(b *testing.B) {
			args := append(allExports("send-connectors-ok.txt"), "-j", jobs,
				"-f", "json", "--no-progress", "--fail-on", "never", dir)
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				if code := run(args, nil, io.Discard, io.Discard); code != exitOK {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
