package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/internal/inputs"
	"github.com/logscan/logscan/report"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes: part of the public contract (see README).
const (
	exitOK       = 0
	exitFindings = 1 // a finding at or above --fail-on
	exitUsage    = 2
)

const usageHead = `logscan analyses Exchange SMTP protocol logs (SmtpSend\SEND*.LOG, SmtpReceive\RECV*.LOG).

Usage:
  logscan [flags] [PATH ...]
  logscan show [flags] SESSION-ID [PATH ...]
  logscan trace [flags] MESSAGE-ID [PATH ...]
  logscan explain CODE ...

PATH is a log file or a folder (searched recursively for *.LOG); "-" or no
PATH reads standard input. With the Exchange Online exports (--connectors,
--accepted-domains) logscan checks each session to Exchange Online against
your inbound connectors and says what to change.

Flags:
`

// options are the parsed command line.
type options struct {
	format         string
	formatSet      bool     // -f was given
	outputs        []string // -o, in order
	maxErrors      int
	quiet          bool
	version        bool
	connectors     string
	domains        string
	sendConnectors string
	certificates   string
	failOn         string
	filesFrom      string
	nul            bool
	gap            time.Duration
	noProgress     bool
	jobs           int
	since, until   string
	redact         bool
	redactKey      string
	state          string
	paths          []string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := pflag.NewFlagSet("logscan", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVarP(&o.format, "format", "f", "text", "output format: text, json, ndjson, csv or html")
	fs.StringArrayVarP(&o.outputs, "output", "o", nil, "write the report to `FILE` instead of standard output; repeat for several reports of one run, each in the format its name ends in (.html, .json, .ndjson, .csv, .txt)")
	fs.IntVar(&o.maxErrors, "max-errors", 10, "input problems listed in the text summary (all are counted)")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.StringVar(&o.connectors, "connectors", "", "Exchange Online inbound connectors: Get-InboundConnector exported as JSON, CSV or Format-List `FILE`")
	fs.StringVar(&o.domains, "accepted-domains", "", "Exchange Online accepted domains: Get-AcceptedDomain export `FILE`")
	fs.StringVar(&o.sendConnectors, "send-connectors", "", "on-premises send connectors: Get-SendConnector export `FILE`")
	fs.StringVar(&o.certificates, "certificates", "", "on-premises certificates: Get-ExchangeCertificate export `FILE`")
	fs.StringVar(&o.filesFrom, "files-from", "", "read the files and folders to scan from `FILE`, one per line (- for standard input)")
	fs.BoolVarP(&o.nul, "null", "0", false, "with --files-from: entries are separated by NUL bytes (find -print0)")
	fs.StringVar(&o.since, "since", "", "only sessions from `TIME` on: RFC 3339, a date (2024-03-05), or a duration back from now (24h, 7d)")
	fs.StringVar(&o.until, "until", "", "only sessions up to `TIME` (same forms as --since)")
	fs.BoolVar(&o.redact, "redact", false, "replace e-mail addresses, IP addresses, host names and your domains with stable pseudonyms, for sharing")
	fs.StringVar(&o.redactKey, "redact-key", "", "with --redact: a secret `KEY` that makes the pseudonyms the same across runs")
	fs.IntVarP(&o.jobs, "jobs", "j", runtime.GOMAXPROCS(0), "files parsed at once (1: one after another; the output is the same)")
	fs.BoolVar(&o.noProgress, "no-progress", false, "no progress line on stderr (it is shown only when stderr is a terminal)")
	fs.StringVar(&o.state, "state", "", "incremental scan: remember in `FILE` what was read, and next time read only what is new")
	fs.DurationVar(&o.gap, "gap", 60*time.Second, "report pauses longer than `DURATION` between two rows of a session")
	fs.StringVar(&o.failOn, "fail-on", "error", "exit 1 when a finding is at or above `LEVEL`: error, warning, info or never")
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\nExit status: 0 no finding at or above --fail-on; 1 findings at or above it;\n2 usage error, a broken export, an unusable --state file, a report that could\nnot be written, or no input could be read.\n")
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch o.format {
	case "text", "json", "ndjson", "csv", "html":
	default:
		return nil, fmt.Errorf("unknown --format %q: want text, json, ndjson, csv or html", o.format)
	}
	o.formatSet = fs.Changed("format")
	if _, ok := analyze.ParseSeverity(o.failOn); !ok && o.failOn != "never" {
		return nil, fmt.Errorf("unknown --fail-on %q: want error, warning, info or never", o.failOn)
	}
	o.paths = fs.Args()
	return o, nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "explain" {
		return explain(args[1:], stdout, stderr)
	}
	show, trace := "", false
	if len(args) > 0 && (args[0] == "show" || args[0] == "trace") {
		trace = args[0] == "trace"
		args = args[1:]
		show = "?"
	}
	o, err := parseFlags(args, stderr)
	if errors.Is(err, pflag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "logscan: %v\nRun 'logscan --help' for usage.\n", err)
		return exitUsage
	}
	if o.version {
		fmt.Fprintf(stdout, "logscan %s\n", version)
		return exitOK
	}
	if show != "" {
		if len(o.paths) == 0 {
			if trace {
				fmt.Fprint(stderr, "logscan: trace needs a message id: logscan trace MESSAGE-ID [PATH ...]\n")
			} else {
				fmt.Fprint(stderr, "logscan: show needs a session id: logscan show SESSION-ID [PATH ...]\n")
			}
			return exitUsage
		}
		show, o.paths = o.paths[0], o.paths[1:]
	}
	paths := o.paths
	if o.filesFrom != "" {
		var list []string
		if o.filesFrom == "-" {
			list, err = readPathList(stdin, o.nul)
			stdin = strings.NewReader("") // consumed: it held the list, not a log
		} else if f, ferr := os.Open(o.filesFrom); ferr != nil {
			err = errors.New(describe(ferr))
		} else {
			list, err = readPathList(f, o.nul)
			f.Close()
		}
		if err != nil {
			fmt.Fprintf(stderr, "logscan: --files-from %s: %v\n", o.filesFrom, err)
			return exitUsage
		}
		if len(list) == 0 {
			fmt.Fprintf(stderr, "logscan: --files-from %s: the list is empty\n", o.filesFrom)
			return exitUsage
		}
		paths = append(paths, list...)
	}
	if len(paths) == 0 {
		if f, ok := stdin.(*os.File); ok && isTerminal(f) {
			fmt.Fprint(stderr, "logscan: no logs given: name files or folders, or pipe a log into standard input.\nRun 'logscan --help' for usage.\n")
			return exitUsage
		}
		paths = []string{"-"}
	}
	var old *stateFile
	if o.state != "" {
		if show != "" {
			fmt.Fprintln(stderr, "logscan: --state is for scans; show and trace read the logs given in full")
			return exitUsage
		}
		if slices.Contains(paths, "-") {
			fmt.Fprintln(stderr, "logscan: --state needs log files or folders: standard input cannot be read again from where it stopped")
			return exitUsage
		}
		// Absolute paths, so that a run from another folder finds the
		// same files (and sessions continue in the same folder).
		for i, p := range paths {
			if a, err := filepath.Abs(p); err == nil {
				paths[i] = a
			}
		}
		if old, err = loadState(o.state); err != nil {
			fmt.Fprintf(stderr, "logscan: %v\n", err)
			return exitUsage
		}
	}
	if slices.Contains(paths, "-") {
		if stdin, err = sniffStdin(stdin); err != nil {
			fmt.Fprintf(stderr, "logscan: %v\n", err)
			return exitUsage
		}
	}

	generated := now()
	var since, until time.Time
	for _, tf := range []struct {
		flag, val string
		dst       *time.Time
	}{{"--since", o.since, &since}, {"--until", o.until, &until}} {
		if tf.val == "" {
			continue
		}
		if *tf.dst, err = inputs.ParseTime(tf.val, generated); err != nil {
			fmt.Fprintf(stderr, "logscan: %s %q: %v\n", tf.flag, tf.val, err)
			return exitUsage
		}
	}
	if !since.IsZero() && !until.IsZero() && until.Before(since) {
		fmt.Fprintln(stderr, "logscan: --until is before --since")
		return exitUsage
	}
	cfg, exports, err := loadConfig(o, generated)
	cfg.GapThreshold = o.gap
	if err != nil {
		fmt.Fprintf(stderr, "logscan: %v\n", err)
		return exitUsage
	}
	for _, e := range exports {
		for _, w := range e.Warnings {
			fmt.Fprintf(stderr, "logscan: warning: %s\n", w)
		}
	}
	checker := analyze.NewChecker(cfg)

	ins, skipped, errs := inputs.Collect(paths, inputs.Options{Since: since, Until: until, Stdin: stdin})
	defer inputs.Cleanup()
	if o.state != "" {
		// The state file may sit among the logs, named anything: it is
		// never read as one. (Its temporary files, ".NAME.tmp-*", do not
		// end in .LOG.)
		if st, err := filepath.Abs(o.state); err == nil {
			ins = slices.DeleteFunc(ins, func(in inputs.Input) bool { return in.Name == st })
		}
	}
	names := make([]string, len(ins))
	for i, in := range ins {
		names[i] = in.Name
	}
	checker.SetFiles(names)
	sum := analyze.NewSummary()
	for _, e := range errs {
		msg := describe(e)
		sum.AddError(analyze.InputError{Reason: msg})
		fmt.Fprintf(stderr, "logscan: %s\n", msg)
	}
	if len(ins) == 0 {
		if len(skipped) > 0 {
			fmt.Fprintf(stderr, "logscan: all %d log files are outside --since/--until\n", len(skipped))
		} else {
			fmt.Fprintln(stderr, "logscan: nothing to read")
		}
		return exitUsage
	}
	if len(skipped) > 0 && !o.quiet {
		fmt.Fprintf(stderr, "logscan: %d log files skipped unread: their names put them outside --since/--until\n", len(skipped))
	}

	var sr *stateRun
	if old != nil {
		sr = planState(o.state, old, ins)
		checker.RestoreCertStates(old.Certs)
	}

	specs, err := outputSpecs(o, show != "")
	if err != nil {
		fmt.Fprintf(stderr, "logscan: %v\n", err)
		return exitUsage
	}
	outs := make([]*output, 0, len(specs))
	abandon := func() {
		for _, out := range outs {
			out.commit(false)
		}
	}
	for _, sp := range specs {
		w, commit, err := openOutput(sp.path, stdout)
		if err != nil {
			abandon()
			fmt.Fprintf(stderr, "logscan: %v\n", err)
			return exitUsage
		}
		outs = append(outs, &output{outSpec: sp, w: w, commit: commit})
	}
	meta := report.Meta{Version: version, Generated: generated, Inputs: paths}

	var emit func(*analyze.Session) error
	transcripts := false
	keep := newKeeper()
	var shown []*analyze.Session
	var emits []func(*analyze.Session) error
	for _, out := range outs {
		if show != "" {
			break
		}
		switch out.format {
		case "ndjson":
			nd := report.NewNDJSON(out.w)
			out.flush = nd.Flush
			emits = append(emits, nd.Write) // each session as it ends
		case "csv":
			c := report.NewCSV(out.w)
			out.flush = c.Flush
			emits = append(emits, c.Write)
		case "html":
			if !transcripts {
				emits = append(emits, keep.add)
			}
			transcripts = true
		}
	}
	switch {
	case trace:
		id := strings.Trim(show, "<>")
		emit = func(s *analyze.Session) error {
			for _, m := range s.Messages {
				if strings.EqualFold(strings.Trim(m.MessageID, "<>"), id) {
					s.Keep()
					shown = append(shown, s)
					break
				}
			}
			return nil
		}
	case show != "":
		transcripts = true
		emit = func(s *analyze.Session) error {
			if strings.EqualFold(s.ID, show) {
				s.Keep()
				shown = append(shown, s)
			}
			return nil
		}
	case len(emits) == 1:
		emit = emits[0]
	case len(emits) > 1:
		emit = func(s *analyze.Session) error {
			for _, e := range emits {
				if err := e(s); err != nil {
					return err
				}
			}
			return nil
		}
	}
	var total int64
	for _, in := range ins {
		total += max(in.Size, 0)
	}
	prog := newProgress(stderr, !o.noProgress && !o.quiet, total, len(ins))
	// Redaction comes after the checks (they compare the real names with
	// the exports) and before anything is written.
	var red *analyze.Redactor
	if o.redact || o.redactKey != "" {
		red = analyze.NewRedactor([]byte(o.redactKey))
		if inner := emit; inner != nil && !(show != "" || trace) {
			emit = func(s *analyze.Session) error {
				red.Learn(s)
				red.Session(s)
				return inner(s)
			}
		}
	}
	read, held, werr := scan(ins, sum, checker, scanOptions{transcripts: transcripts, jobs: o.jobs, prog: prog, since: since, until: until, state: sr}, emit)
	prog.finish()
	var next *stateFile
	if sr != nil {
		next = sr.next(held, checker.CertStates(), ins)
	}
	res := sum.Result()
	if sr != nil {
		info := sr.info
		res.State = &info
	}
	res.Findings, res.SkippedChecks = checker.Findings()
	res.Exports = exports
	res.FillCertificates(cfg.Certificates)
	if red != nil {
		for _, s := range shown {
			red.Learn(s)
			red.Session(s)
		}
		red.Result(res)
		for i, p := range meta.Inputs {
			meta.Inputs[i] = red.Path(p)
		}
		meta.Redacted = red.Replaced()
	}
	// werr so far is an emit's error; which output failed is the one
	// whose writer returns it again (the writers keep their first error).
	failed := ""
	if werr != nil {
		failed = "the report"
		if len(outs) == 1 {
			failed = outName(outs[0].path)
		}
	}
	for _, out := range outs {
		if werr != nil {
			break
		}
		if out.flush != nil {
			werr = out.flush()
		}
		if werr == nil {
			switch {
			case trace:
				id := show
				if red != nil {
					id = red.Text(show)
				}
				werr = report.Trace(out.w, id, shown)
			case show != "":
				for i, s := range shown {
					if i > 0 {
						fmt.Fprintln(out.w)
					}
					if werr = report.Transcript(out.w, s); werr != nil {
						break
					}
				}
			case out.format == "text":
				werr = report.Text(out.w, res, meta, report.TextOptions{MaxErrors: o.maxErrors, Width: termWidth(out.w), Color: useColor(out.w)})
			case out.format == "json":
				werr = report.JSON(out.w, res, meta)
			case out.format == "html":
				werr = report.HTML(out.w, res, meta, report.HTMLOptions{Sessions: keep.kept, SessionsMore: keep.more,
					ListCommand: listCommand(meta.Inputs), Redacted: meta.Redacted})
			}
		}
		if werr != nil {
			failed = outName(out.path)
		}
	}
	if werr != nil {
		abandon()
		if isBrokenPipe(werr) {
			return exitOK // the reader went away (logscan ... | head): not an error
		}
		fmt.Fprintf(stderr, "logscan: write %s: %v\n", failed, werr)
		return exitUsage
	}
	for i, out := range outs {
		if err := out.commit(true); err != nil {
			for _, rest := range outs[i+1:] {
				rest.commit(false)
			}
			fmt.Fprintf(stderr, "logscan: %v\n", err)
			return exitUsage
		}
	}
	// The state moves on only once the report is out: a run that could
	// not write its report reads the same logs again next time.
	if next != nil {
		if err := next.save(o.state); err != nil {
			fmt.Fprintf(stderr, "logscan: %v\n", err)
			return exitUsage
		}
	}
	if show != "" && len(shown) == 0 && read > 0 {
		if trace {
			fmt.Fprintf(stderr, "logscan: no message %s in the logs given (send logs record InternetMessageId; receive logs do not)\n", show)
		} else {
			fmt.Fprintf(stderr, "logscan: no session %s in the logs given\n", show)
		}
		return exitUsage
	}
	if show != "" {
		return exitOK
	}
	if !(len(outs) == 1 && outs[0].path == "" && outs[0].format == "text") {
		// The text summary on the terminal lists input problems itself;
		// otherwise say on stderr that there were some.
		if res.ErrorCount > 0 && !o.quiet && show == "" {
			fmt.Fprintf(stderr, "logscan: %d input problems (unreadable lines or files); see input_errors\n", res.ErrorCount)
		}
	}
	if sr != nil {
		// Nothing new since the last run is a normal night.
		if toRead := len(ins) - sr.info.Unchanged; toRead > 0 && read == 0 {
			fmt.Fprintln(stderr, "logscan: none of the logs could be read")
			return exitUsage
		}
	} else if read == 0 || (res.Rows == 0 && res.Sessions == 0) {
		fmt.Fprintln(stderr, "logscan: no protocol-log rows could be read")
		return exitUsage
	}
	if failOn, ok := analyze.ParseSeverity(o.failOn); ok {
		if worst, any := res.Worst(); any && worst >= failOn {
			return exitFindings
		}
	}
	return exitOK
}

// outSpec is one report to write: a file (or "" for standard output)
// and its format.
type outSpec struct {
	path, format string
}

// output is an outSpec being written.
type output struct {
	outSpec
	w      io.Writer
	commit func(ok bool) error
	flush  func() error
}

// formatOf returns the format a report file's name asks for, or "".
func formatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		return "html"
	case ".json":
		return "json"
	case ".ndjson", ".jsonl":
		return "ndjson"
	case ".csv":
		return "csv"
	case ".txt", ".text":
		return "text"
	}
	return ""
}

// outputSpecs decides the reports to write. No -o: standard output, in
// --format (nothing with --quiet). One -o: --format when given, else the
// format its name ends in, else text. Several -o: each in the format its
// name ends in, so one run (one read of the logs, one step of --state)
// writes the HTML report and the JSON for other tools.
func outputSpecs(o *options, show bool) ([]outSpec, error) {
	switch {
	case len(o.outputs) == 0:
		if o.quiet && !show {
			return nil, nil
		}
		return []outSpec{{"", o.format}}, nil
	case len(o.outputs) == 1:
		f := o.format
		if !o.formatSet && !show {
			if g := formatOf(o.outputs[0]); g != "" {
				f = g
			}
		}
		return []outSpec{{o.outputs[0], f}}, nil
	case show:
		return nil, errors.New("show and trace write one transcript: give one -o")
	case o.formatSet:
		return nil, errors.New("with several -o, each report's format comes from its name (.html, .json, .ndjson, .csv, .txt): drop --format")
	}
	var out []outSpec
	seen := map[string]bool{}
	for _, p := range o.outputs {
		f := formatOf(p)
		if f == "" {
			return nil, fmt.Errorf("-o %s: with several -o, name each report .html, .json, .ndjson, .csv or .txt so that its format is known", p)
		}
		if p == "-" || seen[p] {
			return nil, fmt.Errorf("-o %s: given twice, or standard output among several reports", p)
		}
		seen[p] = true
		out = append(out, outSpec{p, f})
	}
	return out, nil
}

func outName(path string) string {
	if path == "" {
		return "standard output"
	}
	return path
}

// openOutput returns where the report goes. A file is written under a
// temporary name in the same folder and renamed into place by commit(true),
// so a failed run never leaves a half-written report under the final name.
func openOutput(path string, stdout io.Writer) (io.Writer, func(ok bool) error, error) {
	if path == "" || path == "-" {
		return stdout, func(bool) error { return nil }, nil
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, nil, fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
	}
	commit := func(ok bool) error {
		if !ok {
			f.Close()
			os.Remove(f.Name())
			return nil
		}
		// CreateTemp makes the file private; a report is for sharing.
		if err := f.Chmod(0o644); err != nil {
			f.Close()
			os.Remove(f.Name())
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			os.Remove(f.Name())
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			os.Remove(f.Name())
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := os.Rename(f.Name(), path); err != nil {
			os.Remove(f.Name())
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}
	return f, commit, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func isBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || strings.Contains(err.Error(), "broken pipe")
}

// now is the report time: $SOURCE_DATE_EPOCH (seconds) when set, so that
// reports can be reproduced byte for byte, else the clock.
func now() time.Time {
	if v := os.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		var sec int64
		if _, err := fmt.Sscan(v, &sec); err == nil {
			return time.Unix(sec, 0).UTC()
		}
	}
	return time.Now().UTC()
}

// keeper keeps failing sessions, with their transcripts, for the HTML
// drill-down: first one example of every finding, then the first failing
// sessions, up to a cap; the rest are only counted.
type keeper struct {
	kept    []*analyze.Session
	more    int
	example map[string]bool
}

const (
	keepFailing  = 30 // failing sessions kept in any case
	keepExamples = 60 // and up to this many to show every finding
)

func newKeeper() *keeper { return &keeper{example: map[string]bool{}} }

func (k *keeper) add(s *analyze.Session) error {
	switch s.Outcome {
	case analyze.Rejected, analyze.Deferred, analyze.Failed:
	default:
		return nil
	}
	needed := false
	for _, id := range s.Findings {
		if !k.example[id] {
			needed = true
		}
	}
	if len(k.kept) < keepFailing || (needed && len(k.kept) < keepExamples) {
		for _, id := range s.Findings {
			k.example[id] = true
		}
		s.Keep()
		k.kept = append(k.kept, s)
		return nil
	}
	k.more++
	return nil
}

// listCommand is the command that lists every failing session.
func listCommand(paths []string) string {
	return "logscan --format ndjson " + strings.Join(paths, " ") + " | jq -c 'select(.outcome==\"rejected\" or .outcome==\"deferred\" or .outcome==\"failed\")'"
}
