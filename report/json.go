// Package report renders logscan's results: a terminal summary, JSON and
// NDJSON for pipelines.
//
// The JSON shapes here are a public contract (see the README): fields are
// added, never renamed or removed, without a new Schema version.
package report

import (
	"bufio"
	"encoding/json"
	"io"
	"time"

	"github.com/logscan/logscan/analyze"
)

// Schema names the version of the JSON and NDJSON shapes.
const Schema = "logscan/v1"

// timeFormat is RFC 3339 in UTC with milliseconds, as Exchange logs them.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

// Meta describes a run, for the report header.
type Meta struct {
	Version   string    // logscan version
	Generated time.Time // when the report was made; passed in so output is reproducible
	Inputs    []string  // the paths given
	// Redacted says what --redact replaced (kind → distinct values); nil
	// when the report is not redacted.
	Redacted map[string]int
}

func jsonTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(timeFormat)
	return &s
}

// Pos is a place in the input.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// Reply is an SMTP reply.
type Reply struct {
	Code     int    `json:"code"`
	Enhanced string `json:"enhanced"`
	Text     string `json:"text"`
	Command  string `json:"command"`
	At       Pos    `json:"at"`
}

// TLS is a negotiated TLS session.
type TLS struct {
	Protocol        string `json:"protocol"`
	Version         string `json:"version"`
	Cipher          string `json:"cipher"`
	CipherBits      int    `json:"cipher_bits"`
	MAC             string `json:"mac"`
	KeyExchange     string `json:"key_exchange"`
	KeyExchangeBits int    `json:"key_exchange_bits"`
}

// Certificate is a certificate as logged; absent fields are "" or null.
type Certificate struct {
	Subject    string   `json:"subject"`
	Issuer     string   `json:"issuer"`
	Serial     string   `json:"serial"`
	Thumbprint string   `json:"thumbprint"`
	SAN        []string `json:"san"`
	NotBefore  *string  `json:"not_before"`
	NotAfter   *string  `json:"not_after"`
	At         Pos      `json:"at"`
}

// Refusal is a recipient the server refused.
type Refusal struct {
	To       string `json:"to"`
	Response *Reply `json:"response"`
}

// Message is one mail transaction.
type Message struct {
	RecordID  string    `json:"record_id"`
	MessageID string    `json:"message_id"`
	From      string    `json:"from"`
	To        []string  `json:"to"`
	Refused   []Refusal `json:"refused"`
	XOORG     string    `json:"xoorg"`
	Size      *int64    `json:"size"`
	Response  *Reply    `json:"response"`
	Accepted  bool      `json:"accepted"`
}

// Session is one line of NDJSON output.
type Session struct {
	Source          string       `json:"source"`
	Server          string       `json:"server"`
	Service         string       `json:"service"`
	LogType         string       `json:"log_type"`
	Connector       string       `json:"connector"`
	SessionID       string       `json:"session_id"`
	Start           *string      `json:"start"`
	End             *string      `json:"end"`
	DurationMS      int64        `json:"duration_ms"`
	Complete        bool         `json:"complete"`
	Evicted         bool         `json:"evicted"`
	Local           string       `json:"local"`
	Remote          string       `json:"remote"`
	RemoteHost      string       `json:"remote_host"`
	EHLO            string       `json:"ehlo"`
	SeenIP          string       `json:"seen_ip"`
	StartTLS        string       `json:"starttls"`
	TLS             *TLS         `json:"tls"`
	TLSError        string       `json:"tls_error"`
	ConnectError    string       `json:"connect_error"`
	LocalCert       *Certificate `json:"local_cert"`
	RemoteCert      *Certificate `json:"remote_cert"`
	Messages        []Message    `json:"messages"`
	MessagesDropped int          `json:"messages_dropped"`
	Responses       []Reply      `json:"responses"`
	Final           *Reply       `json:"final"`
	Outcome         string       `json:"outcome"`
	Disconnect      string       `json:"disconnect"`
	Findings        []string     `json:"findings"`
	First           Pos          `json:"first"`
	Last            Pos          `json:"last"`
	Rows            int          `json:"rows"`
}

func pos(p analyze.Pos) Pos { return Pos{File: p.File, Line: p.Line} }

func reply(r *analyze.Reply) *Reply {
	if r == nil {
		return nil
	}
	return &Reply{Code: r.Code, Enhanced: r.Enhanced, Text: r.Text, Command: r.Command, At: pos(r.Pos)}
}

func cert(c *analyze.Certificate) *Certificate {
	if c == nil {
		return nil
	}
	san := c.SANs
	if san == nil {
		san = []string{}
	}
	return &Certificate{Subject: c.Subject, Issuer: c.Issuer, Serial: c.Serial, Thumbprint: c.Thumbprint,
		SAN: san, NotBefore: jsonTime(c.NotBefore), NotAfter: jsonTime(c.NotAfter), At: pos(c.Pos)}
}

// NewSession converts a session to its JSON shape.
func NewSession(s *analyze.Session) *Session {
	out := &Session{
		Source: s.Source, Server: s.Server, Service: s.Service, LogType: s.LogType.String(),
		Connector: s.Connector, SessionID: s.ID, Start: jsonTime(s.Start), End: jsonTime(s.End),
		DurationMS: s.Duration().Milliseconds(), Complete: s.Complete, Evicted: s.Evicted,
		Local: s.Local, Remote: s.Remote, RemoteHost: s.RemoteHost, EHLO: s.EHLO, SeenIP: s.SeenIP,
		StartTLS: string(s.StartTLS), TLSError: s.TLSError, ConnectError: s.ConnectError,
		LocalCert: cert(s.LocalCert), RemoteCert: cert(s.RemoteCert),
		Messages: make([]Message, 0, len(s.Messages)), MessagesDropped: s.MessagesDropped,
		Responses: make([]Reply, 0, len(s.Replies)), Final: reply(s.Final), Outcome: string(s.Outcome),
		Disconnect: s.Disconnect, Findings: s.Findings, First: pos(s.First), Last: pos(s.Last), Rows: s.Rows,
	}
	if out.Findings == nil {
		out.Findings = []string{}
	}
	if t := s.TLS; t != nil {
		out.TLS = &TLS{Protocol: t.Protocol, Version: t.Version, Cipher: t.Cipher, CipherBits: t.CipherBits,
			MAC: t.MAC, KeyExchange: t.KeyExchange, KeyExchangeBits: t.KeyExchangeBits}
	}
	for i := range s.Messages {
		m := &s.Messages[i]
		jm := Message{RecordID: m.RecordID, MessageID: m.MessageID, From: m.From, To: m.To,
			Refused: make([]Refusal, 0, len(m.Refused)), XOORG: m.XOORG, Response: reply(m.Reply), Accepted: m.Accepted}
		if jm.To == nil {
			jm.To = []string{}
		}
		if m.Size >= 0 {
			size := m.Size
			jm.Size = &size
		}
		for _, r := range m.Refused {
			jm.Refused = append(jm.Refused, Refusal{To: r.To, Response: reply(r.Reply)})
		}
		out.Messages = append(out.Messages, jm)
	}
	for i := range s.Replies {
		out.Responses = append(out.Responses, *reply(&s.Replies[i]))
	}
	return out
}

// NDJSON writes one session per line.
type NDJSON struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// NewNDJSON returns a writer of sessions to w. Call Flush at the end.
func NewNDJSON(w io.Writer) *NDJSON {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &NDJSON{w: bw, enc: enc}
}

// Write writes one session.
func (n *NDJSON) Write(s *analyze.Session) error { return n.enc.Encode(NewSession(s)) }

// Flush writes out buffered lines.
func (n *NDJSON) Flush() error { return n.w.Flush() }

// Document is the --format json output.
type Document struct {
	Schema          string       `json:"schema"`
	Version         string       `json:"version"`
	Generated       *string      `json:"generated"`
	Inputs          []string     `json:"inputs"`
	Redacted        *Redaction   `json:"redacted"`
	Findings        []Finding    `json:"findings"`
	SkippedChecks   []Skipped    `json:"skipped_checks"`
	Exports         []Export     `json:"exports"`
	Summary         Summary      `json:"summary"`
	State           *State       `json:"state"`
	Files           []File       `json:"files"`
	Connectors      []Connector  `json:"connectors"`
	Codes           []Code       `json:"codes"`
	Certificates    []CertUse    `json:"certificates"`
	InputErrors     []InputError `json:"input_errors"`
	InputErrorCount int          `json:"input_error_count"`
}

// Redaction says that names were replaced by pseudonyms, and which kinds.
type Redaction struct {
	Replaced map[string]int `json:"replaced"`
}

// Summary is the headline counts.
type Summary struct {
	Files        int            `json:"files"`
	Bytes        int64          `json:"bytes"`
	Rows         int            `json:"rows"`
	BadRows      int            `json:"bad_rows"`
	SkippedRows  int            `json:"skipped_rows"`
	RepairedRows int            `json:"repaired_rows"`
	Sessions     int            `json:"sessions"`
	Incomplete   int            `json:"incomplete"`
	Evicted      int            `json:"evicted"`
	ByOutcome    map[string]int `json:"by_outcome"`
	Start        *string        `json:"start"`
	End          *string        `json:"end"`
	Truncated    bool           `json:"truncated"`
}

// File is what was read from one input.
type File struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	Server  string `json:"server"`
	Service string `json:"service"`
	LogType string `json:"log_type"`
	Bytes   int64  `json:"bytes"`
	Rows    int    `json:"rows"`
	BadRows int    `json:"bad_rows"`
	Skipped int    `json:"skipped_rows"`
	// Repaired rows were read after repairing a damaged copy.
	Repaired int     `json:"repaired_rows"`
	Encoding string  `json:"encoding"`
	First    *string `json:"first"`
	Last     *string `json:"last"`
	Error    string  `json:"error"`
}

// Connector counts one connector's sessions.
type Connector struct {
	Server    string         `json:"server"`
	LogType   string         `json:"log_type"`
	Connector string         `json:"connector"`
	Sessions  int            `json:"sessions"`
	ByOutcome map[string]int `json:"by_outcome"`
}

// Code counts sessions ended by one kind of reply.
type Code struct {
	Code     int    `json:"code"`
	Enhanced string `json:"enhanced"`
	Text     string `json:"text"`
	Outcome  string `json:"outcome"`
	Sessions int    `json:"sessions"`
	Example  string `json:"example_session"`
	At       Pos    `json:"at"`
}

// CertUse describes one certificate and the sessions that carried it.
type CertUse struct {
	Role       string   `json:"role"`
	Subject    string   `json:"subject"`
	Issuer     string   `json:"issuer"`
	Thumbprint string   `json:"thumbprint"`
	SAN        []string `json:"san"`
	NotAfter   *string  `json:"not_after"`
	FirstSeen  *string  `json:"first_seen"`
	LastSeen   *string  `json:"last_seen"`
	Sessions   int      `json:"sessions"`
	Failed     int      `json:"failed"`
	Connectors []string `json:"connectors"`
	Example    string   `json:"example_session"`
}

// Finding is one problem and the sessions that show it.
type Finding struct {
	ID          string     `json:"id"`
	Key         string     `json:"key"`
	Severity    string     `json:"severity"`
	Title       string     `json:"title"`
	Explanation string     `json:"explanation"`
	Remedy      string     `json:"remedy"`
	Link        string     `json:"link"`
	Sessions    int        `json:"sessions"`
	SessionIDs  []string   `json:"session_ids"`
	Evidence    []Evidence `json:"evidence"`
	First       *string    `json:"first"`
	Last        *string    `json:"last"`
}

// Evidence is a log line that shows a finding.
type Evidence struct {
	Session string `json:"session"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Raw     string `json:"raw"`
}

// Skipped is a check that did not run, and the flag that enables it.
type Skipped struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
	Flag   string `json:"flag"`
}

// Export is a configuration export that was read.
type Export struct {
	Kind     string   `json:"kind"`
	File     string   `json:"file"`
	Form     string   `json:"form"`
	Records  int      `json:"records"`
	Warnings []string `json:"warnings"`
}

// NewFinding converts a finding to its JSON shape.
func NewFinding(f analyze.Finding) Finding {
	out := Finding{ID: f.ID, Key: f.Key, Severity: f.Severity.String(), Title: f.Title, Explanation: f.Explanation,
		Remedy: f.Remedy, Link: f.Link, Sessions: f.Sessions, SessionIDs: f.SessionIDs,
		Evidence: make([]Evidence, 0, len(f.Evidence)), First: jsonTime(f.First), Last: jsonTime(f.Last)}
	if out.SessionIDs == nil {
		out.SessionIDs = []string{}
	}
	for _, e := range f.Evidence {
		out.Evidence = append(out.Evidence, Evidence{Session: e.Session, File: e.Pos.File, Line: e.Pos.Line, Raw: e.Raw})
	}
	return out
}

// InputError is a line or file that could not be read.
type InputError struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Raw    string `json:"raw"`
}

func outcomes(m map[analyze.Outcome]int) map[string]int {
	out := make(map[string]int, len(analyze.Outcomes))
	for _, o := range analyze.Outcomes {
		out[string(o)] = m[o]
	}
	return out
}

// NewDocument converts a result to its JSON shape.
func NewDocument(r *analyze.Result, meta Meta) *Document {
	d := &Document{
		Schema: Schema, Version: meta.Version, Generated: jsonTime(meta.Generated), Inputs: meta.Inputs,
		Summary: Summary{Files: len(r.Files), Bytes: r.Bytes, Rows: r.Rows, BadRows: r.BadRows, SkippedRows: r.SkippedRows, RepairedRows: r.RepairedRows,
			Sessions: r.Sessions, Incomplete: r.NotComplete, Evicted: r.Evicted, ByOutcome: outcomes(r.ByOutcome),
			Start: jsonTime(r.Start), End: jsonTime(r.End), Truncated: r.Truncated},
		Files: []File{}, Connectors: []Connector{}, Codes: []Code{}, Certificates: []CertUse{},
		InputErrors: []InputError{}, InputErrorCount: r.ErrorCount,
		Findings: []Finding{}, SkippedChecks: []Skipped{}, Exports: []Export{},
		State: newState(r.State),
	}
	for _, f := range r.Findings {
		d.Findings = append(d.Findings, NewFinding(f))
	}
	for _, s := range r.SkippedChecks {
		d.SkippedChecks = append(d.SkippedChecks, Skipped{ID: s.ID, Reason: s.Reason, Flag: s.Flag})
	}
	for _, e := range r.Exports {
		w := e.Warnings
		if w == nil {
			w = []string{}
		}
		d.Exports = append(d.Exports, Export{Kind: e.Kind, File: e.File, Form: e.Form, Records: e.Records, Warnings: w})
	}
	if d.Inputs == nil {
		d.Inputs = []string{}
	}
	if meta.Redacted != nil {
		d.Redacted = &Redaction{Replaced: meta.Redacted}
	}
	for _, f := range r.Files {
		d.Files = append(d.Files, File{Name: f.Name, Source: f.Source.Key, Server: f.Source.Server, Service: f.Source.Service,
			LogType: f.LogType.String(), Bytes: f.Bytes, Rows: f.Rows, BadRows: f.Bad, Skipped: f.Skipped,
			Repaired: f.Repaired, Encoding: f.Encoding.String(), First: jsonTime(f.First), Last: jsonTime(f.Last), Error: f.Err})
	}
	for _, c := range r.Connectors {
		d.Connectors = append(d.Connectors, Connector{Server: c.Server, LogType: c.LogType.String(), Connector: c.Connector,
			Sessions: c.Sessions, ByOutcome: outcomes(c.ByOutcome)})
	}
	for _, c := range r.Codes {
		d.Codes = append(d.Codes, Code{Code: c.Code, Enhanced: c.Enhanced, Text: c.Text, Outcome: string(c.Outcome),
			Sessions: c.Count, Example: c.Example, At: pos(c.Pos)})
	}
	for _, c := range r.Certs {
		san := c.SANs
		if san == nil {
			san = []string{}
		}
		d.Certificates = append(d.Certificates, CertUse{Role: c.Role, Subject: c.Subject, Issuer: c.Issuer,
			Thumbprint: c.Thumbprint, SAN: san, NotAfter: jsonTime(c.NotAfter), FirstSeen: jsonTime(c.First),
			LastSeen: jsonTime(c.Last), Sessions: c.Sessions, Failed: c.Failed, Connectors: c.Connectors, Example: c.Example})
	}
	for _, e := range r.Errors {
		d.InputErrors = append(d.InputErrors, InputError{File: e.File, Line: e.Line, Reason: e.Reason, Raw: e.Raw})
	}
	return d
}

// JSON writes the result as one indented JSON document.
func JSON(w io.Writer, r *analyze.Result, meta Meta) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(NewDocument(r, meta))
}
