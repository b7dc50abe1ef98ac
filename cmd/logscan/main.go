// Command logscan analyses Microsoft Exchange SMTP protocol logs: it
// rebuilds SMTP sessions from the Send and Receive connector logs and
// reports how they ended, the replies that ended them, and the
// certificates and TLS they used.
//
// Usage:
//
//	logscan [flags] [PATH ...]
//
// Each PATH is a log file, or a folder searched recursively for *.LOG
// files; "-" or no PATH reads standard input. Files of one folder are read
// in rollover order (SEND2024030520-1.LOG, -2.LOG, SEND2024030521-1.LOG),
// so sessions that continue across files join up.
//
// Examples:
//
//	logscan "C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Hub\ProtocolLog\SmtpSend"
//	logscan SEND2024030520-1.LOG SEND2024030520-2.LOG
//	cat SEND*.LOG | logscan
//	logscan --format ndjson DIR > sessions.ndjson
//	logscan --format json -o summary.json DIR
//
// Exit status: 0 when the logs were read and no finding is at or above
// --fail-on (default error); 1 when one is; 2 for a usage error, a broken
// export, or when no input could be read. See the README's output
// contract.
package main

import (
	"os"
	"runtime/debug"
)

// memoryLimit is the soft limit on the Go heap unless GOMEMLIMIT says
// otherwise. What logscan holds at once is small (the open sessions, and
// the sessions of the few files being parsed in parallel), but by default
// the collector lets the heap grow to twice that before it runs; the limit
// makes it run sooner, at a little CPU, so that the process stays under
// 64 MB on any input size (about 58.6 MiB peak RSS on 10 GiB with -j2,
// against 61.4 MiB with a limit of 56 MiB and the same time within the
// machine's noise; 48 MiB cost about 2% more CPU, and when the sessions
// kept more memory a lower limit made the collector run so often that the
// workers stalled). Inputs that really need more (hundreds of thousands
// of sessions open at once) get it: the limit is soft.
const memoryLimit = 52 << 20

// gcPercent is the collector's target unless GOGC says otherwise. The
// live heap is small and most of what logscan allocates dies within a
// session, so the default (100) ran the collector every few megabytes;
// 200 halves that and took 3-8% off a run (1 GiB and 10 GiB corpora),
// while the memory limit above still bounds the heap (60 MB peak RSS on
// 10 GiB, as with 100).
const gcPercent = 200

// tuneMemory sets the memory limit and the collector's target, each unless
// its environment variable is set, and asks for huge pages for the heap.
func tuneMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	hugeHeap()
}

func main() {
	tuneMemory()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
