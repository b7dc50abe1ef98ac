package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/logscan/logscan/analyze"
)

const explainUsage = `Usage: logscan explain CODE ...

Explains an SMTP status as Exchange and Exchange Online use it, offline:
  logscan explain 5.7.64
  logscan explain ATTR35
  logscan explain "550 5.7.64 TenantAttribution; Relay Access Denied"
  logscan explain 451
Unknown codes fall back to the meaning of their class.
`

// explain runs "logscan explain CODE ...".
func explain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, explainUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	width := termWidth(stdout)
	status := exitOK
	for i, q := range args {
		info, ok := analyze.ExplainCode(q)
		if !ok {
			fmt.Fprintf(stderr, "logscan: %q is not an SMTP status code (try 5.7.64, 451 or ATTR35)\n", q)
			status = exitUsage
			continue
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "%s: %s\n", info.Key, info.Title)
		for _, part := range []struct{ label, text string }{
			{"Meaning", info.Meaning}, {"Usual cause", info.Cause}, {"What to do", info.Remedy}, {"Read more", info.Link},
		} {
			if part.text != "" {
				writeWrapped(stdout, part.label+": ", part.text, width)
			}
		}
		if info.Transient {
			fmt.Fprintln(stdout, "This is a temporary failure: the sending server keeps the message and retries.")
		}
	}
	return status
}

func writeWrapped(w io.Writer, prefix, text string, width int) {
	if width > 100 {
		width = 100
	}
	indent := strings.Repeat(" ", 2)
	line := prefix
	for _, word := range strings.Fields(text) {
		if len(line)+1+len(word) > width && strings.TrimSpace(line) != strings.TrimSpace(prefix) {
			fmt.Fprintln(w, line)
			line = indent + word
			continue
		}
		if line != prefix && line != indent {
			line += " "
		}
		line += word
	}
	fmt.Fprintln(w, line)
}
