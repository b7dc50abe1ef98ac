package report

import (
	"io"
	"strings"

	"github.com/logscan/logscan/analyze"
)

// Transcript writes one session as people read it: a heading, each row
// (time, direction, text), then the outcome and the findings.
func Transcript(w io.Writer, s *analyze.Session) error {
	p := &printer{w: w}
	where := analyze.Source{Key: s.Source, Server: s.Server, Service: s.Service}.Label()
	p.linef("Session %s · %s log · %s", s.ID, s.LogType, where)
	if s.Connector != "" {
		p.linef("Connector: %s", cut(s.Connector, 200))
	}
	ends := strings.TrimSpace(s.Local + " -> " + s.Remote)
	if s.RemoteHost != "" {
		ends += " (" + cut(s.RemoteHost, 120) + ")"
	}
	p.linef("Endpoints: %s", ends)
	p.linef("Time: %s to %s UTC", stamp(s.Start), stamp(s.End))
	p.line("")
	// In a Send log '>' is what we sent and '<' what the remote answered;
	// in a Receive log the other way round.
	arrows := map[string]string{">": "->", "<": "<-", "*": " *", "+": " +", "-": " -"}
	if s.LogType.String() == "receive" {
		arrows[">"], arrows["<"] = "<-", "->"
	}
	rows, dropped := s.ParsedTranscript()
	file := ""
	for _, r := range rows {
		if r.Pos.File != file {
			file = r.Pos.File
			p.linef("-- %s (from line %d)", file, r.Pos.Line)
		}
		if r.Time.IsZero() {
			p.linef("  %s", cut(r.Raw, 400))
			continue
		}
		text := r.Data
		if r.Context != "" {
			if text != "" {
				text += "  "
			}
			text += "[" + r.Context + "]"
		}
		p.linef("%s %s %s", r.Time.UTC().Format("15:04:05.000"), arrows[r.Event.String()], cut(text, 400))
	}
	if dropped > 0 {
		p.linef("... %d more rows not kept", dropped)
	}
	p.line("")
	outcome := string(s.Outcome)
	if !s.Complete {
		outcome += " (the session's start or end is not in the logs given)"
	}
	p.linef("Outcome: %s", outcome)
	switch {
	case s.Final != nil:
		answer := ""
		if s.Final.Command != "" {
			answer = " (answer to " + s.Final.Command + ")"
		}
		p.linef("Decided by: %d %s %s%s at %s:%d", s.Final.Code, s.Final.Enhanced, cut(s.Final.Text, 300), answer, s.Final.Pos.File, s.Final.Pos.Line)
	case s.TLSError != "":
		p.linef("Decided by: TLS negotiation failed with error %s", s.TLSError)
	case s.ConnectError != "":
		p.linef("Decided by: %s", cut(s.ConnectError, 300))
	}
	if len(s.Findings) > 0 {
		p.linef("Findings: %s (the summary explains them: run logscan with the same paths)", strings.Join(s.Findings, ", "))
	} else {
		p.line("Findings: none")
	}
	return p.err
}
