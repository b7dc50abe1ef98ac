package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// findBrowser returns Debian's Chromium (installed by .ci/run), or "".
func findBrowser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTMLInBrowser loads the report in headless Chromium with every
// request sent to a local listener posing as a proxy: the page must render
// its findings and chart and fetch nothing. It leaves a screenshot in
// $LOGSCAN_SCREENSHOT_DIR (or the test's temporary folder).
func TestHTMLInBrowser(t *testing.T) {
	browser := findBrowser()
	if browser == "" {
		t.Skip("Chromium not found (install Debian's chromium package; .ci/run does)")
	}
	dir := t.TempDir()
	report := filepath.Join(dir, "report.html")
	_, stderr, code := cli(t, "", append(allExports("send-connectors-ok.txt"), "--format", "html", "-o", report, exch01Send)...)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}

	// Anything the page fetches lands here.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var fetches atomic.Int32
	requests := make(chan string, 100)
	var conns sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fetches.Add(1)
			conns.Add(1)
			go func(c net.Conn) {
				defer conns.Done()
				defer c.Close()
				c.SetReadDeadline(time.Now().Add(2 * time.Second))
				buf := make([]byte, 512)
				n, _ := c.Read(buf)
				line, _, _ := strings.Cut(string(buf[:n]), "\r\n")
				select {
				case requests <- line:
				default:
				}
			}(c)
		}
	}()

	run := func(extra ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir=" + t.TempDir(), "--proxy-server=http://" + ln.Addr().String(), "--proxy-bypass-list=<-loopback>",
			"--virtual-time-budget=3000"}, extra...)
		args = append(args, "file://"+report)
		out, err := exec.CommandContext(ctx, browser, args...).Output()
		if err != nil {
			t.Fatalf("%s: %v", browser, err)
		}
		return string(out)
	}

	dom := run("--dump-dom")
	for _, want := range []string{
		"The certificate presented matches no inbound connector", // a finding
		"Relay denied: Exchange Online could not attribute",      // the verdict
		`<svg class="chart"`, "<rect class=\"rejected\"", // the chart with bars
		"certificate changed", // its marker
		"08DC3C8E5F1A2B63",    // the drill-down
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
	if strings.Count(dom, "<script") != 1 {
		t.Errorf("the page has %d script elements", strings.Count(dom, "<script"))
	}

	shots := os.Getenv("LOGSCAN_SCREENSHOT_DIR")
	if shots == "" {
		shots = dir
	}
	shot := filepath.Join(shots, "report.png")
	run("--hide-scrollbars", "--window-size=1280,2400", "--screenshot="+shot)
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
		t.Errorf("no screenshot: %v", err)
	}
	t.Logf("screenshot: %s", shot)

	// Chromium itself calls Google's update, time and account services
	// however it is started; those are the browser's, not the page's.
	time.Sleep(200 * time.Millisecond)
	ln.Close()
	conns.Wait() // every handler has sent what it read (reads time out)
	close(requests)
	for r := range requests {
		if !browserOwn(r) {
			t.Errorf("the page made a network request: %q", r)
		}
	}
	t.Logf("%d requests through the proxy, all the browser's own", fetches.Load())
	if strings.Contains(dom, ` src="http`) || strings.Contains(dom, `url(http`) {
		t.Errorf("the page refers to an external resource")
	}
}

// browserOwn reports whether a proxied request line goes to one of
// Chromium's own background services.
func browserOwn(requestLine string) bool {
	f := strings.Fields(requestLine)
	if len(f) < 2 {
		return true // an empty read: a connection that sent nothing
	}
	host := f[1]
	host = strings.TrimPrefix(strings.TrimPrefix(host, "http://"), "https://")
	if i := strings.IndexAny(host, "/:"); i >= 0 {
		host = host[:i]
	}
	for _, sfx := range []string{".google.com", ".googleapis.com", ".gstatic.com", ".gvt1.com", ".googleusercontent.com"} {
		if strings.HasSuffix("."+host, sfx) {
			return true
		}
	}
	return false
}
