package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/logscan/logscan/analyze"
)

// CSVColumns are the columns of --format csv, one row per session: the
// NDJSON fields that fit a cell, lists joined with ";".
var CSVColumns = []string{
	"source", "server", "service", "log_type", "connector", "session_id", "start", "end", "duration_ms",
	"complete", "outcome", "final_code", "final_enhanced", "final_text", "final_command",
	"local", "remote", "remote_host", "ehlo", "seen_ip", "starttls", "tls_version", "tls_cipher",
	"tls_error", "connect_error", "local_cert_subject", "local_cert_thumbprint", "local_cert_san",
	"local_cert_not_after", "remote_cert_subject", "remote_cert_thumbprint", "messages", "messages_accepted",
	"from", "to", "message_ids", "disconnect", "findings", "first_file", "first_line", "rows",
}

// CSV writes sessions as CSV rows for spreadsheets.
type CSV struct {
	bw     *bufio.Writer
	w      *csv.Writer
	header bool
}

// NewCSV returns a CSV writer. The output starts with a UTF-8 byte order
// mark so that Excel reads it as UTF-8. Call Flush at the end.
func NewCSV(w io.Writer) *CSV {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &CSV{bw: bw, w: csv.NewWriter(bw)}
}

// Write writes one session (and the header before the first).
func (c *CSV) Write(s *analyze.Session) error {
	if !c.header {
		c.header = true
		if _, err := c.bw.WriteString("\ufeff"); err != nil {
			return err
		}
		if err := c.w.Write(CSVColumns); err != nil {
			return err
		}
	}
	j := NewSession(s)
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	var final [4]string
	if f := j.Final; f != nil {
		final = [4]string{strconv.Itoa(f.Code), f.Enhanced, f.Text, f.Command}
	}
	var tlsVersion, tlsCipher string
	if j.TLS != nil {
		tlsVersion, tlsCipher = j.TLS.Version, j.TLS.Cipher
	}
	var lc [4]string
	if c := j.LocalCert; c != nil {
		lc = [4]string{c.Subject, c.Thumbprint, strings.Join(c.SAN, ";"), str(c.NotAfter)}
	}
	var rc [2]string
	if c := j.RemoteCert; c != nil {
		rc = [2]string{c.Subject, c.Thumbprint}
	}
	var from, to, ids []string
	accepted := 0
	for _, m := range j.Messages {
		from = append(from, m.From)
		to = append(to, m.To...)
		if m.MessageID != "" {
			ids = append(ids, m.MessageID)
		}
		if m.Accepted {
			accepted++
		}
	}
	row := []string{
		j.Source, j.Server, j.Service, j.LogType, j.Connector, j.SessionID, str(j.Start), str(j.End),
		strconv.FormatInt(j.DurationMS, 10), strconv.FormatBool(j.Complete), j.Outcome,
		final[0], final[1], final[2], final[3],
		j.Local, j.Remote, j.RemoteHost, j.EHLO, j.SeenIP, j.StartTLS, tlsVersion, tlsCipher,
		j.TLSError, j.ConnectError, lc[0], lc[1], lc[2], lc[3], rc[0], rc[1],
		strconv.Itoa(len(j.Messages)), strconv.Itoa(accepted), strings.Join(from, ";"), strings.Join(to, ";"),
		strings.Join(ids, ";"), j.Disconnect, strings.Join(j.Findings, ";"), j.First.File, strconv.Itoa(j.First.Line),
		strconv.Itoa(j.Rows),
	}
	for i := range row {
		row[i] = cell(row[i])
	}
	return c.w.Write(row)
}

// cell defuses text that a spreadsheet would run as a formula: log
// content is hostile, and a cell starting with = + - @ (or a tab or
// carriage return) is prefixed with a quote, as OWASP recommends.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

// Flush writes out buffered rows.
func (c *CSV) Flush() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}
