package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeveralOutputs: one run writes several reports, each in the format
// its name asks for, each the same as a run that writes only it.
func TestSeveralOutputs(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1709672400")
	dir := t.TempDir()
	names := []string{"r.html", "r.json", "r.ndjson", "r.csv", "r.txt"}
	args := []string{"--fail-on", "never"}
	for _, n := range names {
		args = append(args, "-o", filepath.Join(dir, n))
	}
	if _, stderr, code := cli(t, "", append(args, samples)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, n := range names {
		got, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		alone := filepath.Join(t.TempDir(), n)
		if _, stderr, code := cli(t, "", "--fail-on", "never", "-o", alone, samples); code != 0 {
			t.Fatalf("%s alone: exit %d: %s", n, code, stderr)
		}
		want, _ := os.ReadFile(alone)
		if string(got) != string(want) {
			t.Errorf("%s differs from a run that writes only it (%d bytes, want %d)", n, len(got), len(want))
		}
		if len(got) == 0 {
			t.Errorf("%s is empty", n)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "r.html"))
	if !strings.HasPrefix(string(b), "<!DOCTYPE html>") {
		t.Errorf("r.html is not HTML: %.40q", b)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "r.json"))
	if !strings.Contains(string(b), `"schema": "logscan/v1"`) {
		t.Errorf("r.json is not the JSON document: %.40q", b)
	}
}

// --quiet keeps the terminal quiet; the reports asked for are still
// written (a nightly job runs with both).
func TestQuietWritesReports(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "night.html")
	stdout, stderr, code := cli(t, "", "--quiet", "-f", "html", "-o", out, samples)
	if code != exitFindings || stdout != "" || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "<html") {
		t.Errorf("the report is empty or not HTML: %d bytes", len(b))
	}
	stdout, _, _ = cli(t, "", "--quiet", samples)
	if stdout != "" {
		t.Errorf("--quiet printed the report: %.60q", stdout)
	}
}

func TestOutputSpecErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", filepath.Join(dir, "a.html"), "-o", filepath.Join(dir, "b.out")}, "name each report"},
		{[]string{"-f", "json", "-o", filepath.Join(dir, "a.html"), "-o", filepath.Join(dir, "b.json")}, "drop --format"},
		{[]string{"-o", filepath.Join(dir, "a.json"), "-o", filepath.Join(dir, "a.json")}, "given twice"},
		{[]string{"-o", filepath.Join(dir, "a.json"), "-o", filepath.Join(dir, "no", "such", "b.html")}, "cannot write"},
	} {
		_, stderr, code := cli(t, "", append(c.args, samples)...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused run left files: %v", entries)
	}
	// One -o without --format: the name decides; --format still wins.
	one := filepath.Join(dir, "one.json")
	cli(t, "", "--fail-on", "never", "-o", one, samples)
	if b, _ := os.ReadFile(one); !strings.HasPrefix(string(b), "{") {
		t.Errorf("-o one.json wrote %.30q", b)
	}
	cli(t, "", "--fail-on", "never", "-f", "text", "-o", one, samples)
	if b, _ := os.ReadFile(one); !strings.HasPrefix(string(b), "logscan ") {
		t.Errorf("-f text -o one.json wrote %.30q", b)
	}
}
