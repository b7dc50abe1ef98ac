package report

import (
	"io"
	"sort"
	"strings"

	"github.com/logscan/logscan/analyze"
)

// Trace writes the hops of one message, found by its InternetMessageId in
// the sessions that carried it, in time order: which server handed it to
// whom, when, and what the next hop answered.
func Trace(w io.Writer, messageID string, sessions []*analyze.Session) error {
	p := &printer{w: w}
	sort.SliceStable(sessions, func(i, j int) bool { return sessions[i].Start.Before(sessions[j].Start) })
	id := strings.Trim(messageID, "<>")
	p.linef("Message <%s>: %s", cut(id, 200), plural(len(sessions), "session"))
	for _, s := range sessions {
		where := analyze.Source{Key: s.Source, Server: s.Server, Service: s.Service}.Label()
		for _, m := range s.Messages {
			if !strings.EqualFold(strings.Trim(m.MessageID, "<>"), id) {
				continue
			}
			to := hostOr(s.RemoteHost, s.Remote)
			p.line("")
			p.linef("%s UTC  %s  connector %q  session %s", stamp(s.Start), where, cut(s.Connector, 80), s.ID)
			p.linef("  %s -> %s", s.Local, cut(to, 120))
			p.linef("  from %s to %s", cut(m.From, 120), cut(strings.Join(m.To, ", "), 300))
			switch {
			case m.Reply != nil:
				state := "accepted"
				if !m.Accepted {
					state = "not accepted"
				}
				p.linef("  %s: %d %s %s", state, m.Reply.Code, m.Reply.Enhanced, cut(m.Reply.Text, 200))
			default:
				p.linef("  no reply logged (session %s)", s.Outcome)
			}
			if len(s.Findings) > 0 {
				p.linef("  findings: %s", strings.Join(s.Findings, ", "))
			}
		}
	}
	return p.err
}

func hostOr(host, endpoint string) string {
	if host != "" {
		return host + " (" + endpoint + ")"
	}
	return endpoint
}
