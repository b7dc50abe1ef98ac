// Command gencorpus writes a large synthetic corpus of Exchange SMTP protocol
// logs for benchmarks, laid out like real servers:
//
//	OUT/EXCH01/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend/SEND2024030520-1.LOG
//	OUT/EXCH01/TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpSend/...
//	OUT/EXCH02/...
//
// Usage:
//
//	gencorpus -out /tmp/corpus -bytes 1G [-servers 2] [-seed 1] [-type send|receive]
//	          [-layout multirow|oneline|mixed] [-interleave 8] [-failure-rate 0.05]
//	          [-cert-change-at 0.5] [-sessions N] [-max-file 10M] [-start 2024-03-05T20:00:00Z] [-q]
//
// Sizes take a K, M, G or T suffix (powers of 1024, an optional trailing B or iB
// is ignored). The same flags always give byte-identical files. gencorpus prints
// each file with its size, then the total and the rate.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/logscan/logscan/internal/synth"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gencorpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		seed       = fs.Int64("seed", 1, "random seed; the same seed and flags give the same bytes")
		size       = fs.String("bytes", "100M", "approximate total size of the corpus (e.g. 1G, 100M, 512K)")
		sessions   = fs.Int("sessions", 0, "total number of sessions (0 = as many as fit in -bytes)")
		servers    = fs.Int("servers", 2, "number of servers (each gets a Hub and a FrontEnd folder)")
		out        = fs.String("out", "", "output directory (required)")
		logType    = fs.String("type", "send", "log type: send or receive")
		layout     = fs.String("layout", "multirow", "certificate layout: multirow, oneline or mixed")
		interleave = fs.Int("interleave", 8, "sessions open at once per stream")
		failure    = fs.Float64("failure-rate", 0.05, "share of sessions that fail (negative = none)")
		certChange = fs.Float64("cert-change-at", 0, "fraction 0..1 of the way through at which the certificate changes (0 = never)")
		maxFile    = fs.String("max-file", "10M", "roll over to the next file at this size")
		start      = fs.String("start", "2024-03-05T20:00:00Z", "time of the first session (RFC 3339)")
		quiet      = fs.Bool("q", false, "print only the total")
	)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "gencorpus: -out DIR is required and no arguments are allowed")
		fs.Usage()
		return 2
	}
	nbytes, err := parseSize(*size)
	if err != nil {
		fmt.Fprintln(stderr, "gencorpus: -bytes:", err)
		return 2
	}
	maxBytes, err := parseSize(*maxFile)
	if err != nil {
		fmt.Fprintln(stderr, "gencorpus: -max-file:", err)
		return 2
	}
	t0, err := time.Parse(time.RFC3339, *start)
	if err != nil {
		fmt.Fprintln(stderr, "gencorpus: -start:", err)
		return 2
	}
	if *sessions > 0 && nbytes == 100<<20 && !flagSet(fs, "bytes") {
		nbytes = 0 // -sessions alone: no size limit
	}
	o := synth.Options{
		Seed:         *seed,
		Start:        t0,
		Sessions:     *sessions,
		Bytes:        nbytes,
		Interleave:   *interleave,
		LogType:      *logType,
		FailureRate:  *failure,
		CertChangeAt: *certChange,
		Layout:       *layout,
	}
	if o.FailureRate == 0 {
		o.FailureRate = -1 // -failure-rate 0 means none; Options treats 0 as the default
	}
	began := time.Now()
	files, err := synth.WriteTree(*out, o, *servers, maxBytes)
	if err != nil {
		fmt.Fprintln(stderr, "gencorpus:", err)
		return 1
	}
	elapsed := time.Since(began)
	var total int64
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			fmt.Fprintln(stderr, "gencorpus:", err)
			return 1
		}
		total += st.Size()
		if !*quiet {
			fmt.Fprintf(stdout, "%12d  %s\n", st.Size(), f)
		}
	}
	fmt.Fprintf(stdout, "%d files, %d bytes (%.1f MiB) in %.2fs, %.0f MB/s\n",
		len(files), total, float64(total)/(1<<20), elapsed.Seconds(), float64(total)/1e6/elapsed.Seconds())
	return 0
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// parseSize reads sizes such as 1G, 100M, 512K, 1.5G, 10MB, 2GiB or 12345.
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(t, "IB")
	t = strings.TrimSuffix(t, "B")
	mult := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult > 1 {
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(v * float64(mult)), nil
}
