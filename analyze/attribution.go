package analyze

import (
	"net/netip"
	"strings"

	"github.com/logscan/logscan/parser"
)

// How Exchange Online attributes a message that arrives from an on-premises
// server (FORMAT notes C.2, Microsoft's "Office 365 message attribution"):
//
//  1. By certificate: each name of the presented certificate (its subject
//     CN and every DNS SAN) yields lookup keys, the name itself and
//     "*.<parent>" for every parent of at least two labels. An enabled
//     OnPremises inbound connector whose TlsSenderCertificateName equals a
//     key matches, provided that name is covered by an accepted domain.
//  2. Otherwise by IP: the address Exchange Online saw within an OnPremises
//     connector's SenderIPAddresses; the MAIL FROM domain must then be
//     accepted.
//  3. Otherwise the message is treated as mail from the internet, and
//     relaying it to an outside recipient is denied.

// CertLookupKeys returns the keys Exchange Online derives from certificate
// names: "mail.sub.contoso.com" gives "mail.sub.contoso.com",
// "*.sub.contoso.com" and "*.contoso.com" (never "*.com"). Keys are lower
// case and unique, in order.
func CertLookupKeys(names []string) []string {
	var keys []string
	seen := map[string]bool{}
	add := func(k string) {
		if k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, n := range names {
		n = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(n)), ".")
		if n == "" {
			continue
		}
		add(n)
		rest := strings.TrimPrefix(n, "*.")
		for {
			i := strings.IndexByte(rest, '.')
			if i < 0 {
				break
			}
			rest = rest[i+1:]
			if strings.Count(rest, ".") < 1 { // a parent needs two labels
				break
			}
			add("*." + rest)
		}
	}
	return keys
}

// CertNames returns the DNS names of a certificate: the subject CN and the
// SANs, de-duplicated, in that order.
func CertNames(c *Certificate) []string {
	if c == nil {
		return nil
	}
	out := make([]string, 0, 1+len(c.SANs))
	add := func(n string) {
		t := strings.TrimSpace(n)
		if t == "" {
			return
		}
		for _, o := range out {
			if strings.EqualFold(strings.TrimSpace(o), t) {
				return
			}
		}
		out = append(out, n)
	}
	add(CommonName(c.Subject))
	for _, n := range c.SANs {
		add(n)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Coverage says whether a name is covered by an accepted domain.
type Coverage struct {
	Covered bool
	// Domain is the accepted domain that covers the name, or for a name that
	// is not covered, the nearest accepted domain above it ("" if none).
	Domain string
	// Need is the domain that would have to be accepted for the name to be
	// covered (the name itself for "*.x" or an apex, else its parent).
	Need string
}

// AcceptedCoverage tells whether name (a certificate name or a
// TlsSenderCertificateName, "*." allowed) is covered by the accepted
// domains: the name without "*." is an accepted domain, or it is a host
// directly under one ("mail.contoso.com" under "contoso.com"), or it lies
// anywhere under an accepted domain with MatchSubDomains. A host deeper
// down is not: for "host.sub.contoso.com" with only "contoso.com" accepted
// Exchange Online answers ATTR36 (Microsoft KB 4019940), and
// "sub.contoso.com" must be added.
func AcceptedCoverage(name string, domains []parser.AcceptedDomain) Coverage {
	n := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
	wild := strings.HasPrefix(n, "*.")
	n = strings.TrimPrefix(n, "*.")
	parent := ""
	if i := strings.IndexByte(n, '.'); i >= 0 && !wild {
		parent = n[i+1:]
	}
	need := n
	if parent != "" && strings.Contains(parent, ".") {
		need = parent
	}
	var nearest string
	for _, d := range domains {
		dn := strings.TrimPrefix(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d.DomainName)), "."), "*.")
		if dn == "" {
			continue
		}
		switch {
		case n == dn, parent == dn:
			return Coverage{Covered: true, Domain: d.DomainName, Need: need}
		case strings.HasSuffix(n, "."+dn):
			if d.MatchSubDomains || strings.HasPrefix(strings.TrimSpace(d.DomainName), "*.") {
				return Coverage{Covered: true, Domain: d.DomainName, Need: need}
			}
			if len(dn) > len(nearest) {
				nearest = d.DomainName
			}
		}
	}
	return Coverage{Domain: nearest, Need: need}
}

// CertMatch is the outcome of rule 1 for one certificate.
type CertMatch struct {
	Keys []string // the lookup keys of the certificate's names
	// Connector is the enabled OnPremises connector matched, or nil.
	Connector *parser.InboundConnector
	Key       string // the key that matched its TlsSenderCertificateName
	// Coverage of the matched TlsSenderCertificateName (when domains given).
	Coverage Coverage
	// Near are connectors whose TlsSenderCertificateName matches a key but
	// that cannot attribute: disabled, or of type Partner.
	Near []*parser.InboundConnector
}

// MatchCertificate applies rule 1: names are the certificate's DNS names.
// With domains (nil when not given) a connector matches only when its
// TlsSenderCertificateName is covered; the first covered match wins, and
// a match found only uncovered is returned with Coverage.Covered false.
func MatchCertificate(names []string, connectors []parser.InboundConnector, domains []parser.AcceptedDomain) CertMatch {
	m := CertMatch{Keys: CertLookupKeys(names)}
	keys := map[string]bool{}
	for _, k := range m.Keys {
		keys[k] = true
	}
	var uncovered *CertMatch
	for i := range connectors {
		c := &connectors[i]
		t := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(c.TLSSenderCertificateName)), ".")
		if t == "" || !keys[t] {
			continue
		}
		if !c.Enabled || !strings.EqualFold(c.Type, "OnPremises") {
			m.Near = append(m.Near, c)
			continue
		}
		if domains == nil {
			m.Connector, m.Key = c, t
			return m
		}
		cov := AcceptedCoverage(t, domains)
		if cov.Covered {
			m.Connector, m.Key, m.Coverage = c, t, cov
			return m
		}
		if uncovered == nil {
			uncovered = &CertMatch{Connector: c, Key: t, Coverage: cov}
		}
	}
	if uncovered != nil {
		m.Connector, m.Key, m.Coverage = uncovered.Connector, uncovered.Key, uncovered.Coverage
	}
	return m
}

// IPConnectors returns the enabled OnPremises connectors that list sender
// IP addresses.
func IPConnectors(connectors []parser.InboundConnector) []*parser.InboundConnector {
	var out []*parser.InboundConnector
	for i := range connectors {
		c := &connectors[i]
		if c.Enabled && strings.EqualFold(c.Type, "OnPremises") && len(c.SenderIPAddresses) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// MatchIP applies rule 2: the first connector whose SenderIPAddresses
// holds ip (a single address, a range "a-b" or a CIDR block).
func MatchIP(ip string, connectors []*parser.InboundConnector) *parser.InboundConnector {
	ip = strings.Trim(strings.TrimSpace(ip), "[]")
	if len(ip) > 5 && strings.EqualFold(ip[:5], "IPv6:") { // an RFC 5321 address literal
		ip = ip[5:]
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return nil
	}
	addr = addr.Unmap()
	for _, c := range connectors {
		for _, e := range c.SenderIPAddresses {
			if IPInEntry(addr, e) {
				return c
			}
		}
	}
	return nil
}

// IPInEntry reports whether addr is within one SenderIPAddresses entry.
func IPInEntry(addr netip.Addr, entry string) bool {
	e := strings.TrimSpace(entry)
	if lo, hi, ok := strings.Cut(e, "-"); ok {
		a, err1 := netip.ParseAddr(strings.TrimSpace(lo))
		b, err2 := netip.ParseAddr(strings.TrimSpace(hi))
		return err1 == nil && err2 == nil && addr.BitLen() == a.BitLen() &&
			addr.Compare(a.Unmap()) >= 0 && addr.Compare(b.Unmap()) <= 0
	}
	if strings.Contains(e, "/") {
		p, err := netip.ParsePrefix(e)
		return err == nil && p.Masked().Contains(addr)
	}
	a, err := netip.ParseAddr(e)
	return err == nil && a.Unmap() == addr
}

// eopRanges are Exchange Online Protection's published sending and
// receiving ranges (Microsoft 365 URLs and IP address ranges, "Exchange
// Online" section).
var eopRanges = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"40.92.0.0/15", "40.107.0.0/16", "52.100.0.0/14", "52.238.78.88/32", "104.47.0.0/17",
		"2a01:111:f400::/48", "2a01:111:f403::/48",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// IsEOPAddress reports whether an "ip:port" or "ip" is in Exchange Online
// Protection's published ranges.
func IsEOPAddress(endpoint string) bool {
	host := endpoint
	if ap, err := netip.ParseAddrPort(endpoint); err == nil {
		host = ap.Addr().String()
	} else if i := strings.LastIndexByte(endpoint, ':'); i > 0 && strings.Count(endpoint, ":") == 1 {
		host = endpoint[:i]
	}
	addr, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range eopRanges {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// IsEXOHost reports whether a host name belongs to Exchange Online
// (…protection.outlook.com, …outlook.com, …onmicrosoft.com).
func IsEXOHost(h string) bool {
	h = strings.TrimSuffix(strings.TrimSpace(h), ".")
	for _, sfx := range exoDomains {
		if underDomain(h, sfx) {
			return true
		}
	}
	return false
}

var exoDomains = []string{"protection.outlook.com", "outlook.com", "onmicrosoft.com"}

// underDomain reports whether host h is dom or a name under it, ignoring
// ASCII case, without allocating (it runs for every session).
func underDomain(h, dom string) bool {
	if len(h) < len(dom) || !strings.EqualFold(h[len(h)-len(dom):], dom) {
		return false
	}
	return len(h) == len(dom) || h[len(h)-len(dom)-1] == '.'
}

// legacyHosts are retired Office 365 endpoints that route to the wrong
// region (ATTR35) when used as smart host or MX.
var legacyHosts = []string{"mail.messaging.microsoft.com", "mail.global.frontbridge.com"}

// IsLegacyHost reports whether h is a retired Office 365 endpoint.
func IsLegacyHost(h string) bool {
	h = strings.TrimSuffix(strings.Trim(strings.TrimSpace(h), "[]"), ".")
	for _, l := range legacyHosts {
		if underDomain(h, l) {
			return true
		}
	}
	return false
}
