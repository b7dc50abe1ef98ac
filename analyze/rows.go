package analyze

import (
	"bytes"
	"strings"
	"time"

	"github.com/logscan/logscan/parser"
)

// Caps that bound one session's memory whatever the input.
const (
	maxMessages   = 500
	maxRecipients = 200
	maxReplies    = 100
)

type cmdKind uint8

const (
	cmdConnect cmdKind = iota // the banner answers the connection
	cmdEHLO
	cmdHELO
	cmdStartTLS
	cmdMail
	cmdRcpt
	cmdData
	cmdEOD // end of data, after DATA's 354
	cmdBdat
	cmdBdatLast
	cmdRset
	cmdQuit
	cmdAuth
	cmdOther
	cmdNone // a reply nothing was waiting for
	cmdLocal
)

var cmdNames = [...]string{
	cmdConnect: "connect", cmdEHLO: "EHLO", cmdHELO: "HELO", cmdStartTLS: "STARTTLS",
	cmdMail: "MAIL", cmdRcpt: "RCPT", cmdData: "DATA", cmdEOD: "end of data",
	cmdBdat: "BDAT", cmdBdatLast: "BDAT LAST", cmdRset: "RSET", cmdQuit: "QUIT",
	cmdAuth: "AUTH", cmdOther: "other", cmdNone: "", cmdLocal: "local",
}

type pending struct {
	cmd  cmdKind
	rcpt int // index into the message's To, for RCPT
	msg  int // index into Messages, -1 for none
}

// state is what the row machine remembers between rows.
type state struct {
	queue      [16]pending // commands awaiting a reply, oldest first (a ring)
	qh, qn     int
	banner     bool // a reply to the connection was seen
	inReply    bool // inside a multi-line reply (after a "250-" row)
	sawStart   bool
	ended      bool
	capsSeen   bool
	offered    bool
	tlsAsked   bool
	tlsOK      bool
	tlsRefused bool
	cert       *Certificate // target of multi-row certificate attributes
	msg        int          // current message, -1 for none
	lastErr    *Reply       // last 4xx/5xx reply or local error
	order      int64        // creation order, for a stable flush
	noted      bool         // made by newSession: its rows note Session.attr
	prev, next *Session     // open-session list, least recently used first
}

// msgState follows one message's transaction.
type msgState struct {
	toStart     int // where the message's recipients begin in Session.toBuf
	mailSent    bool
	rcptReplies int
	rcptOK      int
	done        bool
}

func (st *state) push(p pending) {
	if st.qn == len(st.queue) {
		return // more pipelined commands than any real client sends: drop
	}
	st.queue[(st.qh+st.qn)%len(st.queue)] = p
	st.qn++
}

func (st *state) pushFront(p pending) {
	if st.qn == len(st.queue) {
		return
	}
	st.qh = (st.qh - 1 + len(st.queue)) % len(st.queue)
	st.queue[st.qh] = p
	st.qn++
}

func (st *state) peek() pending {
	if st.qn == 0 {
		if !st.banner {
			return pending{cmd: cmdConnect, msg: -1}
		}
		return pending{cmd: cmdNone, msg: -1}
	}
	return st.queue[st.qh]
}

func (st *state) pop() {
	if st.qn > 0 {
		st.qh = (st.qh + 1) % len(st.queue)
		st.qn--
	}
}

// add feeds one row to the session.
func (s *Session) add(rec *parser.Record, file string, maxRows int, texts *interner) {
	pos := Pos{File: file, Line: rec.Line}
	ns := rec.Nanos
	if s.Rows == 0 {
		s.First = pos
		s.Start, s.End = rec.Time, rec.Time
		s.startNS, s.endNS = ns, ns
		s.state.sawStart = rec.Seq == 0
	}
	if s.Rows > 0 {
		if gap := time.Duration(ns - s.lastNS); gap > s.MaxGap {
			s.MaxGap, s.GapFrom = gap, s.lastPos
			s.GapTo = Line{Pos: pos}
			if gap >= time.Second { // worth quoting as evidence
				s.GapTo = s.rawLine(s.GapTo.Pos, rec.Raw)
			}
		}
	}
	s.lastNS, s.lastPos = ns, pos
	s.Rows++
	s.Last = pos
	if ns < s.startNS {
		s.Start, s.startNS = rec.Time, ns
	}
	if ns > s.endNS {
		s.End, s.endNS = rec.Time, ns
	}
	if maxRows > 0 {
		s.keepRow(rec.Raw, file, rec.Line, maxRows)
	}
	if s.Local == "" && len(rec.Local) > 0 {
		s.Local = string(rec.Local)
	}
	if s.Remote == "" && len(rec.Remote) > 0 {
		s.Remote = string(rec.Remote)
	}
	if s.Connector == "" && len(rec.Connector) > 0 {
		s.Connector = string(rec.Connector)
	}
	switch rec.Event {
	case parser.EventConnect:
		s.state.sawStart = true
	case parser.EventDisconnect:
		s.state.ended = true
		s.Disconnect = string(bytes.TrimSpace(rec.Context))
		if s.Disconnect == "" {
			s.Disconnect = string(bytes.TrimSpace(rec.Data))
		}
	case parser.EventSend, parser.EventReceive:
		if isReply(rec.Data) {
			if s.LogType == parser.LogUnknown {
				// Replies come from the remote in a Send log, from us in a Receive log.
				if rec.Event == parser.EventReceive {
					s.LogType = parser.LogSend
				} else {
					s.LogType = parser.LogReceive
				}
			}
			s.reply(rec, pos, texts)
		} else {
			s.command(rec.Data, texts)
		}
	case parser.EventInfo:
		s.info(rec, pos, texts)
	}
}

// isReply reports whether data is an SMTP reply line: three digits, then
// a space, a dash or nothing.
func isReply(d []byte) bool {
	return len(d) >= 3 && isDigit(d[0]) && isDigit(d[1]) && isDigit(d[2]) &&
		(len(d) == 3 || d[3] == ' ' || d[3] == '-')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseReply splits "550 5.7.64 Text" into its parts. cont is true for a
// "250-" continuation line.
func parseReply(d []byte) (code int, cont bool, enh, text []byte) {
	code = int(d[0]-'0')*100 + int(d[1]-'0')*10 + int(d[2]-'0')
	if len(d) == 3 {
		return code, false, nil, nil
	}
	cont = d[3] == '-'
	rest := trimSpaces(d[4:])
	if n := enhancedLen(rest); n > 0 && rest[0] == d[0] {
		enh = rest[:n]
		rest = trimSpaces(rest[n:])
	}
	return code, cont, enh, rest
}

// trimSpaces is bytes.TrimLeft(b, " "), without its general cutset
// handling (every reply row goes through it).
func trimSpaces(b []byte) []byte {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	return b
}

// enhancedLen returns the length of an enhanced status code ("5.7.64")
// at the start of b, or 0.
func enhancedLen(b []byte) int {
	i := 0
	for part := 0; part < 3; part++ {
		j := i
		for j < len(b) && isDigit(b[j]) && j-i < 3 {
			j++
		}
		if j == i {
			return 0
		}
		i = j
		if part < 2 {
			if i >= len(b) || b[i] != '.' {
				return 0
			}
			i++
		}
	}
	if i < len(b) && b[i] != ' ' {
		return 0
	}
	return i
}

// verb returns the command word of an SMTP command line, upper-cased into
// buf (commands are ASCII).
func verb(d []byte, buf *[16]byte) (string, []byte) {
	// The word is upper-cased as it is looked for: verbs are a few
	// letters, where a call to bytes.IndexByte costs more.
	n := 0
	for n < len(d) && d[n] != ' ' {
		if n == len(buf) { // longer than any verb
			i := bytes.IndexByte(d[n:], ' ')
			if i < 0 {
				return "", nil
			}
			return "", verbArg(d[n+i+1:])
		}
		c := d[n]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	var arg []byte
	if n < len(d) {
		arg = verbArg(d[n+1:])
	}
	u := buf[:n]
	// The verbs the session follows, without a string per command row
	// (a switch on constants compares without allocating).
	switch string(u) {
	case "RCPT":
		return "RCPT", arg
	case "MAIL":
		return "MAIL", arg
	case "EHLO":
		return "EHLO", arg
	case "DATA":
		return "DATA", arg
	case "BDAT":
		return "BDAT", arg
	case "QUIT":
		return "QUIT", arg
	case "RSET":
		return "RSET", arg
	case "STARTTLS":
		return "STARTTLS", arg
	case "HELO":
		return "HELO", arg
	case "AUTH":
		return "AUTH", arg
	case "X-ANONYMOUSTLS":
		return "X-ANONYMOUSTLS", arg
	case "NOOP":
		return "NOOP", arg
	case "XEXCH50":
		return "XEXCH50", arg
	}
	return string(u), arg
}

// verbArg is what follows a verb and its space, without leading spaces
// (nil when nothing is left, as bytes.TrimLeft returns).
func verbArg(b []byte) []byte {
	if b = trimSpaces(b); len(b) == 0 {
		return nil
	}
	return b
}

func (s *Session) command(d []byte, texts *interner) {
	var buf [16]byte
	v, arg := verb(d, &buf)
	st := &s.state
	switch v {
	case "EHLO", "HELO":
		if s.EHLO == "" {
			s.EHLO = texts.get(firstWord(arg))
		}
		k := cmdEHLO
		if v == "HELO" {
			k = cmdHELO
		}
		st.push(pending{cmd: k, msg: -1})
	case "STARTTLS", "X-ANONYMOUSTLS":
		st.tlsAsked = true
		st.push(pending{cmd: cmdStartTLS, msg: -1})
	case "MAIL":
		m := s.mailMessage()
		if m != nil {
			s.parseMailFrom(m, arg)
		}
		st.push(pending{cmd: cmdMail, msg: st.msg})
	case "RCPT":
		idx := -1
		if m := s.message(); m != nil {
			if len(m.To) < maxRecipients {
				s.addRecipient(m, &s.msgStates[st.msg], s.keepText(angle(afterColon(arg))))
				idx = len(m.To) - 1
			}
		}
		st.push(pending{cmd: cmdRcpt, rcpt: idx, msg: st.msg})
	case "DATA":
		st.push(pending{cmd: cmdData, msg: st.msg})
	case "BDAT":
		k := cmdBdat
		if bytes.Contains(arg, []byte("LAST")) {
			k = cmdBdatLast
		}
		st.push(pending{cmd: k, msg: st.msg})
	case "RSET":
		st.push(pending{cmd: cmdRset, msg: -1})
	case "QUIT":
		st.push(pending{cmd: cmdQuit, msg: -1})
	case "AUTH":
		st.push(pending{cmd: cmdAuth, msg: -1})
	default:
		st.push(pending{cmd: cmdOther, msg: -1})
	}
}

func firstWord(b []byte) []byte {
	if i := bytes.IndexByte(b, ' '); i >= 0 {
		return b[:i]
	}
	return b
}

// afterColon returns what follows "FROM:" / "TO:".
func afterColon(b []byte) []byte {
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		return bytes.TrimLeft(b[i+1:], " ")
	}
	return b
}

// angle returns the address inside <...>, or the first word.
func angle(b []byte) []byte {
	if len(b) > 0 && b[0] == '<' {
		if i := bytes.IndexByte(b, '>'); i > 0 {
			return b[1:i]
		}
		return b[1:]
	}
	return firstWord(b)
}

// addRecipient appends to to m.To. The recipients of a session's messages
// share one array (toBuf, whose room the session reused leaves), each
// message's a stretch of it, as they come one message after another: a
// slice per message was most of what RCPT rows allocated. A message whose
// stretch is not the last gets a slice of its own.
func (s *Session) addRecipient(m *Message, ms *msgState, to string) {
	if len(m.To) == 0 {
		ms.toStart = len(s.toBuf)
	}
	if ms.toStart+len(m.To) != len(s.toBuf) {
		m.To = append(m.To, to) // m.To's capacity is its length: this copies
		return
	}
	if s.toBuf == nil && s.spare.tos != nil {
		s.toBuf, s.spare.tos = s.spare.tos, nil
	}
	s.toBuf = append(s.toBuf, to)
	// (A full array is left to the messages that point into it.)
	m.To = s.toBuf[ms.toStart:len(s.toBuf):len(s.toBuf)]
}

// message returns the current message, or nil.
func (s *Session) message() *Message {
	if s.state.msg < 0 || s.state.msg >= len(s.Messages) {
		return nil
	}
	return &s.Messages[s.state.msg]
}

// newMessage starts a message, or returns nil past the cap.
func (s *Session) newMessage() *Message {
	if len(s.Messages) >= maxMessages {
		s.MessagesDropped++
		s.state.msg = -1
		return nil
	}
	if s.Messages == nil && s.spare.msgs != nil {
		// room left by the session this one reuses
		s.Messages, s.msgStates = s.spare.msgs, s.spare.msgStates
		s.spare.msgs, s.spare.msgStates = nil, nil
	}
	s.Messages = append(s.Messages, Message{Size: -1})
	s.msgStates = append(s.msgStates, msgState{})
	s.state.msg = len(s.Messages) - 1
	return &s.Messages[s.state.msg]
}

// mailMessage returns the message a MAIL command belongs to: the one
// announced by "sending message ..." if it has no MAIL yet, else a new one.
func (s *Session) mailMessage() *Message {
	if m := s.message(); m != nil && !s.msgStates[s.state.msg].mailSent {
		s.msgStates[s.state.msg].mailSent = true
		return m
	}
	m := s.newMessage()
	if m != nil {
		s.msgStates[s.state.msg].mailSent = true
	}
	return m
}

func (s *Session) parseMailFrom(m *Message, arg []byte) {
	a := afterColon(arg)
	m.From = s.keepText(angle(a))
	if i := bytes.IndexByte(a, '>'); i >= 0 {
		a = a[i+1:]
	} else {
		a = a[len(firstWord(a)):]
	}
	for len(a) > 0 {
		a = bytes.TrimLeft(a, " ")
		p := firstWord(a)
		a = a[len(p):]
		k, v, ok := bytes.Cut(p, []byte("="))
		if !ok {
			continue
		}
		switch {
		case bytes.EqualFold(k, []byte("SIZE")):
			m.Size = int64(atoi64(v))
		case bytes.EqualFold(k, []byte("XOORG")):
			m.XOORG = s.keepText(v)
		}
	}
}

func atoi64(b []byte) int64 {
	var n int64
	if len(b) == 0 || len(b) > 18 {
		return -1
	}
	for _, c := range b {
		if !isDigit(c) {
			return -1
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

func (s *Session) reply(rec *parser.Record, pos Pos, texts *interner) {
	st := &s.state
	code, cont, enh, text := parseReply(rec.Data)
	p := st.peek()
	if p.cmd == cmdEHLO {
		if s.capabilities(text, !st.inReply, texts) {
			s.SeenIPAt = s.rawLine(pos, rec.Raw)
		}
	}
	st.inReply = cont
	if cont {
		return
	}
	st.pop()
	r := Reply{Code: code, Command: cmdNames[p.cmd], Pos: pos}
	r.Enhanced = s.keepText(enh)
	r.Text = s.keepText(text)
	if code >= 400 || p.cmd == cmdConnect || p.cmd == cmdEHLO || p.cmd == cmdStartTLS {
		r.Raw = s.keepText(rec.Raw) // evidence: failures, the banner, TLS offered or not
	}
	// Replies never change once made, so a pointer into the slice stays
	// right even after append moves it.
	var rp *Reply
	if len(s.Replies) < maxReplies {
		if s.Replies == nil {
			// A session to Exchange Online has a dozen replies: room for
			// them, left by the session handed on that this one reuses.
			s.Replies = s.newReplies()
		}
		s.Replies = append(s.Replies, r)
		rp = &s.Replies[len(s.Replies)-1]
	} else {
		s.RepliesDropped++
		rp = new(Reply) // not &r: that would put every reply on the heap
		*rp = r
	}
	if code >= 400 {
		st.lastErr = rp
		if len(s.Replies) > 0 && rp == &s.Replies[len(s.Replies)-1] {
			s.attr.note(rp)
		}
	}
	switch p.cmd {
	case cmdConnect:
		st.banner = true
		if code == 220 && s.LogType != parser.LogReceive {
			s.RemoteHost = string(firstWord(text))
		}
	case cmdEHLO:
		if code == 250 {
			st.capsSeen = true
		}
	case cmdAuth:
		if code == 334 {
			// The client's answer is not logged (or is logged as
			// "<authentication response>"): the next reply still answers AUTH.
			st.pushFront(pending{cmd: cmdAuth, msg: -1})
		}
	case cmdStartTLS:
		if code == 220 {
			st.tlsOK = true
		} else {
			st.tlsRefused = true
		}
	case cmdMail:
		if code >= 400 {
			s.failMessage(p.msg, rp)
		}
	case cmdRcpt:
		if p.msg >= 0 && p.msg < len(s.Messages) {
			ms := &s.msgStates[p.msg]
			m := &s.Messages[p.msg]
			ms.rcptReplies++
			if code < 400 {
				ms.rcptOK++
			} else if p.rcpt >= 0 && p.rcpt < len(m.To) {
				m.Refused = append(m.Refused, Refusal{To: m.To[p.rcpt], Reply: rp})
			}
			if ms.rcptReplies >= len(m.To) && ms.rcptOK == 0 && code >= 400 {
				s.failMessage(p.msg, rp)
			}
		}
	case cmdData:
		if code == 354 {
			st.pushFront(pending{cmd: cmdEOD, msg: p.msg})
		} else if code >= 400 {
			s.failMessage(p.msg, rp)
		}
	case cmdBdat:
		if code >= 400 {
			s.failMessage(p.msg, rp)
		}
	case cmdEOD, cmdBdatLast:
		if code >= 400 {
			s.failMessage(p.msg, rp)
		} else if p.msg >= 0 && p.msg < len(s.Messages) {
			ms := &s.msgStates[p.msg]
			if !ms.done {
				ms.done = true
				s.Messages[p.msg].Reply = rp
				s.Messages[p.msg].Accepted = code < 300
			}
		}
	}
}

func (s *Session) failMessage(i int, r *Reply) {
	if i < 0 || i >= len(s.Messages) || s.msgStates[i].done {
		return
	}
	s.msgStates[i].done = true
	s.Messages[i].Reply = r
	s.Messages[i].Accepted = false
}

// capabilities reads one line of an EHLO reply: the first names the host
// and the address it saw ("host Hello [203.0.113.10]"), the others (or the
// rest of a one-row reply) list extensions.
func (s *Session) capabilities(text []byte, first bool, texts *interner) (sawIP bool) {
	if first {
		host := firstWord(text)
		if s.LogType == parser.LogReceive {
			// our own name; the remote is the client
		} else if s.RemoteHost == "" {
			s.RemoteHost = string(host)
		}
		// "host Hello [203.0.113.10]" (Exchange) or "host Hello client.name
		// [203.0.113.10]" (Postfix and others): the bracket after Hello.
		if i := bytes.Index(text, []byte("Hello ")); i >= 0 {
			rest := text[i+len("Hello "):]
			if k := bytes.IndexByte(rest, '['); k >= 0 && k <= 256 {
				rest = rest[k+1:]
				if j := bytes.IndexByte(rest, ']'); j > 0 && j <= 64 {
					s.SeenIP = texts.get(rest[:j])
					sawIP = true
				}
			}
		}
	}
	if !hasTLS(text) {
		return sawIP
	}
	for len(text) > 0 {
		w := firstWord(text)
		if string(w) == "STARTTLS" || string(w) == "X-ANONYMOUSTLS" {
			s.state.offered = true
		}
		text = bytes.TrimLeft(text[len(w):], " ")
	}
	return sawIP
}

// hasTLS reports whether text has "TLS" in it: most EHLO reply lines are
// a short word, where a loop costs less than bytes.Contains.
func hasTLS(text []byte) bool {
	for i := 0; i+3 <= len(text); i++ {
		if text[i] == 'T' && text[i+1] == 'L' && text[i+2] == 'S' {
			return true
		}
	}
	return false
}

var (
	ctxSending  = []byte("Sending certificate")
	ctxRemote   = []byte("Remote certificate")
	ctxReceived = []byte("Received certificate")
	ctxCertAttr = []byte("Certificate ")
	txtTLSOK    = []byte("TLS protocol ")
	txtTLSFail  = []byte("TLS negotiation failed with error ")
	txtConnFail = []byte("Failed to connect")
	txtSending  = []byte("sending message with RecordId ")
	txtAttempt  = []byte("attempting to connect")
	txtPerms    = []byte("Set Session Permissions")
)

// info handles a "*" row.
func (s *Session) info(rec *parser.Record, pos Pos, texts *interner) {
	ctx, data := rec.Context, rec.Data
	switch {
	case bytes.HasPrefix(ctx, ctxCertAttr):
		s.certAttribute(ctx[len(ctxCertAttr):], data, s.rawLine(pos, rec.Raw), texts)
		return
	case bytes.HasPrefix(ctx, ctxSending):
		s.certHeader(&s.LocalCert, ctx[len(ctxSending):], data, s.rawLine(pos, rec.Raw), texts)
		return
	case bytes.HasPrefix(ctx, ctxRemote):
		s.certHeader(&s.RemoteCert, ctx[len(ctxRemote):], data, s.rawLine(pos, rec.Raw), texts)
		return
	case bytes.HasPrefix(ctx, ctxReceived):
		s.certHeader(&s.RemoteCert, ctx[len(ctxReceived):], data, s.rawLine(pos, rec.Raw), texts)
		return
	}
	text := ctx
	if len(text) == 0 {
		text = data
	}
	switch {
	case bytes.HasPrefix(text, txtTLSOK):
		s.tls = texts.parseTLS(text)
		s.TLS = &s.tls // the session's own: no allocation
		s.TLS.At = s.rawLine(pos, rec.Raw)
	case bytes.HasPrefix(text, txtTLSFail):
		s.TLSError = string(bytes.TrimSpace(text[len(txtTLSFail):]))
		s.TLSErrorAt = s.rawLine(pos, rec.Raw)
	case bytes.HasPrefix(text, txtSending):
		m := s.newMessage()
		if m != nil {
			rest := text[len(txtSending):]
			id, after, _ := bytes.Cut(rest, []byte(" and InternetMessageId "))
			m.RecordID = s.keepText(bytes.TrimSpace(id))
			m.MessageID = s.keepText(bytes.TrimSpace(after))
		}
	case bytes.HasPrefix(text, txtAttempt), bytes.Equal(ctx, txtPerms):
		s.state.sawStart = true
	case bytes.Contains(text, txtConnFail):
		s.ConnectError = string(bytes.TrimSpace(text))
		s.ConnectErrorAt = s.rawLine(pos, rec.Raw)
		s.state.ended = true
	case isReply(text) && text[0] >= '4':
		// An error Exchange logged itself, e.g. "421 4.4.2 Connection dropped".
		code, _, enh, t := parseReply(text)
		r := &Reply{Code: code, Command: cmdNames[cmdLocal], Pos: pos}
		r.Enhanced = s.keepText(enh)
		r.Text = s.keepText(t)
		r.Raw = s.keepText(rec.Raw)
		s.state.lastErr = r
	}
}

// certHeader handles "Sending certificate" / "Remote certificate" rows:
// either the header of the multi-row layout (nothing after the words) or
// the one-row layout (attribute names follow, values in data).
func (s *Session) certHeader(dst **Certificate, rest, data []byte, at Line, texts *interner) {
	c := s.newCertificate()
	c.Pos = at.Pos
	c.Rows = append(c.Rows, at)
	*dst = c
	s.state.cert = c
	if len(bytes.TrimSpace(rest)) > 0 && len(bytes.TrimSpace(data)) > 0 {
		texts.parseCertLine(c, data)
		s.state.cert = nil
	}
}

// certAttribute handles one row of the multi-row layout.
func (s *Session) certAttribute(name, data []byte, at Line, texts *interner) {
	c := s.state.cert
	if c == nil {
		// Attribute rows without a header row: the certificate we sent.
		if s.LocalCert == nil {
			s.LocalCert = &Certificate{Pos: at.Pos}
		}
		c = s.LocalCert
		s.state.cert = c
	}
	if len(c.Rows) < 8 {
		c.Rows = append(c.Rows, at)
	}
	// The same certificate comes in session after session: its values
	// are interned.
	v := texts.get(bytes.TrimSpace(data))
	switch string(name) {
	case "subject":
		c.Subject = v
	case "issuer name":
		c.Issuer = v
	case "serial number":
		c.Serial = v
	case "thumbprint":
		c.Thumbprint = strings.ToUpper(v)
	case "alternate names":
		c.SANs = texts.splitSANs(v)
	}
}

func splitSANs(v string) []string {
	if v == "" {
		return nil
	}
	out := make([]string, 0, strings.Count(v, ";")+1)
	for v != "" {
		p, rest, _ := strings.Cut(v, ";")
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
		v = rest
	}
	return out
}
