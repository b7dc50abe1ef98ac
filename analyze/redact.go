package analyze

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"
	"sync"
)

// A Redactor replaces what identifies an organisation in sessions, results
// and free text (e-mail addresses, IP addresses, host and domain names,
// server names, organisation and place names from certificates) with
// stable pseudonyms, and keeps what a diagnosis needs: SMTP codes and the
// shape of replies, Microsoft's own host names and addresses, TLS and
// cipher names, certificate thumbprints and serial numbers, and the
// structure of names, so that matching a certificate against a connector or
// an accepted domain reads the same after redaction.
//
// Tokens:
//
//   - a registrable domain (the last two labels, three under a known
//     two-level suffix such as co.uk) becomes domain-N.example, and each
//     label in front of it host-N: mail.sub.contoso.com gives
//     host-1.host-2.domain-1.example and *.contoso.com *.domain-1.example;
//   - an e-mail address becomes user-N@ and its domain as above;
//     postmaster and mailer-daemon keep their local part, <> stays;
//   - a server name (a single label: EXCH01, the SERVER\ of a receive
//     connector, a folder above ProtocolLog) becomes server-N, also where
//     it is a label of a host name (EXCH01.contoso.com gives
//     server-1.domain-1.example);
//   - tenant labels of Microsoft names become tenant-N
//     (contoso.onmicrosoft.com gives tenant-1.onmicrosoft.com), and the
//     domain in a tenant's mail.protection.outlook.com endpoint is mapped
//     like the domain it stands for (contoso-com.mail.protection.outlook.com
//     gives domain-1-example.mail.protection.outlook.com);
//   - in certificate names, O= and OU= become org-N (generic units such as
//     OU=IT stay), L=, S=, ST=, STREET= and PostalCode= place-N, DC= like a
//     domain, other attributes attr-N; C= stays. Names of public
//     certification authorities and of Microsoft (O=Let's Encrypt,
//     O=DigiCert Inc, O=Microsoft Corporation ...) are kept whole;
//   - an account in "User Name: CONTOSO\jdoe" or a Users\jdoe folder
//     becomes account-N;
//   - an IPv4 address becomes an address in 198.18.0.0/15 (RFC 2544
//     benchmarking, never routed on the internet; past its 131,070
//     addresses, 240.0.0.0/4), an IPv6 address one in 2001:db8::/32
//     (documentation). Ports stay. Exchange Online Protection's ranges,
//     loopback, unspecified and x.0.0.0 (which reads as a version number,
//     15.0.0.0) stay. Ranges are not preserved: 198.51.100.0/24 gives
//     198.18.0.N/24.
//
// Without a key, tokens are numbered per kind in order of first appearance
// (domain-1, domain-2 ...; 198.18.0.1, 198.18.0.2 ...): stable within the
// run only. With a key (--redact-key) a token is derived from
// HMAC-SHA256(key, kind, a zero byte, value): domain-3fa2c1 (the first 6
// hex digits, 2 more at a time on the rare collision), an address from the
// same hash, so the same value gives the same token in every run with that
// key and reports of several runs can be compared.
//
// The same input always gives the same token within one Redactor, host
// names regardless of case. Tokens are never redacted again, so applying a
// Redactor twice changes nothing more. A Redactor is safe for concurrent
// use.
type Redactor struct {
	mu    sync.Mutex
	key   []byte
	keyed bool

	user, account, domain, host, server, org, place, tenant, attr tokenTable

	hosts     map[string]hostEntry // lower-case name (with "*." if given) -> redacted; grows like the tables
	hostNames int                  // distinct host names replaced (not bare domains)

	ips    map[netip.Addr]netip.Addr
	ipUsed map[netip.Addr]bool
	ipN4   uint32
	ipN6   uint64

	// phrases are organisation and place names to replace wherever they
	// appear in text, by the lower-case first run of their text.
	phrases map[string][]phrase
	// minName, maxName bound the length of server names, so that most words
	// need no lookup.
	minName, maxName int

	runs    map[string]string // Text's answers for single runs
	paths   map[string]string
	scratch []byte
	buf     []byte // Text's output buffer
	depth   int    // nested text calls
	gen     int    // counts names learned, for text

	// phraseFirst has the first byte (lower case) of every phrase;
	// phraseMin and phraseMax bound the length of their first runs.
	phraseFirst          [256]bool
	phraseMin, phraseMax int
}

type hostEntry struct {
	out  string
	keep bool
}

type phrase struct {
	lower, token string
}

// tokenTable maps the values of one kind to tokens.
type tokenTable struct {
	kind  string
	label string            // for Replaced
	fwd   map[string]string // value -> token
	used  map[string]bool   // tokens issued
	n     int
}

const maxRedactCache = 1 << 16

// NewRedactor returns a Redactor. With a key, tokens are derived from the
// key and stay the same across runs. With a nil or empty key a random key
// is drawn, so that nothing could be recomputed from it later, and tokens
// are numbered in order of first appearance.
func NewRedactor(key []byte) *Redactor {
	r := &Redactor{
		hosts:   map[string]hostEntry{},
		ips:     map[netip.Addr]netip.Addr{},
		ipUsed:  map[netip.Addr]bool{},
		phrases: map[string][]phrase{},
		runs:    map[string]string{},
		paths:   map[string]string{},
	}
	if len(key) > 0 {
		r.key = append([]byte(nil), key...)
		r.keyed = true
	} else {
		r.key = make([]byte, 32)
		_, _ = rand.Read(r.key) // never fails (crypto/rand panics instead)
	}
	for _, t := range []struct {
		t           *tokenTable
		kind, label string
	}{
		{&r.user, "user", "e-mail addresses"},
		{&r.account, "account", "user names"},
		{&r.domain, "domain", "domains"},
		{&r.host, "host", ""}, // counted as whole names in hostNames
		{&r.server, "server", "server names"},
		{&r.org, "org", "organisation names"},
		{&r.place, "place", "place names"},
		{&r.tenant, "tenant", "tenant names"},
		{&r.attr, "attr", "other certificate attributes"},
	} {
		*t.t = tokenTable{kind: t.kind, label: t.label, fwd: map[string]string{}, used: map[string]bool{}}
	}
	return r
}

// ---- public API ----

// Text redacts free text: e-mail addresses, IPv4 and IPv6 addresses (with
// or without :port or [ ]), host names (dotted names whose last label is
// 2-24 letters, all lower or all upper case, and not a file extension such
// as .LOG), distinguished names (CN=..., O=... as in certificate rows), and
// the server, organisation and place names learned so far. SMTP codes,
// ATTRnn, CALG_ and SP_PROT_ names, times, version numbers, hex
// thumbprints and Microsoft's hosts are left alone.
func (r *Redactor) Text(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.text(s, true)
}

// Host redacts one host or domain name; "*." in front is kept, and so is a
// trailing dot. An IP address is redacted as by [Redactor.Addr].
func (r *Redactor) Host(h string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hostName(h)
}

// Addr redacts an endpoint: "ip", "ip:port", "[v6]" or "[v6]:port"; a
// "host:port" has its host redacted.
func (r *Redactor) Addr(a string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.addr(a)
}

// Email redacts an address, bare or in < >; "<>" stays.
func (r *Redactor) Email(a string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.email(a)
}

// Path redacts a file or folder path: the server it names (the folder above
// an Exchange install path or ProtocolLog, or the host of a UNC path) and
// anything Text would replace; the rest stays.
func (r *Redactor) Path(p string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.path(p)
}

// Learn records the names a session shows that must be replaced wherever
// they appear in text: server names (from the path, the connector id, a
// single-label EHLO name or certificate CN) and organisation and place
// names from certificates. Call it before redacting text that may mention
// them; [Redactor.Session] learns from its session too.
func (r *Redactor) Learn(s *Session) {
	if s == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.learnSession(s)
}

// Session redacts a finished session in place: every string it holds, its
// certificates, messages, replies, evidence rows and transcript. Session
// ids, finding ids, codes, thumbprints and times stay.
func (r *Redactor) Session(s *Session) {
	if s == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.learnSession(s)

	s.Source = r.path(s.Source)
	s.Server = r.serverName(s.Server)
	s.Connector = r.connector(s.Connector)
	s.Local = r.addr(s.Local)
	s.Remote = r.addr(s.Remote)
	s.RemoteHost = r.name(s.RemoteHost)
	s.EHLO = r.name(s.EHLO)
	s.SeenIP = r.addr(s.SeenIP)
	r.line(&s.SeenIPAt)
	s.GapFrom.File = r.path(s.GapFrom.File)
	r.line(&s.GapTo)
	s.lastPos.File = r.path(s.lastPos.File)
	if s.TLS != nil {
		r.line(&s.TLS.At)
	}
	s.TLSError = r.text(s.TLSError, true)
	r.line(&s.TLSErrorAt)
	s.ConnectError = r.text(s.ConnectError, true)
	r.line(&s.ConnectErrorAt)
	r.cert(s.LocalCert)
	if s.RemoteCert != s.LocalCert {
		r.cert(s.RemoteCert)
	}

	// Replies are shared: Final, a message's Reply and a refusal's may
	// point into Replies or at an older copy of it.
	done := map[*Reply]bool{}
	reply := func(rp *Reply) {
		if rp == nil || done[rp] {
			return
		}
		done[rp] = true
		rp.Text = r.text(rp.Text, true)
		rp.Raw = r.text(rp.Raw, true)
		rp.Pos.File = r.path(rp.Pos.File)
	}
	for i := range s.Replies {
		reply(&s.Replies[i])
	}
	reply(s.Final)
	reply(s.state.lastErr)
	if c := s.state.cert; c != nil && c != s.LocalCert && c != s.RemoteCert {
		r.cert(c)
	}
	for i := range s.Messages {
		m := &s.Messages[i]
		m.MessageID = r.text(m.MessageID, false)
		m.From = r.email(m.From)
		if m.To != nil {
			to := make([]string, len(m.To))
			for j, t := range m.To {
				to[j] = r.email(t)
			}
			m.To = to
		}
		if m.Refused != nil {
			ref := make([]Refusal, len(m.Refused))
			for j, f := range m.Refused {
				ref[j] = Refusal{To: r.email(f.To), Reply: f.Reply}
				reply(f.Reply)
			}
			m.Refused = ref
		}
		m.XOORG = r.name(m.XOORG)
		reply(m.Reply)
	}
	s.toBuf = nil // the recipients as read; the messages have theirs redacted
	s.Disconnect = r.text(s.Disconnect, true)
	s.First.File = r.path(s.First.File)
	s.Last.File = r.path(s.Last.File)

	// Re-build the transcript with the redacted rows.
	t := &s.transcript
	if len(t.rows) > 0 {
		var buf []byte
		for i := range t.rows {
			row := &t.rows[i]
			raw := r.text(string(t.buf[row.off:row.off+row.n]), true)
			if len(buf)+len(raw) > 1<<30 {
				raw = ""
			}
			row.off, row.n = int32(len(buf)), int32(len(raw))
			buf = append(buf, raw...)
			row.file = r.path(row.file)
		}
		t.buf = buf
	}
}

// Result redacts a frozen result in place: file names and their servers,
// connectors, reply texts, certificates, input errors, findings (key,
// title, explanation, remedy, evidence) and exports. Session ids, finding
// ids, links and numbers stay.
func (r *Redactor) Result(res *Result) {
	if res == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// Learn first, so that text redacted early already knows every name.
	for _, f := range res.Files {
		r.learnPath(f.Name)
		r.learnPath(f.Source.Key)
		r.learnServer(f.Source.Server)
	}
	for _, c := range res.Connectors {
		r.learnConnector(c.Connector)
	}
	for _, c := range res.Certs {
		r.dn(c.Subject)
		r.dn(c.Issuer)
		for _, n := range c.Connectors {
			r.learnConnector(n)
		}
	}

	for i := range res.Files {
		f := &res.Files[i]
		f.Name = r.path(f.Name)
		f.Source.Key = r.path(f.Source.Key)
		f.Source.Server = r.serverName(f.Source.Server)
		f.Err = r.text(f.Err, true)
	}
	for i := range res.Connectors {
		c := &res.Connectors[i]
		c.Server = r.text(c.Server, true)
		c.Connector = r.connector(c.Connector)
	}
	for i := range res.Codes {
		c := &res.Codes[i]
		c.Text = r.text(c.Text, true)
		c.Pos.File = r.path(c.Pos.File)
	}
	for i := range res.Certs {
		c := &res.Certs[i]
		c.Subject = r.dn(c.Subject)
		c.Issuer = r.dn(c.Issuer)
		c.SANs = r.names(c.SANs)
		if c.Connectors != nil {
			cs := make([]string, len(c.Connectors))
			for j, n := range c.Connectors {
				cs[j] = r.connector(n)
			}
			c.Connectors = cs
		}
	}
	for i := range res.Errors {
		e := &res.Errors[i]
		e.File = r.path(e.File)
		e.Reason = r.text(e.Reason, true)
		e.Raw = r.text(e.Raw, true)
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		f.Key = r.text(f.Key, true)
		f.Title = r.text(f.Title, true)
		f.Explanation = r.text(f.Explanation, true)
		f.Remedy = r.text(f.Remedy, true)
		if f.Evidence != nil {
			ev := make([]Evidence, len(f.Evidence))
			for j, e := range f.Evidence {
				ev[j] = Evidence{Session: e.Session, Pos: Pos{File: r.path(e.Pos.File), Line: e.Pos.Line}, Raw: r.text(e.Raw, true)}
			}
			f.Evidence = ev
		}
	}
	for i := range res.SkippedChecks {
		res.SkippedChecks[i].Reason = r.text(res.SkippedChecks[i].Reason, true)
	}
	for i := range res.Exports {
		x := &res.Exports[i]
		x.File = r.path(x.File)
		if x.Warnings != nil {
			ws := make([]string, len(x.Warnings))
			for j, w := range x.Warnings {
				ws[j] = r.text(w, true)
			}
			x.Warnings = ws
		}
	}
}

// Replaced lists the kinds of value replaced so far and how many distinct
// values of each, for a report's "this report is redacted" note:
// {"e-mail addresses": 12, "IP addresses": 7, ...}. Kinds with none are
// left out.
func (r *Redactor) Replaced() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for _, t := range []*tokenTable{&r.user, &r.account, &r.domain, &r.server, &r.org, &r.place, &r.tenant, &r.attr} {
		if len(t.fwd) > 0 {
			out[t.label] = len(t.fwd)
		}
	}
	if r.hostNames > 0 {
		out["host names"] = r.hostNames
	}
	if len(r.ips) > 0 {
		out["IP addresses"] = len(r.ips)
	}
	return out
}

// ---- tokens ----

// tok returns the token for a value of table t (values are normalised by
// the caller: lower case where case does not matter).
func (r *Redactor) tok(t *tokenTable, value string) string {
	if v, ok := t.fwd[value]; ok {
		return v
	}
	if r.isToken(value) {
		return value // a token already
	}
	var out string
	if r.keyed {
		sum := r.sum(t.kind, value)
		h := hex.EncodeToString(sum)
		for n := 6; n <= len(h); n += 2 {
			out = t.kind + "-" + h[:n]
			if !t.used[out] {
				break
			}
		}
		if t.used[out] { // 64 hex digits alike: count on
			for i := 1; t.used[out]; i++ {
				out = t.kind + "-" + h + "-" + strconv.Itoa(i)
			}
		}
	} else {
		for {
			t.n++
			out = t.kind + "-" + strconv.Itoa(t.n)
			if !t.used[out] {
				break
			}
		}
	}
	t.fwd[value] = out
	t.used[out] = true
	if t == &r.domain {
		r.forget() // "Contoso.Com" reads as a name once contoso.com is known
	}
	return out
}

// isToken reports whether v was issued as a token of any kind.
func (r *Redactor) isToken(v string) bool {
	for _, t := range []*tokenTable{&r.user, &r.account, &r.domain, &r.host, &r.server, &r.org, &r.place, &r.tenant, &r.attr} {
		if t.used[v] {
			return true
		}
	}
	return false
}

func (r *Redactor) sum(kind, value string) []byte {
	m := hmac.New(sha256.New, r.key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return m.Sum(nil)
}

// serverTok maps a server name, remembering it for text.
func (r *Redactor) serverTok(name string) string {
	l := strings.ToLower(name)
	if v, ok := r.server.fwd[l]; ok {
		return v
	}
	if r.isToken(l) {
		return l
	}
	v := r.tok(&r.server, l)
	if r.minName == 0 || len(l) < r.minName {
		r.minName = len(l)
	}
	if len(l) > r.maxName {
		r.maxName = len(l)
	}
	r.forget()
	return v
}

// phraseTok maps an organisation or place name and remembers it for text.
func (r *Redactor) phraseTok(t *tokenTable, value string) string {
	l := strings.ToLower(strings.TrimSpace(value))
	if l == "" {
		return value
	}
	if v, ok := t.fwd[l]; ok {
		return v
	}
	if r.isToken(l) {
		return value
	}
	v := r.tok(t, l)
	if len(l) >= 4 {
		r.addPhrase(l, v)
	}
	return v
}

// addPhrase makes text replace the phrase l (lower case) with token.
func (r *Redactor) addPhrase(l, token string) {
	first := l
	for i := 0; i < len(l); i++ {
		if !isRunByte(l[i]) {
			first = l[:i]
			break
		}
	}
	if first == "" {
		return
	}
	for _, p := range r.phrases[first] {
		if p.lower == l {
			return
		}
	}
	r.phraseFirst[first[0]] = true
	if r.phraseMin == 0 || len(first) < r.phraseMin {
		r.phraseMin = len(first)
	}
	r.phraseMax = max(r.phraseMax, len(first))
	ps := append(r.phrases[first], phrase{lower: l, token: token})
	// longest first, so "Contoso Ltd." wins over "Contoso"
	for i := len(ps) - 1; i > 0 && len(ps[i].lower) > len(ps[i-1].lower); i-- {
		ps[i], ps[i-1] = ps[i-1], ps[i]
	}
	r.phrases[first] = ps
	r.forget()
}

// learnDomainWord makes the distinctive label of a redacted domain
// ("contoso" of contoso.com) a phrase of its own, so that the
// organisation's name in free text ("Outbound to Contoso Partners", a
// connector name) goes with the domain: "Outbound to domain-1 Partners".
// Labels that are words of mail and of Exchange's own messages stay: they
// carry the diagnosis.
func (r *Redactor) learnDomainWord(label, domainTok string) {
	if len(label) < 4 || notServers[label] || mailWords[label] || r.isToken(label) {
		return
	}
	for i := 0; i < len(label); i++ {
		if !isRunByte(label[i]) || label[i] == '.' {
			return
		}
	}
	r.addPhrase(label, domainTok)
}

// mailWords are words of SMTP replies, Exchange's log rows and connector
// names that must stay readable even when a domain is named after one.
var mailWords = map[string]bool{
	"office": true, "online": true, "microsoft": true, "outlook": true, "protection": true, "connector": true,
	"partner": true, "partners": true, "service": true, "services": true, "message": true, "access": true,
	"denied": true, "tenant": true, "attribution": true, "region": true, "certificate": true, "cloud": true,
	"hybrid": true, "sender": true, "recipient": true, "queued": true, "delivery": true, "ready": true,
	"secure": true, "transport": true, "sending": true, "remote": true, "received": true, "closing": true,
	"channel": true, "resetting": true, "group": true, "global": true, "messaging": true, "mailbox": true,
	"mailer": true, "postmaster": true, "spam": true, "security": true, "system": true, "systems": true,
}

// forget drops cached answers after a new name was learned.
func (r *Redactor) forget() {
	r.gen++
	if len(r.runs) > 0 {
		clear(r.runs)
	}
	if len(r.paths) > 0 {
		clear(r.paths)
	}
}

// ---- learning ----

func (r *Redactor) learnSession(s *Session) {
	s.ownTexts() // the tables keep what they learn
	r.learnServer(s.Server)
	r.learnPath(s.Source)
	r.learnPath(s.First.File)
	r.learnPath(s.Last.File)
	r.learnConnector(s.Connector)
	for _, n := range []string{s.EHLO, s.RemoteHost} {
		if n != "" && !strings.ContainsAny(n, ".[]: ") {
			r.learnServer(n)
		}
	}
	for _, c := range []*Certificate{s.LocalCert, s.RemoteCert} {
		if c != nil {
			r.dn(c.Subject)
			r.dn(c.Issuer)
			for _, n := range c.SANs {
				r.learnDomain(n)
			}
		}
	}
	// The domains of the session's names and addresses, so that the
	// words they make known (learnDomainWord) apply to every field of
	// this session, the connector name first among them.
	for _, n := range []string{s.EHLO, s.RemoteHost} {
		r.learnDomain(n)
	}
	for i := range s.Messages {
		m := &s.Messages[i]
		r.learnDomain(m.XOORG)
		for _, a := range append([]string{m.From}, m.To...) {
			if at := strings.LastIndexByte(a, '@'); at >= 0 {
				r.learnDomain(a[at+1:])
			}
		}
	}
}

// learnDomain gives a host or domain name its tokens now.
func (r *Redactor) learnDomain(n string) {
	n = strings.Trim(strings.TrimSpace(n), "<>.")
	if strings.IndexByte(n, '.') > 0 && validHostChars(n) {
		r.hostName(n)
	}
}

// learnServer records a single-label server name.
func (r *Redactor) learnServer(name string) {
	name = strings.TrimSpace(name)
	if !plausibleServer(name) {
		return
	}
	r.serverTok(name)
}

func (r *Redactor) learnPath(p string) {
	if p == "" || p == "-" {
		return
	}
	// The path may be a folder: look at it as the folder of a file.
	src := SourceOf(strings.TrimRight(p, `/\`) + "/x")
	r.learnServer(src.Server)
}

func (r *Redactor) learnConnector(c string) {
	if i := strings.IndexByte(c, '\\'); i > 0 {
		r.learnServer(c[:i])
	}
}

// plausibleServer reports whether a single word can be taken for a server
// name and replaced wherever it appears.
func plausibleServer(n string) bool {
	if len(n) < 2 || len(n) > 63 {
		return false
	}
	digits := true
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case isDigit(c):
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-', c == '_', c >= 0x80:
			digits = false
		default:
			return false
		}
	}
	return !digits && !notServers[strings.ToLower(n)]
}

// notServers are words that are not worth replacing even when a client
// uses them as its EHLO name or a folder is so named.
var notServers = map[string]bool{
	"localhost": true, "local": true, "remote": true, "mail": true, "smtp": true, "server": true,
	"client": true, "user": true, "host": true, "unknown": true, "relay": true, "exchange": true,
	"default": true, "test": true, "printer": true, "scanner": true, "helo": true, "ehlo": true,
	"domain": true, "null": true, "none": true, "hub": true, "frontend": true, "mailbox": true,
	"edge": true, "internet": true, "outbound": true, "inbound": true, "send": true, "receive": true,
	"web": true, "www": true, "admin": true, "administrator": true, "root": true, "logs": true,
	"log": true, "samples": true, "testdata": true, "data": true, "mx": true, "gateway": true,
	"router": true, "firewall": true, "example": true, "ip": true, "tls": true, "ssl": true,
}

// ---- names ----

// name redacts a value known to name a host: an address, an e-mail
// address, a host name or a single-label server name.
func (r *Redactor) name(v string) string {
	t := strings.TrimSpace(v)
	switch {
	case t == "":
		return v
	case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
		return "[" + r.addr(t[1:len(t)-1]) + "]"
	case strings.ContainsAny(t, " \t,;<>()\"'"):
		return r.text(v, true)
	case strings.Contains(t, "@"):
		return r.email(t)
	}
	if _, err := netip.ParseAddr(t); err == nil {
		return r.addr(t)
	}
	return r.hostName(t)
}

func (r *Redactor) names(ns []string) []string {
	if ns == nil {
		return nil
	}
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = r.name(n)
	}
	return out
}

// serverName redacts a session's server (a single name, normally).
func (r *Redactor) serverName(s string) string {
	if s == "" {
		return s
	}
	if plausibleServer(s) {
		return r.serverTok(s)
	}
	return r.text(s, true)
}

// connector redacts a connector name: "SERVER\Name" has its server
// replaced; the name keeps its words except learned names and anything
// Text replaces ("Default Frontend EXCH01" gives "Default Frontend
// server-1").
func (r *Redactor) connector(c string) string {
	if i := strings.IndexByte(c, '\\'); i > 0 && plausibleServer(c[:i]) {
		return r.serverTok(c[:i]) + `\` + r.text(c[i+1:], true)
	}
	return r.text(c, true)
}

func (r *Redactor) hostName(h string) string {
	if h == "" {
		return h
	}
	core, trail := h, ""
	if strings.HasSuffix(core, ".") {
		core, trail = core[:len(core)-1], "."
	}
	wild := ""
	if strings.HasPrefix(core, "*.") {
		core, wild = core[2:], "*."
	}
	if core == "" {
		return h
	}
	if strings.HasPrefix(core, "[") && strings.HasSuffix(core, "]") {
		return wild + "[" + r.addr(core[1:len(core)-1]) + "]" + trail
	}
	key := wild + strings.ToLower(core)
	e, ok := r.hosts[key]
	if !ok {
		e = r.mapHost(strings.ToLower(core), wild != "")
		r.hosts[key] = e
	}
	if e.keep {
		return h
	}
	return wild + e.out + trail
}

// mapHost redacts a lower-case host name without "*." and trailing dot.
func (r *Redactor) mapHost(n string, wild bool) hostEntry {
	if a, err := netip.ParseAddr(n); err == nil {
		if m, ok := r.mapAddr(a); ok {
			return hostEntry{out: m.String()}
		}
		return hostEntry{keep: true}
	}
	if n == "example" || strings.HasSuffix(n, ".example") || n == "localhost" {
		return hostEntry{keep: true} // a token already, or reserved
	}
	if out, ok, keep := r.microsoftHost(n); ok {
		return hostEntry{out: out, keep: keep}
	}
	labels := strings.Split(n, ".")
	if slicesContainsEmpty(labels) {
		// not a name ("a..b", ".00"): replace what may be labels
		for i, l := range labels {
			labels[i] = r.label(l)
		}
		return hostEntry{out: strings.Join(labels, ".")}
	}
	if len(labels) == 1 {
		if r.isToken(n) {
			return hostEntry{keep: true} // a token
		}
		if wild || !plausibleServer(n) {
			return hostEntry{keep: true} // "*.com", or a word
		}
		return hostEntry{out: r.serverTok(n)}
	}
	k := 2
	if twoLevel[labels[len(labels)-2]+"."+labels[len(labels)-1]] {
		if len(labels) == 2 {
			return hostEntry{keep: true} // a public suffix
		}
		k = 3
	}
	domTok := r.tok(&r.domain, strings.Join(labels[len(labels)-k:], "."))
	r.learnDomainWord(labels[len(labels)-k], domTok)
	dom := domTok + ".example"
	if len(labels) == k {
		return hostEntry{out: dom}
	}
	var b strings.Builder
	for _, l := range labels[:len(labels)-k] {
		b.WriteString(r.label(l))
		b.WriteByte('.')
	}
	b.WriteString(dom)
	r.hostNames++
	return hostEntry{out: b.String()}
}

func slicesContainsEmpty(ls []string) bool {
	for _, l := range ls {
		if l == "" {
			return true
		}
	}
	return false
}

// label maps one host label: a known server name keeps its server token.
func (r *Redactor) label(l string) string {
	switch {
	case l == "" || l == "*":
		return l
	case r.server.fwd[l] != "":
		return r.server.fwd[l]
	}
	return r.tok(&r.host, l)
}

// Microsoft's own names are kept; only the tenant's part is replaced.
var (
	msDomains = []string{"outlook.com", "microsoft.com", "office365.com", "office.com", "frontbridge.com",
		"microsoftonline.com", "exchangelabs.com", "office.net", "microsoft"}
	tenantSuffixes = []string{"mail.onmicrosoft.com", "onmicrosoft.com"}
	dashedSuffixes = []string{"mail.protection.outlook.com", "mx.microsoft"}
)

func hasDomainSuffix(n, sfx string) bool {
	return n == sfx || (len(n) > len(sfx) && n[len(n)-len(sfx)-1] == '.' && strings.HasSuffix(n, sfx))
}

// microsoftHost handles names under Microsoft's domains: ok says it is
// one, keep that it stays as it is.
func (r *Redactor) microsoftHost(n string) (out string, ok, keep bool) {
	for _, sfx := range tenantSuffixes {
		if !hasDomainSuffix(n, sfx) {
			continue
		}
		if n == sfx {
			return "", true, true
		}
		labels := strings.Split(n[:len(n)-len(sfx)-1], ".")
		var b strings.Builder
		for i, l := range labels {
			if i == len(labels)-1 {
				b.WriteString(r.tok(&r.tenant, l))
			} else {
				b.WriteString(r.label(l))
			}
			b.WriteByte('.')
		}
		b.WriteString(sfx)
		return b.String(), true, false
	}
	for _, sfx := range dashedSuffixes {
		if !hasDomainSuffix(n, sfx) || n == sfx {
			continue
		}
		first, rest, _ := strings.Cut(n, ".")
		if d, ok := r.dashedDomain(first); ok {
			return d + "." + rest, true, false
		}
		return "", true, true
	}
	for _, sfx := range msDomains {
		if hasDomainSuffix(n, sfx) {
			return "", true, true
		}
	}
	return "", false, false
}

// dashedDomain maps the first label of a tenant's mail endpoint, its domain
// with dashes for dots ("contoso-com"), as the domain it stands for, so
// that it reads "domain-1-example" where contoso.com reads
// "domain-1.example". Labels of Microsoft's servers (AM4PEPF00027A6C) do
// not qualify.
func (r *Redactor) dashedDomain(l string) (string, bool) {
	if strings.HasSuffix(l, "-example") {
		return l, true
	}
	segs := strings.Split(l, "-")
	if len(segs) < 2 || !isTLD(segs[len(segs)-1]) {
		return "", false
	}
	for _, s := range segs {
		if s == "" {
			return "", false
		}
	}
	k := 2
	if len(segs) >= 3 && twoLevel[segs[len(segs)-2]+"."+segs[len(segs)-1]] {
		k = 3
	}
	parts := make([]string, 0, len(segs))
	for _, s := range segs[:len(segs)-k] {
		parts = append(parts, r.label(s))
	}
	parts = append(parts, r.tok(&r.domain, strings.Join(segs[len(segs)-k:], ".")), "example")
	return strings.Join(parts, "-"), true
}

func isTLD(s string) bool {
	if len(s) < 2 || len(s) > 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// twoLevel are public suffixes of two labels, under which a registrable
// domain has three.
var twoLevel = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Fields(`co.uk org.uk ac.uk gov.uk ltd.uk plc.uk me.uk net.uk nhs.uk sch.uk
		com.au net.au org.au edu.au gov.au asn.au id.au co.jp ne.jp or.jp ac.jp go.jp ad.jp ed.jp gr.jp lg.jp
		com.br net.br org.br gov.br edu.br co.nz org.nz net.nz govt.nz ac.nz school.nz geek.nz
		co.za org.za net.za gov.za ac.za web.za com.cn net.cn org.cn gov.cn edu.cn ac.cn
		com.mx org.mx gob.mx edu.mx com.tr org.tr net.tr gov.tr edu.tr co.in net.in org.in gov.in ac.in firm.in
		co.kr or.kr ne.kr go.kr ac.kr com.sg org.sg net.sg gov.sg edu.sg com.hk org.hk net.hk gov.hk edu.hk
		com.tw org.tw net.tw gov.tw edu.tw co.il org.il net.il ac.il gov.il com.ar org.ar net.ar gob.ar
		co.id or.id ac.id go.id com.my org.my net.my gov.my edu.my com.ph org.ph net.ph gov.ph
		com.vn net.vn org.vn gov.vn co.th or.th ac.th go.th in.th com.sa org.sa net.sa gov.sa edu.sa
		com.eg org.eg com.pk org.pk net.pk gov.pk edu.pk com.ng org.ng gov.ng co.ke or.ke ac.ke go.ke
		com.co org.co net.co gov.co edu.co com.pe org.pe com.ve co.ve com.ua org.ua net.ua gov.ua
		com.pl net.pl org.pl com.ru org.ru net.ru com.es org.es nom.es gob.es com.pt org.pt com.gr
		co.at or.at ac.at gv.at co.hu co.cr co.ug co.tz co.zw co.zm com.qa com.kw com.bh com.om
		ac.be com.cy com.mt com.lb com.jo com.ec com.uy com.py com.bo com.do com.gt com.sv com.ni`) {
		m[s] = true
	}
	return m
}()

// ---- e-mail ----

func (r *Redactor) email(a string) string {
	t := strings.TrimSpace(a)
	if t == "" || t == "<>" {
		return a
	}
	if len(t) >= 2 && t[0] == '<' && t[len(t)-1] == '>' {
		return "<" + r.email(t[1:len(t)-1]) + ">"
	}
	at := strings.LastIndexByte(t, '@')
	if at < 0 {
		if strings.ContainsAny(t, " \t\f\v\r\n") {
			return r.text(a, false)
		}
		return r.tok(&r.user, strings.ToLower(t))
	}
	return r.mailbox(t[:at], t[at+1:])
}

// mailbox redacts local@domain.
func (r *Redactor) mailbox(local, dom string) string {
	var d string
	if strings.HasPrefix(dom, "[") && strings.HasSuffix(dom, "]") && len(dom) >= 2 {
		d = "[" + r.addr(dom[1:len(dom)-1]) + "]"
	} else {
		d = r.hostName(dom)
	}
	l := strings.ToLower(local)
	if strings.Contains(l, `""`) { // as quoted in a CSV field
		l = strings.ReplaceAll(l, `""`, `"`)
	}
	if l == "" || l == "postmaster" || l == "mailer-daemon" || r.user.used[l] {
		return local + "@" + d
	}
	return r.tok(&r.user, l+"@"+strings.ToLower(dom)) + "@" + d
}

// ---- addresses ----

func (r *Redactor) addr(a string) string {
	t := strings.TrimSpace(a)
	if t == "" {
		return a
	}
	if ap, err := netip.ParseAddrPort(t); err == nil {
		if m, ok := r.mapAddr(ap.Addr()); ok {
			return netip.AddrPortFrom(m, ap.Port()).String()
		}
		return a
	}
	if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
		if ad, err := netip.ParseAddr(t[1 : len(t)-1]); err == nil {
			if m, ok := r.mapAddr(ad); ok {
				return "[" + m.String() + "]"
			}
			return a
		}
	}
	if ad, err := netip.ParseAddr(t); err == nil {
		if m, ok := r.mapAddr(ad); ok {
			return m.String()
		}
		return a
	}
	// host:port
	if i := strings.LastIndexByte(t, ':'); i > 0 && strings.Count(t, ":") == 1 && allDigits(t[i+1:]) {
		return r.name(t[:i]) + t[i:]
	}
	return r.text(a, true)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

var (
	pseudo4      = netip.MustParsePrefix("198.18.0.0/15")
	pseudo4Spill = netip.MustParsePrefix("240.0.0.0/4")
	pseudo6      = netip.MustParsePrefix("2001:db8::/32")
)

// keepAddr reports addresses that identify nobody: Exchange Online
// Protection's, loopback, unspecified, x.0.0.0 (versions read as
// addresses), and pseudonyms already issued.
func (r *Redactor) keepAddr(a netip.Addr) bool {
	if a.IsLoopback() || a.IsUnspecified() || r.ipUsed[a] {
		return true
	}
	if a.Is4() {
		b := a.As4()
		if (b[1] == 0 && b[2] == 0 && b[3] == 0) || b == [4]byte{255, 255, 255, 255} {
			return true
		}
	}
	for _, p := range eopRanges {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// mapAddr returns the pseudonym of an address, and false when the address
// stays as it is.
func (r *Redactor) mapAddr(a netip.Addr) (netip.Addr, bool) {
	a = a.WithZone("").Unmap()
	if !a.IsValid() || r.keepAddr(a) {
		return a, false
	}
	if v, ok := r.ips[a]; ok {
		return v, true
	}
	var out netip.Addr
	if a.Is4() {
		out = r.next4(a)
	} else {
		out = r.next6(a)
	}
	r.ips[a] = out
	r.ipUsed[out] = true
	return out, true
}

func (r *Redactor) next4(a netip.Addr) netip.Addr {
	base := binary.BigEndian.Uint32(pseudo4.Addr().AsSlice())
	const size = 1 << 17 // 198.18.0.0/15
	if r.keyed {
		for try := 0; try < 16; try++ {
			sum := r.sum("ip4#"+strconv.Itoa(try), a.String())
			off := binary.BigEndian.Uint32(sum) % size
			if off == 0 || off == size-1 {
				continue
			}
			var b [4]byte
			binary.BigEndian.PutUint32(b[:], base+off)
			if c := netip.AddrFrom4(b); !r.ipUsed[c] {
				return c
			}
		}
	}
	for {
		r.ipN4++
		var v uint32
		if r.ipN4 < size-1 {
			v = base + r.ipN4
		} else {
			spill := binary.BigEndian.Uint32(pseudo4Spill.Addr().AsSlice())
			v = spill + (r.ipN4-size+2)%(1<<28)
		}
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], v)
		if c := netip.AddrFrom4(b); !r.ipUsed[c] {
			return c
		}
	}
}

func (r *Redactor) next6(a netip.Addr) netip.Addr {
	b := pseudo6.Addr().As16()
	if r.keyed {
		sum := r.sum("ip6", a.String())
		for try := 0; try < 4; try++ {
			copy(b[4:], sum[try:try+12])
			if c := netip.AddrFrom16(b); !r.ipUsed[c] {
				return c
			}
		}
		b = pseudo6.Addr().As16()
	}
	for {
		r.ipN6++
		binary.BigEndian.PutUint64(b[8:], r.ipN6)
		if c := netip.AddrFrom16(b); !r.ipUsed[c] {
			return c
		}
	}
}

// ---- paths ----

func (r *Redactor) path(p string) string {
	if p == "" || p == "-" {
		return p
	}
	if v, ok := r.paths[p]; ok {
		return v
	}
	r.learnPath(p) // may clear the cache
	v := r.text(p, true)
	if len(r.paths) >= maxRedactCache {
		clear(r.paths)
	}
	r.paths[p] = v
	return v
}

func (r *Redactor) line(l *Line) {
	l.Pos.File = r.path(l.Pos.File)
	l.Raw = r.text(l.Raw, true)
}

func (r *Redactor) cert(c *Certificate) {
	if c == nil {
		return
	}
	c.Subject = r.dn(c.Subject)
	c.Issuer = r.dn(c.Issuer)
	c.SANs = r.names(c.SANs)
	c.Pos.File = r.path(c.Pos.File)
	if c.Rows != nil {
		rows := make([]Line, len(c.Rows))
		for i, l := range c.Rows {
			r.line(&l)
			rows[i] = l
		}
		c.Rows = rows
	}
}

// ---- distinguished names ----

// dn redacts a distinguished name (a certificate's subject or issuer).
func (r *Redactor) dn(s string) string {
	if strings.TrimSpace(s) == "" {
		return s
	}
	comps := splitDN(s)
	public := false
	for _, c := range comps {
		if strings.EqualFold(c.key, "O") && publicOrg(c.val) {
			public = true
		}
	}
	o := textOut{s: s}
	for i := 0; i < len(comps); i++ {
		c := comps[i]
		if c.key == "" {
			o.put(c.vs, c.ve, r.text(s[c.vs:c.ve], false))
			continue
		}
		val := unquote(c.val)
		var out string
		switch strings.ToUpper(c.key) {
		case "C":
			continue
		case "CN":
			out = r.cn(val, public)
		case "O", "OU":
			if public || genericUnit(val) {
				continue
			}
			out = r.phraseTok(&r.org, val)
		case "L", "S", "ST", "STREET", "POSTALCODE":
			if public {
				continue
			}
			out = r.phraseTok(&r.place, val)
		case "E", "EMAILADDRESS":
			if !strings.Contains(val, "@") {
				out = r.text(val, false)
				break
			}
			out = r.email(val)
		case "DC":
			// DC=contoso,DC=com reads as the domain contoso.com.
			j := i
			var labels []string
			for j < len(comps) && strings.EqualFold(comps[j].key, "DC") {
				labels = append(labels, strings.ToLower(unquote(comps[j].val)))
				j++
			}
			var mapped []string
			if len(labels) >= 2 {
				mapped = strings.Split(r.hostName(strings.Join(labels, ".")), ".")
			}
			for k := i; k < j; k++ {
				if len(mapped) == j-i {
					o.put(comps[k].vs, comps[k].ve, mapped[k-i])
				} else {
					o.put(comps[k].vs, comps[k].ve, r.label(labels[k-i]))
				}
			}
			i = j - 1
			continue
		default:
			if public {
				continue
			}
			out = r.tok(&r.attr, strings.ToLower(val))
		}
		o.put(c.vs, c.ve, out)
	}
	return o.String()
}

// cn redacts the value of a CN: a host name, or a single word naming a
// server (or a private certification authority); public names stay.
func (r *Redactor) cn(v string, public bool) string {
	switch {
	case v == "":
		return v
	case strings.ContainsAny(v, " \t"):
		return r.text(v, false)
	case strings.ContainsAny(v, ".@:") || strings.HasPrefix(v, "*"):
		return r.name(v)
	case public:
		return v
	case plausibleServer(v):
		return r.serverTok(v)
	}
	return r.text(v, false)
}

type rdn struct {
	key, val string
	vs, ve   int // the value's span in the name (trimmed)
}

// splitDN splits "CN=a, O=b\, c, OU=\"d, e\"" into its parts; a part
// without "=" has an empty key and spans the whole part.
func splitDN(s string) []rdn {
	var out []rdn
	start := 0
	quoted := false
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			c := s[i]
			if c == '\\' {
				i++
				continue
			}
			if c == '"' {
				quoted = !quoted
			}
			if c != ',' || quoted {
				continue
			}
		}
		a, b := start, min(i, len(s))
		for a < b && (s[a] == ' ' || s[a] == '\t') {
			a++
		}
		for b > a && (s[b-1] == ' ' || s[b-1] == '\t') {
			b--
		}
		if a < b {
			part := s[a:b]
			if eq := strings.IndexByte(part, '='); eq > 0 && validKey(part[:eq]) {
				vs := a + eq + 1
				for vs < b && s[vs] == ' ' {
					vs++
				}
				out = append(out, rdn{key: strings.TrimSpace(part[:eq]), val: s[vs:b], vs: vs, ve: b})
			} else {
				out = append(out, rdn{val: part, vs: a, ve: b})
			}
		}
		start = i + 1
	}
	return out
}

func validKey(k string) bool {
	k = strings.TrimSpace(k)
	if k == "" || len(k) > 32 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || isDigit(c) || c == '.') {
			return false
		}
	}
	return true
}

func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// rdnKeys are the attribute types that start a distinguished name in text.
var rdnKeys = map[string]bool{
	"CN": true, "O": true, "OU": true, "L": true, "S": true, "ST": true, "C": true, "DC": true,
	"E": true, "STREET": true, "SERIALNUMBER": true, "POSTALCODE": true, "PostalCode": true,
	"UID": true, "EMAILADDRESS": true,
}

// rdnKeyLen returns the length of the attribute type s starts with, when
// it is followed by "=", else 0.
func rdnKeyLen(s string) int {
	for i := 0; i < len(s) && i < 32; i++ {
		c := s[i]
		switch {
		case c == '=':
			if rdnKeys[s[:i]] || (strings.HasPrefix(s, "OID.") && i > 4) {
				return i
			}
			return 0
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', isDigit(c), c == '.':
		default:
			return 0
		}
	}
	return 0
}

// dnEnd returns where a distinguished name that starts at s[i] ends: parts
// are joined by "," (and spaces), and a value ends at a comma, a quote or
// bracket, a line end, or a space before another "KEY=" (the one-row
// certificate layout puts subject and issuer side by side). A C= value
// ends at a space.
func dnEnd(s string, i int) int {
	end := i
	for {
		k := rdnKeyLen(s[i:])
		if k == 0 {
			return end
		}
		key := s[i : i+k]
		j := i + k + 1
	value:
		for j < len(s) {
			switch c := s[j]; c {
			case '\\':
				j += 2
				continue
			case ',', '"', ';', '\r', '\n', '\t', '<', '>', '(', ')', '[', ']', '|':
				break value
			case ' ':
				if key == "C" || rdnKeyLen(s[j+1:]) > 0 {
					break value
				}
			}
			j++
		}
		j = min(j, len(s))
		end = j
		for end > i+k+1 && s[end-1] == ' ' {
			end--
		}
		if j < len(s) && s[j] == ',' {
			n := j + 1
			for n < len(s) && s[n] == ' ' {
				n++
			}
			if n < len(s) && rdnKeyLen(s[n:]) > 0 {
				i = n
				continue
			}
		}
		return end
	}
}

// publicOrg reports organisation names of public certification
// authorities and Microsoft, which identify nobody.
func publicOrg(v string) bool {
	l := strings.ToLower(strings.TrimSpace(unquote(strings.TrimSpace(v))))
	for _, p := range publicOrgs {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

var publicOrgs = []string{
	"let's encrypt", "digicert", "microsoft", "sectigo", "comodo", "globalsign", "godaddy", "starfield",
	"entrust", "amazon", "google trust services", "identrust", "geotrust", "thawte", "symantec",
	"verisign", "network solutions", "quovadis", "buypass", "certum", "unizeto", "asseco", "actalis",
	"zerossl", "ssl corporation", "harica", "hellenic academic", "swisssign", "d-trust", "t-systems",
	"deutsche telekom", "trustwave", "rapidssl", "cloudflare", "internet security research group",
	"digital signature trust", "baltimore", "cybertrust", "the usertrust network", "usertrust",
	"gandi", "certainly", "telia", "izenpe", "firmaprofesional", "camerfirma", "secom", "wisekey",
	"trustcor", "e-tugra", "certigna", "dhimyotis", "atos", "emsign", "globaltrust",
}

// genericUnit reports O/OU values that name no organisation.
func genericUnit(v string) bool {
	l := strings.ToLower(strings.TrimSpace(unquote(v)))
	if genericUnits[l] {
		return true
	}
	return strings.HasPrefix(l, "domain control validated") || strings.HasPrefix(l, "positivessl") ||
		strings.HasPrefix(l, "essentialssl") || strings.HasPrefix(l, "hosted by") ||
		strings.HasPrefix(l, "terms of use at") || strings.HasPrefix(l, "(c)")
}

var genericUnits = map[string]bool{
	"it": true, "is": true, "ict": true, "it department": true, "it services": true, "information technology": true,
	"messaging": true, "exchange": true, "microsoft exchange": true, "mail": true, "email": true, "e-mail": true,
	"infrastructure": true, "operations": true, "servers": true, "security": true, "network": true,
	"networks": true, "web": true, "technology": true, "it operations": true, "it security": true,
	"certificate authority": true, "ssl": true, "hr": true, "ops": true, "systems": true,
}

// ---- text ----

// textOut builds a redacted copy of s only once something changes.
type textOut struct {
	s     string
	b     []byte // may hold a buffer to reuse before anything changed
	dirty bool
	last  int
}

func (o *textOut) put(i, j int, repl string) {
	if i < o.last || j < i || j > len(o.s) || repl == o.s[i:j] {
		return
	}
	if !o.dirty {
		o.dirty = true
		if cap(o.b) < len(o.s)+32 {
			o.b = make([]byte, 0, len(o.s)+32)
		}
		o.b = o.b[:0]
	}
	o.b = append(o.b, o.s[o.last:i]...)
	o.b = append(o.b, repl...)
	o.last = j
}

func (o *textOut) String() string {
	if !o.dirty {
		return o.s
	}
	o.b = append(o.b, o.s[o.last:]...)
	return string(o.b)
}

// isRunByte reports bytes of a run: the words, names, addresses and
// numbers that Text looks at one at a time.
func isRunByte(c byte) bool { return runClass[c] != 0 }

// runClass is 1 for the bytes of a run, 2 for '.' and '@', which make a
// run worth a closer look.
var runClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '+' || c >= 0x80 {
			t[c] = 1
		}
	}
	t['.'], t['@'] = 2, 2
	return t
}()

func isHexByte(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// text redacts s; dns says whether to read distinguished names. When s
// itself teaches a name (CN=EXCH01 in a certificate row), s is read again,
// so that mentions before the lesson are replaced too.
func (r *Redactor) text(s string, dns bool) string {
	if s == "" {
		return s
	}
	gen := r.gen
	out := r.textOnce(s, dns)
	if r.gen != gen && r.depth == 0 {
		out = r.textOnce(s, dns)
	}
	return out
}

func (r *Redactor) textOnce(s string, dns bool) string {
	o := textOut{s: s}
	// The outermost call lends its buffer; calls from within (a name in a
	// distinguished name) make their own.
	r.depth++
	top := r.depth == 1
	if top {
		o.b = r.buf
	}
	n := len(s)
	for i := 0; i < n; {
		c := s[i]
		switch {
		case c == '"' && (i == 0 || strings.IndexByte("<: ,(\t[;", s[i-1]) >= 0):
			if end := r.quotedMailbox(&o, s, i); end > i {
				i = end
				continue
			}
			i++
		case c == ':' && i+1 < n && s[i+1] == ':' && (i == 0 || !isRunByte(s[i-1]) && s[i-1] != ':'):
			if end := r.v6At(&o, s, i); end > i {
				i = end
				continue
			}
			i += 2
		case runClass[c] != 0:
			class := runClass[c]
			j := i + 1
			for j < n {
				k := runClass[s[j]]
				if k == 0 {
					break
				}
				class |= k
				j++
			}
			i = r.run(&o, s, i, j, class == 1, dns)
		default:
			i++
		}
	}
	out := o.String()
	r.depth--
	if top && cap(o.b) <= 1<<16 {
		r.buf = o.b[:0]
	}
	return out
}

// run redacts the run s[i:j] and returns where to go on; plain says it
// has no '.' and no '@'.
func (r *Redactor) run(o *textOut, s string, i, j int, plain, dns bool) int {
	w := s[i:j]
	n := len(s)
	// An IPv6 address starts with up to 4 hex digits and a colon.
	if j < n && s[j] == ':' && j-i <= 4 && (i == 0 || s[i-1] != ':') && isHexRun(w) {
		if end := r.v6At(o, s, i); end > i {
			return end
		}
	}
	if dns && j < n && s[j] == '=' && (i == 0 || strings.IndexByte(" ,\"'(<>:;=[{/\t|", s[i-1]) >= 0) && rdnKeyLen(s[i:]) > 0 {
		end := dnEnd(s, i)
		if end > i {
			o.put(i, end, r.dn(s[i:end]))
			return max(end, j)
		}
	}
	if len(r.phrases) > 0 && j-i >= r.phraseMin && j-i <= r.phraseMax && r.phraseFirst[lowerByte(s[i])] {
		if end, tok := r.phraseAt(s, i, j); end > i {
			o.put(i, end, tok)
			return end
		}
	}
	switch {
	case w == "Name" && i >= 5 && s[i-5:i] == "User " && strings.HasPrefix(s[j:], ": "):
		// "User Name: CONTOSO\jdoe" (a failed AUTH)
		vs := j + 2
		ve := vs
		for ve < n && strings.IndexByte(" ,\";\r\n\t", s[ve]) < 0 {
			ve++
		}
		if v := s[vs:ve]; v != "" && !strings.Contains(v, "@") {
			o.put(vs, ve, r.tok(&r.account, strings.ToLower(v)))
			return ve
		}
		return j
	case i > 0 && (s[i-1] == '\\' || s[i-1] == '/') && j+1 < n && (s[j] == '\\' || s[j] == '/') &&
		(strings.EqualFold(w, "Users") || strings.EqualFold(w, "home")):
		vs := j + 1
		ve := vs
		for ve < n && strings.IndexByte("\\/\"\r\n\t,;", s[ve]) < 0 {
			ve++
		}
		if v := strings.ToLower(s[vs:ve]); v != "" && !commonProfiles[v] && !r.account.used[v] {
			o.put(vs, ve, r.tok(&r.account, v))
		}
		return ve
	}
	// "EXCH01\Default Frontend EXCH01": a receive connector's id names
	// its server.
	if plain && j < n && s[j] == '\\' && isDefaultReceive(s[j+1:]) && r.server.fwd[string(r.lower(w))] == "" && plausibleServer(w) {
		r.serverTok(w)
	}
	// Most runs are words and numbers that nothing maps: no dot, no @,
	// and no server name of their length.
	if plain && (len(r.server.fwd) == 0 || len(w) < r.minName || (len(w) > r.maxName && !strings.ContainsAny(w, "-_"))) {
		return j
	}
	if v, ok := r.runs[w]; ok {
		o.put(i, j, v)
		return j
	}
	v := r.mapRun(w)
	if len(r.runs) >= maxRedactCache {
		clear(r.runs)
	}
	r.runs[w] = v
	o.put(i, j, v)
	return j
}

var commonProfiles = map[string]bool{"public": true, "default": true, "all users": true, "default user": true, "administrator": true}

// isDefaultReceive reports whether s starts with the name of one of
// Exchange's default receive connectors, which end in the server's name.
func isDefaultReceive(s string) bool {
	for _, p := range []string{"Default ", "Client ", "Outbound Proxy "} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isHexRun(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isHexByte(w[i]) {
			return false
		}
	}
	return true
}

// phraseAt finds a learned organisation or place name starting at s[i],
// whose first run is s[i:j].
func (r *Redactor) phraseAt(s string, i, j int) (int, string) {
	w := s[i:j]
	var ps []phrase
	switch {
	case !isASCII(w):
		ps = r.phrases[strings.ToLower(w)]
	case hasUpper(w):
		ps = r.phrases[string(r.lower(w))]
	default:
		ps = r.phrases[w]
	}
	for _, p := range ps {
		e := i + len(p.lower)
		if e <= len(s) && strings.EqualFold(s[i:e], p.lower) && (e == len(s) || !isRunByte(s[e])) {
			return e, p.token
		}
	}
	return 0, ""
}

func isASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			return false
		}
	}
	return true
}

func hasUpper(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// lower returns w in lower case in a scratch buffer, for map lookups that
// do not allocate (only ASCII is folded there; other text goes through
// strings.ToLower).
func (r *Redactor) lower(w string) []byte {
	if !isASCII(w) {
		r.scratch = append(r.scratch[:0], strings.ToLower(w)...)
		return r.scratch
	}
	b := r.scratch[:0]
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	r.scratch = b
	return b
}

// mapRun redacts one run out of context.
func (r *Redactor) mapRun(w string) string {
	a, b := 0, len(w)
	for a < b && w[a] == '.' {
		a++
	}
	for b > a && w[b-1] == '.' {
		b--
	}
	core := w[a:b]
	if core == "" {
		return w
	}
	// "250-mail.contoso.com": a reply code glued to the name in an EHLO reply
	pre := ""
	if len(core) > 4 && isDigit(core[0]) && isDigit(core[1]) && isDigit(core[2]) && core[3] == '-' {
		pre, core = core[:4], core[4:]
	}
	out := r.mapCore(core)
	if out == core {
		return w
	}
	return w[:a] + pre + out + w[b:]
}

func (r *Redactor) mapCore(core string) string {
	if at := strings.LastIndexByte(core, '@'); at >= 0 {
		local, dom := core[:at], strings.TrimRight(core[at+1:], ".-")
		tail := core[at+1+len(dom):]
		if local != "" && dom != "" && validHostChars(dom) {
			return r.mailbox(local, dom) + tail
		}
		if local == "" && dom != "" && validHostChars(dom) {
			return "@" + r.mapCore(dom) + tail
		}
		return core
	}
	if strings.IndexByte(core, '.') < 0 {
		return r.components(core)
	}
	if digitsAndDots(core) {
		if a, err := netip.ParseAddr(core); err == nil && a.Is4() {
			if m, ok := r.mapAddr(a); ok {
				return m.String()
			}
		}
		return core
	}
	if r.hostLike(core) {
		return r.hostName(core)
	}
	return r.components(core)
}

// components replaces server names that make up a run or a part of it
// between '-', '_' and '.' ("WMSvc-SHA2-EXCH01").
func (r *Redactor) components(w string) string {
	if len(r.server.fwd) == 0 || len(w) < r.minName {
		return w
	}
	if len(w) <= r.maxName {
		if v := r.server.fwd[string(r.lower(w))]; v != "" {
			return v
		}
	}
	var o textOut
	o.s = w
	start := 0
	for k := 0; k <= len(w); k++ {
		if k < len(w) && w[k] != '-' && w[k] != '_' && w[k] != '.' {
			continue
		}
		if part := w[start:k]; len(part) >= r.minName && len(part) <= r.maxName && len(part) < len(w) {
			if v := r.server.fwd[string(r.lower(part))]; v != "" {
				o.put(start, k, v)
			}
		}
		start = k + 1
	}
	return o.String()
}

func digitsAndDots(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && s[i] != '.' {
			return false
		}
	}
	return true
}

func validHostChars(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '[' && s[len(s)-1] == ']' {
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '.' || c == '_' || c >= 0x80) {
			return false
		}
	}
	return true
}

// hostLike reports whether a dotted run reads as a host name: no empty
// label, host characters only, and a last label of 2-24 letters in one
// case that is not a file extension (.LOG, .json). .NET type names
// (Microsoft.Exchange..., System.Net...) are not hosts.
func (r *Redactor) hostLike(w string) bool {
	if !validHostChars(w) || strings.Contains(w, "..") {
		return false
	}
	first, _, _ := strings.Cut(w, ".")
	if dotnetRoots[first] {
		return false
	}
	tld := w[strings.LastIndexByte(w, '.')+1:]
	if !isTLD(tld) {
		return false
	}
	lower, upper := true, true
	for i := 0; i < len(tld); i++ {
		if tld[i] >= 'a' {
			upper = false
		} else {
			lower = false
		}
	}
	l := strings.ToLower(tld)
	if fileExts[l] {
		return false
	}
	if !lower && !upper {
		// "Contoso.Com" only when that domain is known; "c.Issuer",
		// "failed.Retry" are not names.
		labels := strings.Split(strings.ToLower(w), ".")
		if len(labels) < 2 {
			return false
		}
		_, ok := r.domain.fwd[labels[len(labels)-2]+"."+labels[len(labels)-1]]
		return ok
	}
	return true
}

var dotnetRoots = map[string]bool{"Microsoft": true, "System": true, "Deserialized": true, "Windows": true}

// fileExts are file name extensions that are not top-level domains.
var fileExts = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Fields(`log txt csv tsv json ndjson jsonl xml htm html exe dll msi sys ini cfg conf config
		bak tmp eml pst ost msg edb mdb pdf doc docx xls xlsx ppt pptx rtf png jpg jpeg gif bmp svg ico
		cer crt der pem pfx bat cmd vbs js yaml yml toml gz tgz xz zst tar rar evtx etl dmp`) {
		m[s] = true
	}
	return m
}()

// quotedMailbox redacts an e-mail address with a quoted local part
// ("billing dept"@fabrikam.net, or ""billing dept""@fabrikam.net inside a
// CSV field) starting at s[i]; it returns where it ends, or 0.
func (r *Redactor) quotedMailbox(o *textOut, s string, i int) int {
	q := 1
	if i+1 < len(s) && s[i+1] == '"' {
		q = 2
	}
	for k := i + q; k < len(s) && k < i+q+128; k++ {
		c := s[k]
		if c == '\r' || c == '\n' || c == '<' || c == '>' {
			return 0
		}
		if c != '"' {
			continue
		}
		end := k + 1
		if q == 2 {
			if k+1 >= len(s) || s[k+1] != '"' {
				return 0
			}
			end = k + 2
		}
		if end >= len(s) || s[end] != '@' {
			return 0
		}
		de := end + 1
		for de < len(s) && isRunByte(s[de]) && s[de] != '@' {
			de++
		}
		if de < len(s) && s[de] == '@' {
			return 0 // "a"@b@c is no address
		}
		for de > end+1 && (s[de-1] == '.' || s[de-1] == '-') {
			de--
		}
		if de == end+1 {
			return 0
		}
		o.put(i, de, r.mailbox(s[i:end], s[end+1:de]))
		return de
	}
	return 0
}

// v6At redacts an IPv6 address starting at s[i], returning where it ends,
// or 0 when there is none.
func (r *Redactor) v6At(o *textOut, s string, i int) int {
	k := i
	colons, double := 0, false
	for k < len(s) && (isHexByte(s[k]) || s[k] == ':' || s[k] == '.') {
		if s[k] == ':' {
			colons++
			if k+1 < len(s) && s[k+1] == ':' {
				double = true
			}
		}
		k++
	}
	if k < len(s) && isRunByte(s[k]) && s[k] != '.' && s[k] != '-' {
		return 0 // "20:00:44.406Z", a word
	}
	// a sentence's full stop, or the colon after an address
	for k > i && s[k-1] == '.' {
		k--
	}
	if k-1 > i && s[k-1] == ':' && s[k-2] != ':' {
		colons--
		k--
	}
	if colons < 2 || (!double && colons < 6) {
		return 0
	}
	a, err := netip.ParseAddr(s[i:k])
	if err != nil || !a.Is6() {
		return 0
	}
	if m, ok := r.mapAddr(a); ok {
		o.put(i, k, m.String())
	}
	return k
}
