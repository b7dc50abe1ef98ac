#!/usr/bin/env bash
# Reproducible end-to-end benchmark: generates a corpus with internal/synth
# (deterministic by seed), runs logscan over it in each output format, and
# prints throughput and peak RSS. Usage: scripts/bench.sh [SIZE] [DIR]
#   SIZE  corpus size, e.g. 100M, 1G, 10G (default 1G)
#   DIR   where to put the corpus (default /tmp/logscan-bench-SIZE; reused if present)
#   RUNS  (environment) runs of each format, default 3: the best and the
#         median are printed. Shared machines are noisy (whatever else the
#         host runs only ever adds time), so the best run is the program's
#         own speed and the median what a run usually gets.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1G}
dir=${2:-/tmp/logscan-bench-$size}
bin=$(mktemp -d)/logscan
go build -o "$bin" ./cmd/logscan
if [ ! -d "$dir" ]; then
  go run ./internal/synth/cmd/gencorpus -bytes "$size" -servers 2 -layout mixed -cert-change-at 0.5 -seed 1 -out "$dir" -q
fi
bytes=$(find "$dir" -name '*.LOG' -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3)"
echo "checks:  all (exports from testdata/exports)"
echo "corpus:  $dir, $(find "$dir" -name '*.LOG' | wc -l) files, $bytes bytes"
# Warm the page cache so the first format is not charged for disk reads.
cat $(find "$dir" -name '*.LOG') > /dev/null
# Every check on: the sample exports of testdata/exports (the corpus is
# contoso.com's, like them).
exports="--connectors testdata/exports/inbound-connectors.json --accepted-domains testdata/exports/accepted-domains.csv
  --send-connectors testdata/exports/send-connectors-ok.txt --certificates testdata/exports/certificates.txt"
# Each format with the default -j (all cores), then json on one core for
# the ratio. Exit status 1 (findings) is expected: the corpus has failures.
runs=${RUNS:-3}
echo "runs:    $runs of each format (best and median; peak RSS the highest)"
for run in "text -j$(nproc)" "json -j$(nproc)" "ndjson -j$(nproc)" "csv -j$(nproc)" "html -j$(nproc)" "json -j1"; do
  set -- $run
  : > /tmp/logscan-bench.runs
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o /tmp/logscan-bench.time "$bin" $exports -f "$1" "$2" --fail-on never "$dir" > /dev/null
    cat /tmp/logscan-bench.time >> /tmp/logscan-bench.runs
  done
  sort -n /tmp/logscan-bench.runs | awk -v b="$bytes" -v f="$1 $2" '
    { s[NR] = $1; if ($2 > r) r = $2 }
    END {
      m = (NR % 2) ? s[(NR + 1) / 2] : (s[NR / 2] + s[NR / 2 + 1]) / 2
      printf "%-10s best %6.2f s %7.1f MB/s   median %6.2f s %7.1f MB/s   peak RSS %5.1f MiB\n", f, s[1], b/s[1]/1e6, m, b/m/1e6, r/1024
    }'
done
echo "stages (go test -bench, same corpus; Scan is end to end, in process):"
LOGSCAN_BENCH_DIR="$dir" go test -run XXX -bench 'ReaderFiles' -benchtime 2x ./parser | grep Benchmark
LOGSCAN_BENCH_DIR="$dir" go test -run XXX -bench 'Scan' -benchtime 2x ./cmd/logscan | grep Benchmark
go test -run XXX -bench 'Reader$|EncodingCSV|Assemble' -benchtime 5x ./parser ./analyze | grep Benchmark
