#!/usr/bin/env bash
# Refreshes cmd/logscan/default.pgo, the CPU profile the Go toolchain uses
# for profile-guided optimization of every build of logscan (go build,
# go run, go install pick it up by themselves). Run it after changes to
# the hot path: it profiles BenchmarkScan/j2 (json, both cores, every
# check on) over the 1 GiB corpus of scripts/bench.sh.
# Usage: scripts/pgo.sh [DIR]   (DIR: the corpus, generated if absent)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/logscan-bench-1G}
if [ ! -d "$dir" ]; then
  go run ./internal/synth/cmd/gencorpus -bytes 1G -servers 2 -layout mixed -cert-change-at 0.5 -seed 1 -out "$dir" -q
fi
prof=$(mktemp)
LOGSCAN_BENCH_DIR="$dir" go test -pgo=off -run XXX -bench 'Scan/j2' -benchtime 6x -cpuprofile "$prof" ./cmd/logscan | grep Benchmark
mv "$prof" cmd/logscan/default.pgo
echo "wrote cmd/logscan/default.pgo ($(wc -c < cmd/logscan/default.pgo) bytes)"
