package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

func TestProfileRun(t *testing.T) {
	d := os.Getenv("PROF_DIR")
	if d == "" {
		t.Skip()
	}
	args := []string{"-j", os.Getenv("PROF_J"), "-f", "json", "--no-progress", "--fail-on", "never"}
	if e := os.Getenv("PROF_EXPORTS"); e != "" {
		args = append(args, strings.Fields(e)...)
	}
	run(append(args, d), nil, io.Discard, io.Discard)
}
