package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16LE(s string, bom bool) string {
	var b []byte
	if bom {
		b = append(b, 0xff, 0xfe)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

func utf16BE(s string) string {
	b := []byte{0xfe, 0xff}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return string(b)
}

func TestReadPathList(t *testing.T) {
	tests := []struct {
		name string
		in   string
		nul  bool
		want string
	}{
		{"newline", "a/b\nc d/e\n\n", false, "a/b|c d/e"},
		{"crlf", "C:\\Logs\\SmtpSend\r\n\\\\EXCH01\\d$\\Logs\r\n", false, `C:\Logs\SmtpSend|\\EXCH01\d$\Logs`},
		{"nul", "a/b\x00c\nd\x00", true, "a/b|c\nd"},
		{"utf-8 bom and quotes", "\xef\xbb\xbf\"x y/z\"\n", false, "x y/z"},
		{"utf-16 le bom", utf16LE("C:\\Logs\\SEND1.LOG\r\nC:\\Logs\\SEND2.LOG\r\n", true), false, `C:\Logs\SEND1.LOG|C:\Logs\SEND2.LOG`},
		{"utf-16 le no bom", utf16LE("D:\\a\r\nD:\\b\r\n", false), false, `D:\a|D:\b`},
		{"utf-16 be bom", utf16BE("é/f\n"), false, "é/f"},
	}
	for _, tt := range tests {
		got, err := readPathList(strings.NewReader(tt.in), tt.nul)
		if err != nil || strings.Join(got, "|") != tt.want {
			t.Errorf("%s: %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestFilesFrom(t *testing.T) {
	send := exch01Send
	recv := samples + "/EXCH01/TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpReceive"
	want := "Sessions: 18"
	for name, tc := range map[string]struct {
		stdin string
		args  []string
	}{
		"newline":   {send + "\n" + recv + "\n", []string{"--files-from", "-"}},
		"nul":       {send + "\x00" + recv + "\x00", []string{"--files-from", "-", "-0"}},
		"crlf":      {send + "\r\n" + recv + "\r\n", []string{"--files-from", "-"}},
		"utf16 bom": {utf16LE(send+"\r\n"+recv+"\r\n", true), []string{"--files-from", "-"}},
	} {
		out, stderr, code := cli(t, tc.stdin, append(tc.args, "--fail-on", "never")...)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d, stderr %q\n%s", name, code, stderr, firstLines(out, 5))
		}
	}
	// From a file, with a missing entry reported by name and the rest read.
	list := filepath.Join(t.TempDir(), "list.txt")
	os.WriteFile(list, []byte(send+"\nno/such/SmtpSend\n"), 0o644)
	out, stderr, code := cli(t, "", "--files-from", list, "--fail-on", "never")
	if code != 0 || !strings.Contains(stderr, "no/such/SmtpSend: no such file or folder") || !strings.Contains(out, "Sessions: 13") {
		t.Errorf("missing entry: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = cli(t, "\n\n", "--files-from", "-")
	if code != 2 || !strings.Contains(stderr, "empty") {
		t.Errorf("empty list: exit %d %q", code, stderr)
	}
}

// A list of paths piped without --files-from is recognised and explained,
// instead of thousands of unreadable rows.
func TestStdinPathListDetected(t *testing.T) {
	_, stderr, code := cli(t, exch01Send+"\n"+samples+"\n")
	if code != 2 || !strings.Contains(stderr, "--files-from -") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	// A real log on stdin is not mistaken for a list.
	body, _ := os.ReadFile(samples + "/oddities/SEND-no-header-lf.LOG")
	out, _, code := cli(t, string(body), "--fail-on", "never")
	if code != 0 || !strings.Contains(out, "Sessions: 1") {
		t.Errorf("log on stdin: exit %d\n%s", code, firstLines(out, 4))
	}
}

func firstLines(s string, n int) string {
	l := strings.SplitN(s, "\n", n+1)
	return strings.Join(l[:min(n, len(l))], "\n")
}
