package inputs

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/logscan/logscan/parser"
)

// ErrBadTime is wrapped by ParseTime's errors.
var ErrBadTime = errors.New("bad time")

// Layouts ParseTime accepts, with a zone and then without (UTC).
var (
	zonedLayouts = []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04Z07:00"}
	plainLayouts = []string{"2006-01-02", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"}
)

// ParseTime parses a --since or --until value: RFC 3339
// ("2024-03-05T20:00:00Z", "2024-03-05T21:00:00+01:00", fractions of a
// second allowed), a date ("2024-03-05": the start of that day, UTC), a
// date and time without a zone ("2024-03-05 20:00", "2024-03-05T20:00:00":
// UTC, like the logs), or a duration back from now ("24h", "90m", "7d",
// "2w", "1d12h"; units w, d, h, m, s). The result is in UTC.
func ParseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s != "" && !strings.ContainsAny(s, "-:") {
		d, err := parseAgo(s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w %q: %v", ErrBadTime, s, err)
		}
		return now.Add(-d).UTC(), nil
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, l := range plainLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil // no zone: UTC
		}
	}
	return time.Time{}, fmt.Errorf("%w %q: want RFC 3339 (2024-03-05T20:00:00Z), a date (2024-03-05), a date and time in UTC (2024-03-05 20:00) or a duration back from now (24h, 90m, 7d, 2w)", ErrBadTime, s)
}

var agoUnits = map[byte]time.Duration{'w': 7 * 24 * time.Hour, 'd': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute, 's': time.Second}

// parseAgo parses a sequence of number+unit pairs: "7d", "1d12h", "1.5h".
func parseAgo(s string) (time.Duration, error) {
	var total float64
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("want a number before %q", s)
		}
		v, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("bad number %q", s[:i])
		}
		if i == len(s) {
			return 0, fmt.Errorf("%s has no unit (w, d, h, m or s)", s)
		}
		u, ok := agoUnits[s[i]]
		if !ok {
			return 0, fmt.Errorf("unknown unit %q (want w, d, h, m or s)", s[i:i+1])
		}
		total += v * float64(u)
		s = s[i+1:]
	}
	if total >= math.MaxInt64 {
		return 0, errors.New("too long ago")
	}
	return time.Duration(total), nil
}

// peekBytes bounds what PeekDate reads: the header block is a few hundred
// bytes.
const peekBytes = 64 << 10

// PeekDate reads the #Date header of a log (from its first 64 KiB) without
// reading the rest, so a caller can pass over a file created after
// --until. It returns the zero time when the log has no #Date there, and
// for standard input, which it never reads.
//
// #Date is when the file was created: its rows run from about then (rows
// can be up to an hour earlier, FORMAT A.9) until the next file of the
// folder starts, so #Date alone bounds a file only against --until.
func PeekDate(in Input) (time.Time, error) {
	if in.Name == "-" || in.Open == nil {
		return time.Time{}, nil
	}
	rc, err := in.Open()
	if err != nil {
		return time.Time{}, err
	}
	defer rc.Close()
	rd := parser.NewReader(io.LimitReader(rc, peekBytes), in.Name)
	rd.DefaultLogType = in.LogType
	for range 64 { // header lines, and a few rows that do not read
		rec, err := rd.Read()
		if h := rd.Header(); h != nil && !h.Date.IsZero() {
			return h.Date, nil
		}
		var pe *parser.ParseError
		switch {
		case err == io.EOF || err == nil && rec != nil:
			return time.Time{}, nil // rows before any #Date
		case err != nil && !errors.As(err, &pe):
			return time.Time{}, err
		}
	}
	return time.Time{}, nil
}
