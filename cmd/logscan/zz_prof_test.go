package main

import (
	"io"
	"os"
	"testing"
)

func TestProfileRun(t *testing.T) {
	d := os.Getenv("PROF_DIR")
	if d == "" {
		t.Skip()
	}
	run([]string{"-j", os.Getenv("PROF_J"), "-f", "json", "--no-progress", "--fail-on", "never", d}, nil, io.Discard, io.Discard)
}
