package analyze

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/logscan/logscan/parser"
)

// Config is what the administrator's exports say. A Have flag is false
// when that export was not given, and the checks that need it say so.
type Config struct {
	Inbound        []parser.InboundConnector
	HaveInbound    bool
	Domains        []parser.AcceptedDomain
	HaveDomains    bool
	SendConnectors []parser.SendConnector
	HaveSend       bool
	Certificates   []parser.ExchangeCertificate
	HaveCerts      bool
	// Now is the report time, for certificate expiry.
	Now time.Time
	// ExpiryWarning is how far ahead an expiring certificate is reported;
	// 0 means 30 days.
	ExpiryWarning time.Duration
	// GapThreshold is the pause between two rows of a session worth
	// reporting; 0 means 60 seconds.
	GapThreshold time.Duration
}

// rule is one check. Rules are values listed in rules; each looks at one
// finished session and reports hits.
type rule struct {
	id    string
	doc   string
	needs string // the flag the rule cannot run without, "" if none
	check func(c *Checker, s *Session)
}

// hit is one session showing one finding.
type hit struct {
	id       string
	key      string
	key2     string // more of the key, joined to it only for a new finding
	severity Severity
	lines    []Line
	// reply and cert add their rows to the evidence; they are looked up
	// only for the first sessions of a finding, which keep evidence.
	reply *Reply
	cert  *Certificate
	// describe renders the finding from the first session that shows it;
	// it runs once per finding.
	describe func() (title, explanation, remedy, link string)
}

// Checker runs the rules over sessions as they finish and gathers
// findings. Use one Checker per run: NewChecker, Check per session (before
// the session is written out, so it carries its finding ids), Findings.
type Checker struct {
	key        keyBuf       // map keys are built here
	cur        sessionFacts // the session being checked
	matches    map[matchKey]CertMatch
	coverages  map[string]Coverage
	cfg        Config
	lastNames  lastNames
	found      map[string]*found
	order      int
	ipConns    []*parser.InboundConnector
	certs      map[string]*parser.ExchangeCertificate // by thumbprint
	sendByName map[string]*parser.SendConnector       // by lower-case name
	changes    map[string]*certTrack                  // by source + connector
	config     []hit                                  // findings about the exports alone
	usage      map[string]*usage                      // by source + log type + connector
	firstFile  map[string]string                      // the first file given of each source
	midway     map[string]*midway                     // sessions begun before the first file, by source
	perRule    map[string]int                         // distinct findings per id
	// The last answers of the lookups above made for every session:
	// sessions come in runs of one connector and one certificate, and a
	// key compared (its strings mostly shared) costs less than one built
	// and hashed.
	lastMatch struct {
		k  matchKey
		m  CertMatch
		ok bool
	}
	lastTrack  groupMemo[*certTrack]
	lastUsage  groupMemo[*usage]
	recent     [8]recentHit // the findings hit last (recentFound)
	nextRecent int
	lastIP     struct {
		ip   string
		conn *parser.InboundConnector
		ok   bool
	}
}

// matchIP is MatchIP against the IP-based inbound connectors, the last
// answer remembered (a server's sessions are seen from one address).
func (c *Checker) matchIP(ip string) *parser.InboundConnector {
	if l := &c.lastIP; !l.ok || l.ip != ip {
		l.ip, l.conn, l.ok = ip, MatchIP(ip, c.ipConns), true
	}
	return c.lastIP.conn
}

// namesCovered reports whether one of names (localNames') is under an
// accepted domain, and the coverage of the first; worked out once per
// certificate, with its names.
func (c *Checker) namesCovered(names []string) (covered bool, first Coverage, firstName string) {
	l := &c.lastNames
	mine := len(names) > 0 && len(l.names) > 0 && &names[0] == &l.names[0] // the names l remembers
	if mine && l.covKnown {
		return l.covered, l.first, l.firstName
	}
	for i, n := range names {
		cov := c.coverage(n)
		if i == 0 {
			first, firstName = cov, n
		}
		if cov.Covered {
			covered = true
			break
		}
	}
	if mine {
		l.covered, l.first, l.firstName, l.covKnown = covered, first, firstName, true
	}
	return covered, first, firstName
}

// groupMemo is the last entry looked up by source, log type and
// connector (a nil v: none yet).
type groupMemo[V any] struct {
	source, connector string
	typ               parser.LogType
	v                 V
}

func (g *groupMemo[V]) is(s *Session) bool {
	return s.Source == g.source && s.LogType == g.typ && s.Connector == g.connector
}

func (g *groupMemo[V]) set(s *Session, v V) {
	g.source, g.typ, g.connector, g.v = s.Source, s.LogType, s.Connector, v
}

// usage counts a connector's sessions, for the idle-sessions check.
type usage struct {
	where       string
	receive     bool
	total, idle int
	example     *Session
}

type midway struct {
	file     string
	sessions int
	ids      []string
	first    time.Time
}

type found struct {
	f     Finding
	order int
	track *certTrack
}

// NewChecker prepares the rules for the given exports.
func NewChecker(cfg Config) *Checker {
	if cfg.ExpiryWarning <= 0 {
		cfg.ExpiryWarning = 30 * 24 * time.Hour
	}
	if cfg.GapThreshold <= 0 {
		cfg.GapThreshold = 60 * time.Second
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Now().UTC()
	}
	c := &Checker{cfg: cfg, found: map[string]*found{}, certs: map[string]*parser.ExchangeCertificate{},
		sendByName: map[string]*parser.SendConnector{}, changes: map[string]*certTrack{},
		usage: map[string]*usage{}, firstFile: map[string]string{}, midway: map[string]*midway{}, perRule: map[string]int{},
		matches: map[matchKey]CertMatch{}, coverages: map[string]Coverage{}}
	c.ipConns = IPConnectors(cfg.Inbound)
	for i := range cfg.Certificates {
		x := &cfg.Certificates[i]
		c.certs[strings.ToUpper(x.Thumbprint)] = x
	}
	for i := range cfg.SendConnectors {
		x := &cfg.SendConnectors[i]
		c.sendByName[strings.ToLower(strings.TrimSpace(x.Name))] = x
	}
	c.configFindings()
	return c
}

// rules lists every check, in the order reports describe them.
var rules = []rule{
	{id: "attr35-wrong-region", doc: "the remote answered 4.4.62 / ATTR35", check: checkATTR35},
	{id: "tenant-attribution-denied", doc: "the remote answered 5.7.64 TenantAttribution", check: checkTenantAttribution},
	{id: "attr36-relay-denied", doc: "the remote answered 5.7.64 ... ATTR36", check: checkATTR36},
	{id: "no-client-certificate", doc: "a TLS session to Exchange Online presented no certificate", check: checkNoClientCert},
	{id: "cert-name-mismatch", doc: "the presented certificate matches no enabled OnPremises connector", needs: "--connectors", check: checkCertName},
	{id: "cert-domain-not-accepted", doc: "certificate names or TlsSenderCertificateName under no accepted domain", needs: "--accepted-domains", check: checkCertDomain},
	{id: "sender-ip-not-in-connector", doc: "no certificate match and the seen IP is in no IP connector", needs: "--connectors", check: checkSenderIP},
	{id: "legacy-smart-host", doc: "a legacy Office 365 endpoint or an IP address used as smart host", check: checkLegacyHost},
	{id: "tls-negotiation-failed", doc: "TLS negotiation failed", check: checkTLSFailed},
	{id: "starttls-unavailable", doc: "STARTTLS not offered or refused", check: checkStartTLS},
	{id: "connect-failed", doc: "the connection could not be made", check: checkConnect},
	{id: "certificate-changed", doc: "the certificate presented on a connector changed", check: checkCertChanged},
	{id: "certificate-expiring", doc: "the presented certificate expires within 30 days or has expired", check: checkExpiry},
	{id: "long-gap", doc: "a pause inside a session longer than the gap threshold", check: checkGap},
	{id: "idle-sessions", doc: "sessions opened but never used, beyond the usual share (found in Findings)", check: countUsage},
	{id: "missing-logs", doc: "rollover numbers missing, or sessions begun in a file not given", check: checkMidway},
	{id: "response-rejected", doc: "another 5xx ended a session", check: checkResponse},
	{id: "response-deferred", doc: "another 4xx ended a session", check: checkResponse},
}

// RuleIDs lists the finding ids in report order.
func RuleIDs() []string {
	out := make([]string, 0, len(rules))
	for _, r := range rules {
		out = append(out, r.id)
	}
	return out
}

// Check runs every rule on a finished session and records its finding ids
// in s.Findings.
func (c *Checker) Check(s *Session) {
	c.cur = sessionFacts{s: s, ids: s.Findings[:0]}
	defer func() { c.cur = sessionFacts{} }()
	for _, r := range rules {
		if r.needs != "" && !c.has(r.needs) {
			continue
		}
		if r.id == "response-deferred" {
			continue // checkResponse reports both
		}
		r.check(c, s)
	}
	if len(c.config) > 0 {
		conn := c.connLower(s)
		for _, h := range c.config {
			if k, ok := strings.CutPrefix(h.key, "connector:"); ok && k == conn {
				c.hit(h)
			}
		}
	}
	ids := c.cur.ids
	if ids == nil {
		ids = []string{}
	}
	s.Findings = ids
}

// hit records a rule's hit for the session being checked.
func (c *Checker) hit(h hit) {
	id := c.record(c.cur.s, h) // h.id, as the finding keeps it
	if !slices.Contains(c.cur.ids, id) {
		if c.cur.ids == nil {
			c.cur.ids = make([]string, 0, 4)
		}
		c.cur.ids = append(c.cur.ids, id)
	}
}

func (c *Checker) has(flag string) bool {
	switch flag {
	case "--connectors":
		return c.cfg.HaveInbound
	case "--accepted-domains":
		return c.cfg.HaveDomains
	case "--send-connectors":
		return c.cfg.HaveSend
	case "--certificates":
		return c.cfg.HaveCerts
	}
	return true
}

// maxKeysPerRule bounds the findings of one id (distinct reply texts,
// addresses, certificates ...): past it the rest count under one "other"
// finding, so hostile input cannot grow memory or the reports.
const maxKeysPerRule = 200

// record counts h against its finding (made on its first hit) and, for
// the finding's first sessions, quotes s's rows as evidence. Nothing of
// h is kept but copies (strings.Clone, once per finding): so
// the compiler can leave each rule's hit, its describe closure and its
// lines on the stack, where they were two fifths of the checks' garbage.
// It returns the finding's id.
func (c *Checker) record(s *Session, h hit) string {
	fd := c.recentFound(h)
	if fd == nil {
		fd = c.lookup(h)
		// (Copies: a hit's keys may be the session's text, reused after it.)
		c.recent[c.nextRecent] = recentHit{strings.Clone(h.id), strings.Clone(h.key), strings.Clone(h.key2), fd}
		c.nextRecent = (c.nextRecent + 1) % len(c.recent)
	}
	f := &fd.f
	if h.severity > f.Severity {
		f.Severity = h.severity
	}
	if s == nil {
		return f.ID
	}
	f.Sessions++
	if len(f.SessionIDs) < MaxFindingSessions {
		f.SessionIDs = append(f.SessionIDs, s.ID)
	}
	if f.First.IsZero() || (!s.Start.IsZero() && s.Start.Before(f.First)) {
		f.First = s.Start
	}
	if s.End.After(f.Last) {
		f.Last = s.End
	}
	if f.Sessions <= evidenceSessions {
		n := 0
		lines := h.lines
		if h.reply != nil || h.cert != nil {
			lines = nil
			if h.reply != nil {
				lines = append(lines, replyLine(h.reply))
			}
			lines = append(append(lines, h.lines...), certLines(h.cert)...)
		}
		for _, l := range lines {
			if l.Raw == "" || n == evidenceLines {
				continue
			}
			// (A copy: the row's text is the session's, reused after it.)
			f.Evidence = append(f.Evidence, Evidence{Session: s.ID, Pos: l.Pos, Raw: strings.Clone(l.Raw)})
			n++
		}
	}
	return f.ID
}

// lookup returns h's finding, made on its first hit (or the rule's
// "other" finding, past maxKeysPerRule of them).
func (c *Checker) lookup(h hit) *found {
	kb := c.findingKey(h)
	fd := c.found[string(kb)]
	if fd == nil && c.perRule[h.id] >= maxKeysPerRule {
		k := h.id + "\x00\x00other"
		if fd = c.found[k]; fd == nil {
			id := strings.Clone(h.id)
			fd = &found{order: c.order, f: Finding{ID: id, Key: "other", Severity: h.severity,
				Title: "More findings of this kind", Explanation: fmt.Sprintf("More than %d distinct cases of %s; the rest are counted here.", maxKeysPerRule, id),
				Remedy: "See the findings of this id above; the JSON output lists the sessions.", Link: "https://learn.microsoft.com/en-us/exchange/mail-flow/connectors/protocol-logging"}}
			c.order++
			c.found[k] = fd
		}
	}
	if fd == nil {
		id := strings.Clone(h.id)
		c.perRule[id]++
		title, expl, remedy, link := h.describe()
		fd = &found{order: c.order, f: Finding{ID: id, Key: h.key + h.key2, Severity: h.severity, Title: title,
			Explanation: expl, Remedy: remedy, Link: link}}
		c.order++
		c.found[string(c.findingKey(h))] = fd
	}
	return fd
}

// recentHit is a finding recently hit, by its rule's id and keys.
type recentHit struct {
	id, key, key2 string
	fd            *found
}

// recentFound returns h's finding if it is among the last few hit:
// sessions hit the same few findings one after another, and comparing
// their keys (the same strings, mostly) costs less than building and
// hashing one.
func (c *Checker) recentFound(h hit) *found {
	for i := range c.recent {
		r := &c.recent[i]
		if r.fd != nil && r.id == h.id && r.key == h.key && r.key2 == h.key2 {
			return r.fd
		}
	}
	return nil
}

// findingKey builds the key of h's finding in c.found: the id, a zero
// byte, the key (key and key2 joined).
func (c *Checker) findingKey(h hit) []byte {
	k := append(c.key.of(h.id, h.key), h.key2...)
	c.key = k
	return k
}

// Findings returns what was found, worst first, and the checks that could
// not run.
func (c *Checker) Findings() ([]Finding, []Skipped) {
	c.usageFindings()
	c.midwayFindings()
	var out []Finding
	var orders []int
	for _, fd := range c.found {
		f := fd.f
		if f.ID == "certificate-changed" && fd.track != nil {
			if !fd.track.describe(&f) {
				continue
			}
		}
		if f.Sessions > 0 {
			f.Explanation = strings.TrimSpace(f.Explanation + " " + sessionsSentence(f))
		}
		out = append(out, f)
		orders = append(orders, fd.order)
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	rank := map[string]int{}
	for i, r := range rules {
		rank[r.id] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := out[idx[a]], out[idx[b]]
		if x.Severity != y.Severity {
			return x.Severity > y.Severity
		}
		if rank[x.ID] != rank[y.ID] {
			return rank[x.ID] < rank[y.ID]
		}
		if x.Sessions != y.Sessions {
			return x.Sessions > y.Sessions
		}
		return orders[idx[a]] < orders[idx[b]]
	})
	sorted := make([]Finding, len(out))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted, c.skipped()
}

// SetFiles tells the checker which files are read, in order, so that it
// can tell missing logs: rollover numbers that are absent
// (SEND2024030520-1 and -3 but no -2), and sessions that began in a file
// before the first one given. Call it before Check.
func (c *Checker) SetFiles(names []string) {
	type series struct {
		dir, prefix, stamp string
		ns                 map[int]bool
		max                int
	}
	all := map[string]*series{}
	var order []string
	for _, n := range names {
		src := SourceOf(n)
		if _, ok := c.firstFile[src.Key]; !ok {
			c.firstFile[src.Key] = n
		}
		fn, ok := ParseFileName(n)
		if !ok {
			continue
		}
		k := src.Key + "\x00" + fn.Prefix + fn.Stamp
		sr := all[k]
		if sr == nil {
			sr = &series{dir: src.Key, prefix: fn.Prefix, stamp: fn.Stamp, ns: map[int]bool{}}
			all[k] = sr
			order = append(order, k)
		}
		sr.ns[fn.N] = true
		sr.max = max(sr.max, fn.N)
	}
	for _, k := range order {
		sr := all[k]
		var missing []string
		for n := 1; n < sr.max; n++ {
			if !sr.ns[n] {
				missing = append(missing, fmt.Sprintf("%s%s-%d.LOG", sr.prefix, sr.stamp, n))
			}
		}
		if len(missing) == 0 {
			continue
		}
		sr2 := sr
		c.record(nil, hitOf("missing-logs", "gap:"+k, Warning, nil, func() (string, string, string, string) {
			shown := missing
			if len(shown) > 10 {
				shown = append(shown[:10:10], fmt.Sprintf("and %d more", len(missing)-10))
			}
			expl := fmt.Sprintf("In %s the files of %s%s run to -%d, but %s %s not among the inputs: sessions in them are missing, and sessions that span them are cut in two (reported as incomplete).",
				sr2.dir, sr2.prefix, sr2.stamp, sr2.max, strings.Join(shown, ", "), map[bool]string{true: "is", false: "are"}[len(missing) == 1])
			return "Log files are missing from a rollover series", expl,
				"Collect every file of the series (circular logging may have deleted old ones: raise the send connector log's maximum directory size or age with Set-TransportService -SendProtocolLogMaxDirectorySize / -SendProtocolLogMaxAge).",
				"https://learn.microsoft.com/en-us/exchange/mail-flow/connectors/configure-protocol-logging"
		}))
	}
}

func (c *Checker) skipped() []Skipped {
	var out []Skipped
	if !c.cfg.HaveInbound {
		out = append(out,
			Skipped{ID: "cert-name-mismatch", Flag: "--connectors", Reason: "comparing the presented certificate with your inbound connectors' TlsSenderCertificateName needs the Get-InboundConnector export"},
			Skipped{ID: "sender-ip-not-in-connector", Flag: "--connectors", Reason: "checking the sending IP against SenderIPAddresses needs the Get-InboundConnector export"})
	}
	if !c.cfg.HaveDomains {
		out = append(out, Skipped{ID: "cert-domain-not-accepted", Flag: "--accepted-domains", Reason: "checking certificate names against your accepted domains needs the Get-AcceptedDomain export"})
	}
	if !c.cfg.HaveSend {
		out = append(out, Skipped{ID: "legacy-smart-host", Flag: "--send-connectors", Reason: "only the banners in the logs were checked; checking your send connectors' smart hosts needs the Get-SendConnector export"})
	}
	if !c.cfg.HaveCerts {
		out = append(out, Skipped{ID: "certificate-expiring", Flag: "--certificates", Reason: "only certificates whose dates the logs carry (one-row layout) were checked; the Get-ExchangeCertificate export covers the rest"})
	}
	return out
}

// sessionsSentence sums up the sessions of a finding.
func sessionsSentence(f Finding) string {
	if f.Sessions == 1 {
		return fmt.Sprintf("Seen in 1 session (%s) at %s UTC.", f.SessionIDs[0], f.First.UTC().Format("2006-01-02 15:04:05"))
	}
	return fmt.Sprintf("Seen in %d sessions from %s to %s UTC.", f.Sessions,
		f.First.UTC().Format("2006-01-02 15:04:05"), f.Last.UTC().Format("2006-01-02 15:04:05"))
}

// ---- helpers shared by the rules ----

// toEXO reports whether a session went to Exchange Online: its banner or
// remote certificate names an Exchange Online host, its remote address is
// in Exchange Online Protection's ranges, its connector is the Office 365
// one, or (with --send-connectors) its send connector's smart host is an
// Exchange Online host.
func (c *Checker) toEXO(s *Session) bool {
	if c.cur.s == s {
		if !c.cur.exoKnown {
			c.cur.exo, c.cur.exoKnown = c.toEXOUncached(s), true
		}
		return c.cur.exo
	}
	return c.toEXOUncached(s)
}

// sessionFacts are what several rules ask of the session being checked,
// worked out once.
type sessionFacts struct {
	s         *Session
	exo       bool
	exoKnown  bool
	conn      string // the connector's name in lower case
	connKnown bool
	ids       []string // the finding ids so far
	attr      attributionReplies
	attrKnown bool
}

// matchKey names a certificate (by thumbprint: one certificate, one set
// of names) and whether accepted domains count, for the match cache.
type matchKey struct {
	thumbprint string
	domains    bool
	n          int    // the names looked up (a session may have logged
	first      string // fewer of them, or have them from the export)
}

// maxCached bounds the match and coverage caches (hostile input can
// present any number of certificates).
const maxCached = 1024

// match is MatchCertificate against the inbound connectors, worked out
// once per certificate: most sessions present the same one.
func (c *Checker) match(s *Session, names []string, domains []parser.AcceptedDomain) CertMatch {
	if s.LocalCert == nil || s.LocalCert.Thumbprint == "" || len(names) == 0 {
		return MatchCertificate(names, c.cfg.Inbound, domains)
	}
	k := matchKey{s.LocalCert.Thumbprint, domains != nil, len(names), names[0]}
	if c.lastMatch.ok && c.lastMatch.k == k {
		return c.lastMatch.m
	}
	m, ok := c.matches[k]
	if !ok {
		m = MatchCertificate(names, c.cfg.Inbound, domains)
		if len(c.matches) >= maxCached {
			clear(c.matches)
		}
		c.matches[k] = m
	}
	c.lastMatch.k, c.lastMatch.m, c.lastMatch.ok = k, m, true
	return m
}

// coverage is AcceptedCoverage against the accepted domains, cached.
func (c *Checker) coverage(name string) Coverage {
	if cov, ok := c.coverages[name]; ok {
		return cov
	}
	cov := AcceptedCoverage(name, c.cfg.Domains)
	if len(c.coverages) >= maxCached {
		clear(c.coverages)
	}
	c.coverages[name] = cov
	return cov
}

// connLower returns the session's connector name in lower case.
func (c *Checker) connLower(s *Session) string {
	if c.cur.s == s {
		if !c.cur.connKnown {
			c.cur.conn, c.cur.connKnown = strings.ToLower(s.Connector), true
		}
		return c.cur.conn
	}
	return strings.ToLower(s.Connector)
}

func (c *Checker) toEXOUncached(s *Session) bool {
	if s.LogType == parser.LogReceive {
		return false
	}
	if IsEXOHost(s.RemoteHost) || IsEOPAddress(s.Remote) {
		return true
	}
	if rc := s.RemoteCert; rc != nil {
		if IsEXOHost(strings.TrimPrefix(CommonName(rc.Subject), "*.")) {
			return true
		}
		for _, n := range rc.SANs {
			if IsEXOHost(strings.TrimPrefix(n, "*.")) {
				return true
			}
		}
	}
	if sc := c.sendByName[c.connLower(s)]; sc != nil {
		if sc.CloudServicesMailEnabled {
			return true
		}
		for _, h := range sc.SmartHosts {
			if IsEXOHost(h) {
				return true
			}
		}
	}
	l := c.connLower(s)
	return strings.Contains(l, "office 365") || strings.Contains(l, "exchange online") || strings.Contains(l, "o365")
}

// localNames returns the DNS names of the certificate a session presented,
// filled from the --certificates export when the log has only a thumbprint.
// The names of the last certificate are remembered (lastNames), which
// serves every check of a session and most of the next sessions.
func (c *Checker) localNames(s *Session) []string {
	cert := s.LocalCert
	if cert == nil {
		return nil
	}
	if !c.lastNames.is(cert) {
		c.lastNames = lastNames{subject: cert.Subject, thumbprint: cert.Thumbprint, sans: cert.SANs, names: c.certNames(s), ok: true}
	}
	return c.lastNames.names
}

// lastNames remembers the names of the last certificate localNames read:
// most sessions of a server present the same one, and its subject and
// SANs are the interner's, so mostly the same strings and slice (but the
// SANs of the one-row and the multi-row layout are two slices alike). It
// keeps sans, so that slice's memory cannot be another certificate's.
type lastNames struct {
	subject, thumbprint string
	sans                []string
	names               []string
	ok                  bool
	// namesCovered's answer for names, once known
	covKnown, covered bool
	first             Coverage
	firstName         string
}

func (l *lastNames) is(c *Certificate) bool {
	return l.ok && l.subject == c.Subject && l.thumbprint == c.Thumbprint &&
		len(l.sans) == len(c.SANs) && (len(l.sans) == 0 || &l.sans[0] == &c.SANs[0] || slices.Equal(l.sans, c.SANs))
}

// certNames returns the names s's certificate carries, or those the
// certificates export lists for its thumbprint.
func (c *Checker) certNames(s *Session) []string {
	names := CertNames(s.LocalCert)
	if len(names) == 0 && s.LocalCert != nil {
		if x := c.certs[s.LocalCert.Thumbprint]; x != nil {
			names = append([]string{CommonName(x.Subject)}, x.CertificateDomains...)
		}
	}
	var out []string
	for _, n := range names {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// certLines are the rows that describe the certificate a session presented.
func certLines(c *Certificate) []Line {
	if c == nil {
		return nil
	}
	var subj, thumb, san, first []Line
	for _, l := range c.Rows {
		switch {
		case strings.Contains(l.Raw, "Certificate subject"):
			subj = append(subj, l)
		case strings.Contains(l.Raw, "Certificate thumbprint"):
			thumb = append(thumb, l)
		case strings.Contains(l.Raw, "Certificate alternate names"):
			san = append(san, l)
		case len(first) == 0:
			first = append(first, l)
		}
	}
	out := append(subj, san...)
	out = append(out, thumb...)
	if len(out) == 0 {
		out = first
	}
	return out
}

func replyLine(r *Reply) Line { return Line{Pos: r.Pos, Raw: r.Raw} }

func replyString(r *Reply) string {
	return strings.TrimSpace(fmt.Sprintf("%d %s %s", r.Code, r.Enhanced, r.Text))
}

func certDesc(cert *Certificate, names []string) string {
	if cert == nil {
		return "no certificate"
	}
	var b strings.Builder
	if cert.Subject != "" {
		b.WriteString(cert.Subject)
	} else {
		b.WriteString("a certificate")
	}
	if len(cert.SANs) > 0 {
		fmt.Fprintf(&b, " (names %s)", strings.Join(cert.SANs, ", "))
	} else if len(names) > 0 && cert.Subject == "" {
		fmt.Fprintf(&b, " (names %s, from the certificate export)", strings.Join(names, ", "))
	}
	if cert.Thumbprint != "" {
		fmt.Fprintf(&b, ", thumbprint %s", cert.Thumbprint)
	}
	return b.String()
}

func where(s *Session) string {
	src := Source{Key: s.Source, Server: s.Server, Service: s.Service}.Label()
	if s.Connector == "" {
		return src
	}
	return fmt.Sprintf("connector %q on %s", s.Connector, src)
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = `"` + x + `"`
	}
	return strings.Join(q, ", ")
}
