package analyze

import (
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/logscan/logscan/parser"
)

// This file holds the checks listed in rules (check.go). Each writes its
// explanation from the first session that shows the problem, naming the
// actual certificate, connector, address and reply; the remedies are
// logscan's own words, with a link to Microsoft's article.

// attributionReplies are a session's first failure replies of each kind
// the attribution rules look for.
type attributionReplies struct {
	attr35, attr36, tenant *Reply
}

// note takes r, a failure reply, if it is the first of its kinds.
func (a *attributionReplies) note(r *Reply) {
	k := attrKindOf(r)
	if a.attr35 == nil && k.attr35 {
		a.attr35 = r
	}
	if a.attr36 == nil && k.attr36 {
		a.attr36 = r
	}
	if a.tenant == nil && k.tenant {
		a.tenant = r
	}
}

// attribution finds them once per session: those among the replies, noted
// as the session was read (Session.attr), then the final reply.
func (c *Checker) attribution(s *Session) attributionReplies {
	if c.cur.s == s && c.cur.attrKnown {
		return c.cur.attr
	}
	a := s.attr
	if !s.state.noted { // a Session made otherwise
		for i := range s.Replies {
			if r := &s.Replies[i]; r.Code >= 400 {
				a.note(r)
			}
		}
	}
	if r := s.Final; r != nil && r.Code >= 400 {
		a.note(r)
	}
	if c.cur.s == s {
		c.cur.attr, c.cur.attrKnown = a, true
	}
	return a
}

// attrKind is which attribution failure a reply is (ATTR35 and a
// TenantAttribution may be the same reply; ATTR36 is never a
// TenantAttribution).
type attrKind struct{ attr35, attr36, tenant bool }

func attrKindOf(r *Reply) attrKind {
	m := attrMarks(r.Text)
	return attrKind{
		attr35: r.Enhanced == "4.4.62" || m&markATTR35 != 0,
		attr36: m&markATTR36 != 0,
		tenant: m&markATTR36 == 0 && (m&markTenant != 0 || (r.Enhanced == "5.7.64" && m&markATTR == 0)),
	}
}

func (k attrKind) any() bool { return k.attr35 || k.attr36 || k.tenant }

// What attrMarks finds in a reply text, ignoring ASCII case.
const (
	markATTR   = 1 << iota // "ATTR" anywhere
	markATTR35             // "ATTR35"
	markATTR36             // "ATTR36"
	markTenant             // "TenantAttribution"
)

// attrMarks looks for the words of the attribution rules in one pass over
// s (each failure reply of every session goes through it): every one of
// them has "attr" in it. It finds each 'r' (or 'R') eight bytes at a time
// and looks at the letters before it: failure texts are English, with an
// 'a' in most runs of eight bytes but an 'r' in few.
func attrMarks(s string) int {
	const low7 = 0x7f7f7f7f7f7f7f7f
	m := 0
	i := 3 // an 'r' ends "attr": three letters come before it
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		x := (w | 0x2020202020202020) ^ 0x7272727272727272 // a zero byte where 'r' or 'R' was
		// The high bit of each zero byte of x, exactly (no borrow crosses
		// bytes): those are the r's.
		for r := ^((x&low7 + low7) | x | low7); r != 0; r &= r - 1 {
			m |= attrAt(s, i+bits.TrailingZeros64(r)>>3)
		}
	}
	for ; i < len(s); i++ {
		if s[i]|0x20 == 'r' {
			m |= attrAt(s, i)
		}
	}
	return m
}

// attrAt returns the marks of the word at the 'r' s[j] (j >= 3) ends, if
// it ends "attr".
func attrAt(s string, j int) int {
	if s[j-3]|0x20 != 'a' || s[j-2]|0x20 != 't' || s[j-1]|0x20 != 't' {
		return 0
	}
	m := markATTR
	i, rest := j-3, s[j+1:]
	if len(rest) >= 2 && rest[0] == '3' && (rest[1] == '5' || rest[1] == '6') {
		if rest[1] == '5' {
			m |= markATTR35
		} else {
			m |= markATTR36
		}
	} else if i >= 6 && strings.EqualFold(s[i-6:i], "tenant") && len(rest) >= 7 && strings.EqualFold(rest[:7], "ibution") {
		m |= markTenant
	}
	return m
}

// certContext describes what the session presented, for explanations.
func (c *Checker) certContext(s *Session) string {
	names := c.localNames(s)
	var b strings.Builder
	if s.LocalCert == nil {
		b.WriteString("The session logged no \"Sending certificate\" rows: this server presented no certificate")
	} else {
		fmt.Fprintf(&b, "This server presented %s", certDesc(s.LocalCert, names))
	}
	if s.SeenIP != "" {
		fmt.Fprintf(&b, ", from the address Exchange Online saw as %s", s.SeenIP)
	}
	b.WriteString(".")
	return b.String()
}

// attributionContext says how rule 1 and 2 came out, when --connectors
// was given.
func (c *Checker) attributionContext(s *Session) string {
	if !c.cfg.HaveInbound {
		return "Run logscan with --connectors (Get-InboundConnector | ConvertTo-Json) and --accepted-domains to see which connector should have matched."
	}
	names := c.localNames(s)
	var doms []parser.AcceptedDomain
	if c.cfg.HaveDomains {
		doms = c.cfg.Domains
	}
	m := c.match(s, names, doms)
	switch {
	case m.Connector != nil && (doms == nil || m.Coverage.Covered):
		return fmt.Sprintf("By the exports, inbound connector \"%s\" (TlsSenderCertificateName \"%s\") does match this certificate, so attribution should work now: if the exports were taken after the failures, the connector may already have been fixed.",
			m.Connector.Name, m.Connector.TLSSenderCertificateName)
	case m.Connector != nil:
		return fmt.Sprintf("Inbound connector \"%s\" matches the certificate by name (\"%s\"), but that name is not under an accepted domain, so Exchange Online will not use it.",
			m.Connector.Name, m.Connector.TLSSenderCertificateName)
	}
	var b strings.Builder
	if len(names) == 0 {
		b.WriteString("No certificate name could be compared with the inbound connectors.")
	} else {
		fmt.Fprintf(&b, "No enabled OnPremises inbound connector has a TlsSenderCertificateName among the certificate's lookup names (%s).", strings.Join(m.Keys, ", "))
	}
	if expect := onPremNames(c.cfg.Inbound); len(expect) > 0 {
		fmt.Fprintf(&b, " Your OnPremises connectors expect %s.", strings.Join(expect, "; "))
	}
	if ip := MatchIP(s.SeenIP, c.ipConns); ip != nil {
		fmt.Fprintf(&b, " The address %s is in the SenderIPAddresses of \"%s\", so the message can only be attributed by IP, which requires its MAIL FROM domain to be accepted.", s.SeenIP, ip.Name)
	}
	return b.String()
}

func onPremNames(conns []parser.InboundConnector) []string {
	var out []string
	for _, c := range conns {
		if !strings.EqualFold(c.Type, "OnPremises") {
			continue
		}
		state := ""
		if !c.Enabled {
			state = ", disabled"
		}
		switch {
		case c.TLSSenderCertificateName != "":
			out = append(out, fmt.Sprintf("\"%s\": certificate \"%s\"%s", c.Name, c.TLSSenderCertificateName, state))
		case len(c.SenderIPAddresses) > 0:
			out = append(out, fmt.Sprintf("\"%s\": IP addresses %s%s", c.Name, strings.Join(c.SenderIPAddresses, ", "), state))
		}
	}
	return out
}

// suggestName proposes a TlsSenderCertificateName for a certificate: a
// "*.domain" key covered by an accepted domain, else the CN.
func (c *Checker) suggestName(s *Session) string {
	names := c.localNames(s)
	keys := CertLookupKeys(names)
	if c.cfg.HaveDomains {
		for _, k := range keys {
			if strings.HasPrefix(k, "*.") && c.coverage(k).Covered {
				return k
			}
		}
		for _, k := range keys {
			if c.coverage(k).Covered {
				return k
			}
		}
	}
	for _, k := range keys {
		if strings.HasPrefix(k, "*.") {
			return k
		}
	}
	if len(keys) > 0 {
		return keys[0]
	}
	return "<certificate name>"
}

func (c *Checker) inboundName() string {
	for _, x := range c.cfg.Inbound {
		if x.Enabled && strings.EqualFold(x.Type, "OnPremises") {
			return x.Name
		}
	}
	return "Inbound from <GUID>"
}

func checkATTR35(c *Checker, s *Session) {
	r := c.attribution(s).attr35
	if r == nil {
		return
	}
	c.hit(hitWith("attr35-wrong-region", "", Error, r, s.LocalCert, func() (string, string, string, string) {
		info := ExplainReply(r.Code, r.Enhanced, r.Text)
		expl := fmt.Sprintf("Exchange Online deferred mail from %s with \"%s\": it took the message as sent to a region that does not host your organisation. %s answered. That happens when the smart host or MX is a retired or regional endpoint, or when no inbound connector ties the sending server to your tenant, so the message arrives unattributed.",
			where(s), replyString(r), hostOr(s.RemoteHost, s.Remote))
		if sc := c.sendByName[c.connLower(s)]; sc != nil {
			expl += fmt.Sprintf(" The send connector routes to %s.", strings.Join(sc.SmartHosts, ", "))
		}
		expl += " " + c.certContext(s)
		remedy := "Point the send connector's smart host at your tenant's own endpoint, <your-domain-with-dashes>.mail.protection.outlook.com (for contoso.com: contoso-com.mail.protection.outlook.com), never mail.messaging.microsoft.com, mail.global.frontbridge.com or an IP address; then make sure an OnPremises inbound connector matches this server (certificate name or IP). "
		return "Mail deferred: Exchange Online says it reached the wrong region (451 4.4.62 ATTR35)", expl, remedy, info.Link
	}))
}

func checkTenantAttribution(c *Checker, s *Session) {
	r := c.attribution(s).tenant
	if r == nil {
		return
	}
	c.hit(hitWith("tenant-attribution-denied", "", Error, r, s.LocalCert, func() (string, string, string, string) {
		info := ExplainReply(r.Code, r.Enhanced, r.Text)
		expl := fmt.Sprintf("Exchange Online refused to relay mail from %s with \"%s\": it could not tie the sending server to your organisation through an OnPremises inbound connector, so it treated the mail as coming from the internet. %s %s",
			where(s), replyString(r), c.certContext(s), c.attributionContext(s))
		remedy := fmt.Sprintf("Make the inbound connector match what the server presents: rerun the Hybrid Configuration Wizard and pick the current certificate, or run Set-InboundConnector \"%s\" -TlsSenderCertificateName \"%s\" (the name must be under one of your accepted domains). If the certificate was renewed, also check that the send connector's TlsCertificateName selects it.",
			c.inboundName(), c.suggestName(s))
		return "Relay denied: Exchange Online could not attribute the mail to your tenant (550 5.7.64 TenantAttribution)", expl, remedy, info.Link
	}))
}

func checkATTR36(c *Checker, s *Session) {
	r := c.attribution(s).attr36
	if r == nil {
		return
	}
	c.hit(hitWith("attr36-relay-denied", "", Error, r, s.LocalCert, func() (string, string, string, string) {
		info := ExplainReply(r.Code, r.Enhanced, r.Text)
		from := ""
		for _, m := range s.Messages {
			if m.Reply == r || (m.Reply != nil && m.Reply.Pos == r.Pos) {
				from = m.From
			}
		}
		expl := fmt.Sprintf("Exchange Online refused to relay mail from %s with \"%s\". Since July 2017 it relays mail for senders whose domain is not yours (forwarded mail, bounces with an empty sender) only through a certificate-based OnPremises connector whose certificate name is under one of your accepted domains.",
			where(s), replyString(r))
		if from != "" || r.Command == "RCPT" {
			if from == "" {
				from = "<> (a bounce)"
			}
			expl += fmt.Sprintf(" The refused message's sender was %s.", from)
		}
		expl += " " + c.certContext(s)
		if c.cfg.HaveDomains {
			for _, n := range c.localNames(s) {
				cov := c.coverage(n)
				if !cov.Covered {
					expl += fmt.Sprintf(" The certificate name %s is not under an accepted domain (%s would have to be accepted).", n, cov.Need)
					break
				}
			}
		}
		remedy := "Attribute the server by certificate: the certificate it presents must carry a name under an accepted domain (for host.sub.contoso.com, add sub.contoso.com as an accepted domain, or use a certificate for a name directly under an accepted domain), and an enabled OnPremises inbound connector must have that name as TlsSenderCertificateName. An IP-only connector is not enough for relayed mail."
		return "Relay denied for a sender outside your domains (550 5.7.64 ATTR36)", expl, remedy, info.Link
	}))
}

func checkNoClientCert(c *Checker, s *Session) {
	// Only a logged TLS success proves the handshake finished without a
	// certificate; rows that stop after STARTTLS prove nothing.
	if s.LocalCert != nil || s.TLS == nil || s.TLSError != "" || !c.toEXO(s) {
		return
	}
	lines := []Line{s.TLS.At}
	for i := range s.Replies {
		if s.Replies[i].Command == "STARTTLS" {
			lines = append(lines, replyLine(&s.Replies[i]))
		}
	}
	c.hit(hitOf("no-client-certificate", "", Error, lines, func() (string, string, string, string) {
		expl := fmt.Sprintf("Sessions from %s to Exchange Online (%s) negotiated TLS but logged no \"Sending certificate\" rows: Exchange presented no client certificate, so Exchange Online cannot attribute the mail by certificate and falls back to the IP address, or treats it as internet mail (550 5.7.64 TenantAttribution, ATTR36 or ATTR35).",
			where(s), hostOr(s.RemoteHost, s.Remote))
		if sc := c.sendByName[c.connLower(s)]; sc != nil {
			if sc.TLSCertificateName == "" {
				expl += fmt.Sprintf(" The send connector \"%s\" has no TlsCertificateName.", sc.Name)
			} else {
				expl += fmt.Sprintf(" The send connector \"%s\" asks for %s.", sc.Name, sc.TLSCertificateName)
			}
		}
		remedy := "Set the send connector's TlsCertificateName to the certificate Exchange Online expects: $c = Get-ExchangeCertificate -Thumbprint <thumbprint>; Set-SendConnector \"Outbound to Office 365\" -TlsCertificateName \"<I>$($c.Issuer)<S>$($c.Subject)\". The certificate must be valid, have its private key, and be enabled for SMTP; the connector's Fqdn should be one of its names."
		return "No client certificate presented to Exchange Online", expl, remedy,
			"https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/fix-error-code-5-7-64-in-exchange-online"
	}))
}

func checkCertName(c *Checker, s *Session) {
	if s.LocalCert == nil || !c.toEXO(s) {
		return
	}
	names := c.localNames(s)
	if len(names) == 0 {
		return
	}
	m := c.match(s, names, nil)
	if m.Connector != nil {
		return
	}
	key := s.LocalCert.Thumbprint
	if key == "" {
		key = strings.ToLower(strings.Join(names, ","))
	}
	c.hit(hitWith("cert-name-mismatch", key, Error, nil, s.LocalCert, func() (string, string, string, string) {
		expl := fmt.Sprintf("%s sent to Exchange Online presenting %s. Exchange Online looks for an enabled OnPremises inbound connector whose TlsSenderCertificateName is one of %s; none is.",
			capitalize(where(s)), certDesc(s.LocalCert, names), quoteList(m.Keys))
		if expect := onPremNames(c.cfg.Inbound); len(expect) > 0 {
			expl += " Your OnPremises connectors expect " + strings.Join(expect, "; ") + "."
		} else {
			expl += " The export has no OnPremises inbound connector at all."
		}
		for _, n := range m.Near {
			why := "is disabled"
			if !strings.EqualFold(n.Type, "OnPremises") {
				why = "is a " + n.Type + " connector, which never attributes mail as your own"
			}
			expl += fmt.Sprintf(" Connector \"%s\" names \"%s\" but %s.", n.Name, n.TLSSenderCertificateName, why)
		}
		remedy := fmt.Sprintf("Either update the connector to the certificate (rerun the Hybrid Configuration Wizard and select it, or Set-InboundConnector \"%s\" -TlsSenderCertificateName \"%s\"), or make the send connector present the certificate the connector names (Set-SendConnector -TlsCertificateName \"<I>issuer<S>subject\").",
			c.inboundName(), c.suggestName(s))
		return "The certificate presented matches no inbound connector", expl, remedy,
			"https://learn.microsoft.com/en-us/exchange/troubleshoot/connectors/relay-access-denied-smtp"
	}))
}

func checkCertDomain(c *Checker, s *Session) {
	if s.LocalCert == nil || !c.toEXO(s) {
		return
	}
	names := c.localNames(s)
	if len(names) == 0 {
		return
	}
	covered, first, firstName := c.namesCovered(names)
	if !covered {
		h := hitWith("cert-domain-not-accepted", "cert:", Error, nil, s.LocalCert, func() (string, string, string, string) {
			expl := fmt.Sprintf("%s presented %s, but none of its names is under one of your accepted domains (%s). Exchange Online attributes by certificate only through a name under an accepted domain, and answers relayed mail with 550 5.7.64 ATTR36 otherwise.",
				capitalize(where(s)), certDesc(s.LocalCert, names), acceptedList(c.cfg.Domains))
			if first.Domain != "" {
				expl += fmt.Sprintf(" %s lies under %s, but deeper than a host directly under it.", firstName, first.Domain)
			}
			remedy := fmt.Sprintf("Add %s as an accepted domain in Exchange Online (and verify it), or present a certificate whose name is directly under an accepted domain; then rerun the Hybrid Configuration Wizard so the inbound connector follows.", first.Need)
			return "The certificate's names are not under an accepted domain", expl, remedy,
				"https://learn.microsoft.com/en-us/exchange/troubleshoot/hybrid-configuration-wizard-errors/relay-access-denied-attr36-ndr"
		})
		h.key2 = s.LocalCert.Thumbprint
		c.hit(h)
	}
	if c.cfg.HaveInbound {
		m := c.match(s, names, c.cfg.Domains)
		if m.Connector != nil && !m.Coverage.Covered {
			conn := m.Connector
			cov := m.Coverage
			c.hit(hitWith("cert-domain-not-accepted", "connector:"+conn.Name, Error, nil, s.LocalCert, func() (string, string, string, string) {
				expl := fmt.Sprintf("Inbound connector \"%s\" has TlsSenderCertificateName \"%s\", which the certificate matches, but \"%s\" is not under one of your accepted domains (%s), so Exchange Online ignores the match.",
					conn.Name, conn.TLSSenderCertificateName, conn.TLSSenderCertificateName, acceptedList(c.cfg.Domains))
				remedy := fmt.Sprintf("Add %s as an accepted domain, or set the connector's TlsSenderCertificateName to a name under an accepted domain that the certificate also carries (Set-InboundConnector \"%s\" -TlsSenderCertificateName \"%s\").",
					cov.Need, conn.Name, c.suggestName(s))
				return "An inbound connector's certificate name is not under an accepted domain", expl, remedy,
					"https://learn.microsoft.com/en-us/exchange/troubleshoot/hybrid-configuration-wizard-errors/relay-access-denied-attr36-ndr"
			}))
		}
	}
}

func acceptedList(ds []parser.AcceptedDomain) string {
	var names []string
	for _, d := range ds {
		names = append(names, d.DomainName)
	}
	if len(names) == 0 {
		return "the export lists none"
	}
	if len(names) > 8 {
		return strings.Join(names[:8], ", ") + fmt.Sprintf(" and %d more", len(names)-8)
	}
	return strings.Join(names, ", ")
}

func checkSenderIP(c *Checker, s *Session) {
	if len(c.ipConns) == 0 || s.SeenIP == "" || !c.toEXO(s) {
		return
	}
	if names := c.localNames(s); len(names) > 0 {
		if m := c.match(s, names, nil); m.Connector != nil {
			return // attributed by certificate
		}
	}
	if c.matchIP(s.SeenIP) != nil {
		return
	}
	sev := Warning
	if s.Outcome == Rejected || s.Outcome == Deferred {
		sev = Error
	}
	c.hit(hitOf("sender-ip-not-in-connector", s.SeenIP, sev, []Line{s.SeenIPAt}, func() (string, string, string, string) {
		var ranges []string
		for _, ic := range c.ipConns {
			ranges = append(ranges, fmt.Sprintf("\"%s\": %s", ic.Name, strings.Join(ic.SenderIPAddresses, ", ")))
		}
		expl := fmt.Sprintf("Exchange Online saw %s connect from %s (its EHLO reply says \"Hello [%s]\"), and the certificate matched no connector, so it tried your IP-based OnPremises connectors; the address is in none of them (%s).",
			where(s), s.SeenIP, s.SeenIP, strings.Join(ranges, "; "))
		remedy := fmt.Sprintf("If %s is your server's public address now (a new firewall, NAT or ISP), add it: Set-InboundConnector \"%s\" -SenderIPAddresses @{Add=\"%s\"}. Better, attribute by certificate, which survives address changes.",
			s.SeenIP, c.ipConns[0].Name, s.SeenIP)
		return "The sending IP address is in no inbound connector", expl, remedy,
			"https://learn.microsoft.com/en-us/exchange/troubleshoot/connectors/relay-access-denied-smtp"
	}))
}

func checkLegacyHost(c *Checker, s *Session) {
	if !IsLegacyHost(s.RemoteHost) {
		return
	}
	var lines []Line
	for i := range s.Replies {
		if s.Replies[i].Command == "connect" {
			lines = append(lines, replyLine(&s.Replies[i]))
		}
	}
	host := strings.ToLower(s.RemoteHost)
	c.hit(hitOf("legacy-smart-host", "host:"+host, Error, lines, func() (string, string, string, string) {
		expl := fmt.Sprintf("%s delivered to %s, a retired Office 365 endpoint. Mail sent there can reach a region that does not host your tenant and is deferred with 451 4.4.62 ATTR35.", capitalize(where(s)), s.RemoteHost)
		return "Mail goes to a legacy Office 365 endpoint", expl, legacyRemedy(), attr35Link
	}))
}

const attr35Link = "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/wrong-office-365-region-exo"

func legacyRemedy() string {
	return "Use your tenant's own endpoint as smart host (and MX): <your-domain-with-dashes>.mail.protection.outlook.com, or the initial domain <tenant>.mail.onmicrosoft.com for hybrid; for example Set-SendConnector \"Outbound to Office 365\" -SmartHosts contoso-com.mail.protection.outlook.com. Never use mail.messaging.microsoft.com, mail.global.frontbridge.com or Office 365 IP addresses."
}

// configFindings checks the exports on their own: send connectors that
// route to legacy endpoints or IP addresses, and inbound connectors whose
// certificate name is under no accepted domain. Sessions of such a send
// connector carry the finding too.
func (c *Checker) configFindings() {
	for i := range c.cfg.SendConnectors {
		sc := &c.cfg.SendConnectors[i]
		var bad, kinds []string
		for _, h := range sc.SmartHosts {
			hh := strings.Trim(strings.TrimSpace(h), "[]")
			switch {
			case IsLegacyHost(hh):
				bad, kinds = append(bad, h), append(kinds, "a retired Office 365 endpoint")
			case IsEOPAddress(hh):
				bad, kinds = append(bad, h), append(kinds, "an Office 365 IP address rather than a host name")
			}
		}
		if len(bad) == 0 {
			continue
		}
		h := hitOf("legacy-smart-host", "connector:"+strings.ToLower(sc.Name), Error, nil, func() (string, string, string, string) {
			var what []string
			for i := range bad {
				what = append(what, bad[i]+" ("+kinds[i]+")")
			}
			expl := fmt.Sprintf("Send connector \"%s\" (%s:%d) uses %s as smart host. Mail routed that way can reach a region that does not host your tenant and is deferred with 451 4.4.62 ATTR35.",
				sc.Name, sc.File, sc.Line, strings.Join(what, ", "))
			return "A send connector routes to a legacy Office 365 endpoint", expl, legacyRemedy(), attr35Link
		})
		c.config = append(c.config, h)
		c.record(nil, h)
	}
	if c.cfg.HaveInbound && c.cfg.HaveDomains {
		for i := range c.cfg.Inbound {
			ic := &c.cfg.Inbound[i]
			if !ic.Enabled || !strings.EqualFold(ic.Type, "OnPremises") || ic.TLSSenderCertificateName == "" {
				continue
			}
			cov := AcceptedCoverage(ic.TLSSenderCertificateName, c.cfg.Domains)
			if cov.Covered {
				continue
			}
			c.record(nil, hitOf("cert-domain-not-accepted", "connector:"+ic.Name, Error, nil, func() (string, string, string, string) {
				expl := fmt.Sprintf("Inbound connector \"%s\" (%s:%d) has TlsSenderCertificateName \"%s\", which is not under one of your accepted domains (%s); Exchange Online will not attribute mail by that name.",
					ic.Name, ic.File, ic.Line, ic.TLSSenderCertificateName, acceptedList(c.cfg.Domains))
				remedy := fmt.Sprintf("Add %s as an accepted domain, or change the connector to a certificate name under an accepted domain (Set-InboundConnector \"%s\" -TlsSenderCertificateName \"*.<accepted domain>\") and present a certificate that carries it.",
					cov.Need, ic.Name)
				return "An inbound connector's certificate name is not under an accepted domain", expl, remedy,
					"https://learn.microsoft.com/en-us/exchange/troubleshoot/hybrid-configuration-wizard-errors/relay-access-denied-attr36-ndr"
			}))
		}
	}
}

func checkTLSFailed(c *Checker, s *Session) {
	if s.TLSError == "" {
		return
	}
	h := hitWith("tls-negotiation-failed", s.TLSError, Error, nil, s.LocalCert, func() (string, string, string, string) {
		info := ExplainTLSError(s.TLSError)
		expl := fmt.Sprintf("TLS negotiation from %s to %s failed with error %s: %s", where(s), hostOr(s.RemoteHost, s.Remote), s.TLSError, info.Meaning)
		if info.Cause != "" {
			expl += " " + info.Cause
		}
		if s.LocalCert != nil {
			expl += fmt.Sprintf(" The certificate offered was %s.", certDesc(s.LocalCert, nil))
		}
		return "TLS negotiation failed (" + s.TLSError + ")", expl, info.Remedy, info.Link
	})
	h.lines = []Line{s.TLSErrorAt}
	c.hit(h)
}

func checkStartTLS(c *Checker, s *Session) {
	var what string
	switch {
	case s.LogType != parser.LogReceive && s.StartTLS == TLSNotOffered:
		what = "did not offer STARTTLS"
	case s.LogType != parser.LogReceive && s.StartTLS == TLSRefused:
		what = "refused STARTTLS"
	case s.LogType == parser.LogReceive && s.StartTLS == TLSNotOffered:
		what = "receive-offered-none"
	default:
		return
	}
	var lines []Line
	for i := range s.Replies {
		if cmd := s.Replies[i].Command; cmd == "EHLO" || cmd == "STARTTLS" {
			lines = append(lines, replyLine(&s.Replies[i]))
		}
	}
	key := s.LogType.String() + ":" + strings.ToLower(hostOr(s.RemoteHost, s.Remote)) + ":" + what
	if s.LogType == parser.LogReceive {
		key = "receive:" + s.Connector
	}
	c.hit(hitOf("starttls-unavailable", key, Warning, lines, func() (string, string, string, string) {
		if what == "receive-offered-none" {
			expl := fmt.Sprintf("Receive connector \"%s\" did not offer STARTTLS in its EHLO reply: it has no usable certificate, or TLS is turned off. Senders that require TLS, such as Exchange Online's hybrid outbound connector, cannot deliver (450 4.4.317 ... STARTTLS is required).", s.Connector)
			return "STARTTLS not offered by this server", expl,
				"Assign a valid certificate with the SMTP service (Enable-ExchangeCertificate -Services SMTP) and check the receive connector's AuthMechanism includes Tls and its Fqdn matches a certificate name.",
				"https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/fix-error-code-450-4-4-317-in-exchange-online"
		}
		expl := fmt.Sprintf("%s: the remote %s %s, so the session went unencrypted or was dropped, and no certificate could be presented.", capitalize(where(s)), hostOr(s.RemoteHost, s.Remote), what)
		return "STARTTLS unavailable at the remote", expl,
			"Check the remote side's TLS configuration; if the connector requires TLS (RequireTLS), mail to that host will queue until it offers STARTTLS.",
			"https://learn.microsoft.com/en-us/exchange/mail-flow/connectors/configure-protocol-logging"
	}))
}

func checkConnect(c *Checker, s *Session) {
	if s.ConnectError == "" {
		return
	}
	code := winsockCode(s.ConnectError)
	dest := field(s.ConnectError, "Destination domain:")
	c.hit(hitOf("connect-failed", strconv.Itoa(code)+":"+strings.ToLower(s.Remote), Warning, []Line{s.ConnectErrorAt}, func() (string, string, string, string) {
		info := ExplainWinsock(code)
		expl := fmt.Sprintf("%s could not connect to %s", capitalize(where(s)), s.Remote)
		if dest != "" {
			expl += " for " + dest
		}
		expl += fmt.Sprintf(": Winsock error %d. %s", code, info.Meaning)
		if info.Cause != "" {
			expl += " " + info.Cause
		}
		return fmt.Sprintf("Connection failed (Winsock %d)", code), expl, info.Remedy, info.Link
	}))
}

// winsockCode finds "Winsock error code: 10060" in a connect error.
func winsockCode(s string) int {
	v := field(s, "Winsock error code:")
	n, _ := strconv.Atoi(v)
	return n
}

// field returns the text after label up to the next comma.
func field(s, label string) string {
	i := strings.Index(s, label)
	if i < 0 {
		return ""
	}
	rest := strings.TrimSpace(s[i+len(label):])
	if j := strings.IndexByte(rest, ','); j >= 0 {
		rest = rest[:j]
	}
	return strings.TrimSpace(rest)
}

func checkExpiry(c *Checker, s *Session) {
	cert := s.LocalCert
	if cert == nil {
		return
	}
	notAfter := cert.NotAfter
	if x := c.certs[cert.Thumbprint]; x != nil && notAfter.IsZero() {
		notAfter = x.NotAfter
	}
	if notAfter.IsZero() {
		return
	}
	left := notAfter.Sub(c.cfg.Now)
	if left > c.cfg.ExpiryWarning {
		return
	}
	sev := Warning
	title := "The certificate presented expires soon"
	if left <= 0 {
		sev, title = Error, "The certificate presented has expired"
	}
	h := hitWith("certificate-expiring", cert.Thumbprint, sev, nil, cert, func() (string, string, string, string) {
		var when string
		if left <= 0 {
			when = fmt.Sprintf("expired on %s", notAfter.UTC().Format("2006-01-02"))
		} else {
			when = fmt.Sprintf("expires on %s, in %d days", notAfter.UTC().Format("2006-01-02"), int(left.Hours()/24))
		}
		expl := fmt.Sprintf("%s presents %s, which %s (as of %s).", capitalize(where(s)), certDesc(cert, nil), when, c.cfg.Now.UTC().Format("2006-01-02"))
		if !s.Start.IsZero() && notAfter.Before(s.Start) {
			expl += " It had already expired when these sessions ran."
		}
		remedy := "Renew the certificate, enable it for SMTP (Enable-ExchangeCertificate -Services SMTP), point the send connector's TlsCertificateName at the new one, and update the Exchange Online inbound connector if its name changes (or rerun the Hybrid Configuration Wizard)."
		return title, expl, remedy, "https://learn.microsoft.com/en-us/exchange/architecture/client-access/certificates"
	})
	h.key2 = cert.Subject
	c.hit(h)
}

func checkResponse(c *Checker, s *Session) {
	r := s.Final
	if r == nil || r.Code < 400 || attrKindOf(r).any() {
		return
	}
	id, sev := "response-rejected", Warning
	if r.Code < 500 {
		id = "response-deferred"
	}
	if s.LogType == parser.LogReceive {
		sev = Info
	}
	key := fmt.Sprintf("%s:%d %s %s", s.LogType, r.Code, r.Enhanced, normalizeText(r.Text))
	c.hit(hitOf(id, key, sev, []Line{replyLine(r)}, func() (string, string, string, string) {
		info := ExplainReply(r.Code, r.Enhanced, r.Text)
		verb := "rejected"
		if r.Code < 500 {
			verb = "deferred"
		}
		var expl string
		if s.LogType == parser.LogReceive {
			expl = fmt.Sprintf("This server %s sessions on %s with \"%s\". %s", verb, where(s), replyString(r), info.Meaning)
		} else {
			expl = fmt.Sprintf("%s to %s: %s answered \"%s\" to %s. %s", capitalize(where(s)), hostOr(s.RemoteHost, s.Remote), verbRemote(r), replyString(r), r.Command, info.Meaning)
		}
		if info.Cause != "" {
			expl += " " + info.Cause
		}
		return fmt.Sprintf("Sessions %s: %d %s %s", verb, r.Code, r.Enhanced, info.Title), expl, info.Remedy, info.Link
	}))
}

func verbRemote(r *Reply) string {
	if r.Command == "local" {
		return "Exchange itself"
	}
	return "the remote"
}

func hostOr(host, endpoint string) string {
	if host != "" {
		return host
	}
	if endpoint != "" {
		return endpoint
	}
	return "the remote server"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func hitOf(id, key string, sev Severity, lines []Line, describe func() (string, string, string, string)) hit {
	return hit{id: id, key: key, severity: sev, lines: lines, describe: describe}
}

// hitWith is hitOf with the evidence of a reply and a certificate, looked
// up only when the finding keeps it.
func hitWith(id, key string, sev Severity, r *Reply, cert *Certificate, describe func() (string, string, string, string)) hit {
	return hit{id: id, key: key, severity: sev, reply: r, cert: cert, describe: describe}
}

// ---- certificate-changed ----

// certTrack follows the certificate presented on one connector of one
// source, in the order sessions finish (close to time order).
type certTrack struct {
	key     string // source, log type and connector
	hitKey  string // the finding key of the last change
	linked  string // the hitKey whose finding points at this track
	where   string
	current string // thumbprint (or subject) now presented
	subject map[string]string
	stats   map[string]*useStats // by thumbprint
	changes []certChange
}

type useStats struct {
	sessions, failed int
	firstFail        *Session
	firstFailReply   string
}

type certChange struct {
	at       time.Time
	from, to string
	session  string
}

func certID(c *Certificate) string {
	if c.Thumbprint != "" {
		return c.Thumbprint
	}
	return c.Subject
}

func checkCertChanged(c *Checker, s *Session) {
	if s.LocalCert == nil || certID(s.LocalCert) == "" {
		return
	}
	t := c.lastTrack.v
	if t == nil || !c.lastTrack.is(s) {
		kb := c.key.of(s.Source, s.LogType.String(), s.Connector)
		if t = c.changes[string(kb)]; t == nil {
			t = &certTrack{key: string(kb), where: where(s), subject: map[string]string{}, stats: map[string]*useStats{}}
			c.changes[t.key] = t
		}
		c.lastTrack.set(s, t)
	}
	id := certID(s.LocalCert)
	if t.subject[id] != s.LocalCert.Subject {
		t.subject[id] = s.LocalCert.Subject
	}
	st := t.stats[id]
	if st == nil {
		st = &useStats{}
		t.stats[id] = st
	}
	st.sessions++
	if s.Outcome != Delivered && s.Outcome != Idle && s.Outcome != Incomplete {
		st.failed++
		if st.firstFail == nil {
			st.firstFail = &Session{ID: s.ID, Start: s.Start}
			if s.Final != nil {
				st.firstFailReply = replyString(s.Final)
			} else if s.TLSError != "" {
				st.firstFailReply = "TLS negotiation failed with error " + s.TLSError
			}
		}
	}
	if t.current != "" && t.current != id {
		t.changes = append(t.changes, certChange{at: s.Start, from: t.current, to: id, session: s.ID})
		t.hitKey = t.key + "\x00" + id
	}
	t.current = id
	if len(t.changes) == 0 {
		return
	}
	ch := t.changes[len(t.changes)-1]
	if ch.to != id {
		return
	}
	c.hit(hitWith("certificate-changed", t.hitKey, Info, nil, s.LocalCert, certChangedTitle))
	if t.linked != t.hitKey {
		// The finding of this change: describe reads the track.
		c.found["certificate-changed\x00"+t.hitKey].track = t
		t.linked = t.hitKey
	}
}

// certChangedTitle is replaced by certTrack.describe when findings are made.
func certChangedTitle() (string, string, string, string) {
	return "The certificate presented changed", "", "", ""
}

// describe fills a certificate-changed finding from the track; it returns
// false when the change is not worth reporting.
func (t *certTrack) describe(f *Finding) bool {
	to := f.Key[strings.LastIndexByte(f.Key, 0)+1:]
	var ch *certChange
	for i := range t.changes {
		if t.changes[i].to == to {
			ch = &t.changes[i]
		}
	}
	if ch == nil {
		return false
	}
	before, after := t.stats[ch.from], t.stats[ch.to]
	if before == nil {
		before = &useStats{}
	}
	if after == nil {
		after = &useStats{}
	}
	rate := func(u *useStats) float64 {
		if u == nil || u.sessions == 0 {
			return 0
		}
		return float64(u.failed) / float64(u.sessions)
	}
	name := func(id string) string {
		if sub := t.subject[id]; sub != "" && sub != id {
			return fmt.Sprintf("%s (thumbprint %s)", sub, id)
		}
		return id
	}
	f.Title = fmt.Sprintf("The certificate presented changed at %s UTC", ch.at.UTC().Format("2006-01-02 15:04:05"))
	f.Explanation = fmt.Sprintf("On %s the certificate presented changed at %s UTC (session %s) from %s to %s. Sessions with the old certificate: %d, of which %d failed (%.0f%%); with the new one: %d, of which %d failed (%.0f%%).",
		t.where, ch.at.UTC().Format("2006-01-02 15:04:05"), ch.session, name(ch.from), name(ch.to),
		before.sessions, before.failed, 100*rate(before), after.sessions, after.failed, 100*rate(after))
	if after.firstFail != nil {
		f.Explanation += fmt.Sprintf(" The first failure with the new certificate came at %s UTC (session %s: %s).",
			after.firstFail.Start.UTC().Format("2006-01-02 15:04:05"), after.firstFail.ID, after.firstFailReply)
	}
	if rate(after) > rate(before)+0.1 {
		f.Severity = Warning
		f.Remedy = "Failures rose with the new certificate: compare its names with the Exchange Online inbound connector's TlsSenderCertificateName (run with --connectors and --accepted-domains), and rerun the Hybrid Configuration Wizard selecting the new certificate."
	} else {
		f.Severity = Info
		f.Remedy = "Nothing to do if the change was planned; keep the inbound connector's TlsSenderCertificateName in step with the certificate's names."
	}
	f.Link = "https://learn.microsoft.com/en-us/exchange/troubleshoot/connectors/relay-access-denied-smtp"
	return true
}

// ---- checks that need the whole picture ----

func checkGap(c *Checker, s *Session) {
	if s.MaxGap < c.cfg.GapThreshold {
		return
	}
	key := s.Source + "\x00" + s.Connector
	c.hit(hitOf("long-gap", key, Warning, []Line{s.GapTo}, func() (string, string, string, string) {
		expl := fmt.Sprintf("Sessions on %s paused for more than %s between two rows. In session %s nothing was logged for %s, from %s:%d to %s:%d; the transfer stalled or the peer was slow to answer (a tarpit, a throttled or overloaded server, a network that drops packets).",
			where(s), c.cfg.GapThreshold, s.ID, s.MaxGap.Round(time.Second), s.GapFrom.File, s.GapFrom.Line, s.GapTo.Pos.File, s.GapTo.Pos.Line)
		return fmt.Sprintf("Sessions stalled for more than %s", c.cfg.GapThreshold), expl,
			"Look at what the session waited for (the row after the pause): a reply from the remote (its load, throttling, a tarpit for unauthenticated senders) or data from this server (disk, antivirus, network). logscan show SESSION-ID prints the session.",
			"https://learn.microsoft.com/en-us/exchange/mail-flow/connectors/protocol-logging"
	}))
}

// countUsage counts sessions per connector; idle-sessions is decided when
// all are in (usageFindings).
func countUsage(c *Checker, s *Session) {
	u := c.lastUsage.v
	if u == nil || !c.lastUsage.is(s) {
		k := c.key.of(s.Source, s.LogType.String(), s.Connector)
		if u = c.usage[string(k)]; u == nil {
			u = &usage{where: where(s), receive: s.LogType == parser.LogReceive}
			c.usage[string(k)] = u
		}
		c.lastUsage.set(s, u)
	}
	u.total++
	if s.Outcome == Idle {
		u.idle++
		if u.example == nil {
			u.example = &Session{ID: s.ID, Start: s.Start}
		}
	}
}

// Shares of idle sessions beyond which they are reported: a send
// connector opens sessions to deliver mail; a receive connector sees
// probes and scanners as a matter of course.
const (
	idleMinSessions  = 20
	idleShareSend    = 0.25
	idleShareReceive = 0.6
)

func (c *Checker) usageFindings() {
	keys := make([]string, 0, len(c.usage))
	for k := range c.usage {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		u := c.usage[k]
		limit := idleShareSend
		if u.receive {
			limit = idleShareReceive
		}
		share := float64(u.idle) / float64(max(u.total, 1))
		if u.total < idleMinSessions || share <= limit {
			continue
		}
		uu := u
		f := &found{order: c.order, f: Finding{ID: "idle-sessions", Key: k, Severity: Warning, Sessions: u.idle,
			SessionIDs: []string{u.example.ID}, First: u.example.Start, Last: u.example.Start}}
		if u.receive {
			f.f.Severity = Info
		}
		f.f.Title = "Sessions opened but never used"
		f.f.Explanation = fmt.Sprintf("%d of %d sessions on %s (%.0f%%) connected and closed without a mail transaction; for example session %s.",
			uu.idle, uu.total, uu.where, 100*share, uu.example.ID)
		if u.receive {
			f.f.Remedy = "On a receive connector these are often port probes and scanners; if they come from your own servers or devices, check what they connect for."
		} else {
			f.f.Remedy = "A send connector that keeps opening sessions without sending mail wastes connections and can be throttled: check the queue for messages that are retried without being sent, and the smart host's replies in those sessions (logscan show SESSION-ID)."
		}
		f.f.Link = "https://learn.microsoft.com/en-us/exchange/mail-flow/connectors/protocol-logging"
		c.order++
		c.found["idle-sessions\x00"+k] = f
	}
}

// checkMidway counts sessions that began before the first file given of
// their source.
func checkMidway(c *Checker, s *Session) {
	if s.Started || s.First.File == "" || c.firstFile[s.Source] != s.First.File {
		return
	}
	m := c.midway[s.Source]
	if m == nil {
		m = &midway{file: s.First.File, first: s.Start}
		c.midway[s.Source] = m
	}
	m.sessions++
	if len(m.ids) < MaxFindingSessions {
		m.ids = append(m.ids, s.ID)
	}
}

func (c *Checker) midwayFindings() {
	keys := make([]string, 0, len(c.midway))
	for k := range c.midway {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m := c.midway[k]
		f := &found{order: c.order, f: Finding{ID: "missing-logs", Key: "midway:" + k, Severity: Info, Sessions: m.sessions,
			SessionIDs: m.ids, First: m.first, Last: m.first,
			Title: "Sessions began in a log file that was not given",
			Explanation: fmt.Sprintf("%d sessions of %s already had rows before the first file given, %s: the file before it is missing from the inputs, so these sessions are reported as incomplete.",
				m.sessions, k, m.file),
			Remedy: "Add the previous file of the series (the hour or rollover number before) to see these sessions whole.",
			Link:   "https://learn.microsoft.com/en-us/exchange/mail-flow/connectors/protocol-logging"}}
		c.order++
		c.found["missing-logs\x00midway:"+k] = f
	}
}
