package main

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// isTerminal reports whether f is a terminal (a console on Windows).
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// termWidth returns the width tables must fit: $COLUMNS when set, the
// terminal's width on a terminal, and 200 otherwise (a file or a pipe has
// no edge, but a line should stay readable).
func termWidth(w io.Writer) int {
	if c := os.Getenv("COLUMNS"); c != "" {
		var n int
		if _, err := fmt.Sscan(c, &n); err == nil && n >= 40 {
			return n
		}
	}
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil && width >= 40 {
			return width
		}
		return 120
	}
	return 200
}

// useColor reports whether output to w may carry ANSI colours: only on a
// terminal that shows them, never when NO_COLOR is set (no-color.org) or
// TERM is "dumb".
func useColor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok || !isTerminal(f) {
		return false
	}
	return enableVT(f)
}
