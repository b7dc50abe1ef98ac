package analyze

import (
	"sort"

	"github.com/logscan/logscan/parser"
)

// finish settles what the rows showed: outcome, final reply, STARTTLS.
func (s *Session) finish() {
	st := &s.state
	s.Complete = st.sawStart && st.ended && !s.Evicted
	s.Started = st.sawStart
	if s.Findings == nil {
		s.Findings = []string{}
	}

	switch {
	case st.tlsOK || s.TLS != nil:
		s.StartTLS = TLSUsed
	case st.tlsRefused:
		s.StartTLS = TLSRefused
	case st.offered:
		s.StartTLS = TLSOffered
	case st.capsSeen:
		s.StartTLS = TLSNotOffered
	default:
		s.StartTLS = TLSUnknown
	}
	if s.LogType == parser.LogReceive && s.RemoteHost == "" {
		s.RemoteHost = s.EHLO
	}

	s.Outcome, s.Final = s.decide()
}

// decide picks the outcome and the reply that decided it.
func (s *Session) decide() (Outcome, *Reply) {
	st := &s.state
	if s.ConnectError != "" && len(s.Messages) == 0 {
		return Failed, nil
	}
	var lastFail, lastOK *Reply
	undecided := 0
	for i := range s.Messages {
		m := &s.Messages[i]
		switch {
		case m.Reply == nil:
			undecided++
		case m.Accepted:
			lastOK = m.Reply
		case m.Reply.Code >= 400:
			lastFail = m.Reply
		}
	}
	if lastFail != nil {
		return classOf(lastFail), lastFail
	}
	if undecided > 0 {
		if st.lastErr != nil {
			return classOf(st.lastErr), st.lastErr
		}
		if !st.ended {
			return Incomplete, nil
		}
		return Failed, nil // the connection ended with a message in flight
	}
	if lastOK != nil {
		return Delivered, lastOK
	}
	// No mail transaction.
	if s.TLSError != "" {
		return Failed, st.lastErr
	}
	if st.lastErr != nil {
		return classOf(st.lastErr), st.lastErr
	}
	if !st.ended {
		return Incomplete, nil
	}
	return Idle, nil
}

func classOf(r *Reply) Outcome {
	if r.Code >= 500 {
		return Rejected
	}
	return Deferred
}

func sortByOrder(ss []*Session) {
	sort.Slice(ss, func(i, j int) bool { return ss[i].state.order < ss[j].state.order })
}
