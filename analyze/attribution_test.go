package analyze_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/parser"
)

func TestCertLookupKeys(t *testing.T) {
	tests := []struct{ names, want string }{
		{"mail.sub.contoso.com", "mail.sub.contoso.com *.sub.contoso.com *.contoso.com"},
		{"contoso.com", "contoso.com"},
		{"*.contoso.com", "*.contoso.com"},
		{"Mail.Contoso.COM.", "mail.contoso.com *.contoso.com"},
		{"mail.contoso.com autodiscover.contoso.com", "mail.contoso.com *.contoso.com autodiscover.contoso.com"},
		{"exch01", "exch01"},
	}
	for _, tt := range tests {
		if got := strings.Join(analyze.CertLookupKeys(strings.Fields(tt.names)), " "); got != tt.want {
			t.Errorf("CertLookupKeys(%s) = %s, want %s", tt.names, got, tt.want)
		}
	}
}

func domains(spec ...string) []parser.AcceptedDomain {
	var out []parser.AcceptedDomain
	for _, s := range spec {
		d := parser.AcceptedDomain{DomainName: strings.TrimSuffix(s, "+"), MatchSubDomains: strings.HasSuffix(s, "+")}
		out = append(out, d)
	}
	return out
}

func TestAcceptedCoverage(t *testing.T) {
	ds := domains("contoso.com", "fabrikam.com+", "sub.tailspin.com")
	tests := []struct {
		name    string
		covered bool
		need    string
	}{
		{"contoso.com", true, "contoso.com"},
		{"*.contoso.com", true, "contoso.com"},
		{"mail.contoso.com", true, "contoso.com"},
		{"MAIL.Contoso.com", true, "contoso.com"},
		{"host.sub.contoso.com", false, "sub.contoso.com"}, // KB 4019940: only the immediate parent counts
		{"*.sub.contoso.com", false, "sub.contoso.com"},
		{"host.deep.fabrikam.com", true, "deep.fabrikam.com"}, // MatchSubDomains
		{"mail.sub.tailspin.com", true, "sub.tailspin.com"},
		{"mail.contoso.net", false, "contoso.net"},
		{"exch01", false, "exch01"},
	}
	for _, tt := range tests {
		c := analyze.AcceptedCoverage(tt.name, ds)
		if c.Covered != tt.covered || c.Need != tt.need {
			t.Errorf("AcceptedCoverage(%q) = %+v, want covered=%v need=%s", tt.name, c, tt.covered, tt.need)
		}
	}
}

func TestMatchCertificate(t *testing.T) {
	conns := []parser.InboundConnector{
		{Name: "Partner fabrikam", Enabled: true, Type: "Partner", TLSSenderCertificateName: "mail.contoso.com"},
		{Name: "Old disabled", Enabled: false, Type: "OnPremises", TLSSenderCertificateName: "*.contoso.com"},
		{Name: "Inbound from HCW", Enabled: true, Type: "OnPremises", TLSSenderCertificateName: "*.Contoso.com"},
		{Name: "Apex", Enabled: true, Type: "OnPremises", TLSSenderCertificateName: "tailspin.com"},
		{Name: "Subdomain", Enabled: true, Type: "OnPremises", TLSSenderCertificateName: "*.sub.wingtip.com"},
	}
	ds := domains("contoso.com", "tailspin.com", "wingtip.com")
	tests := []struct {
		name      string
		certNames string
		domains   []parser.AcceptedDomain
		want      string // connector name, "" for none
		covered   bool
		near      int
	}{
		{"wildcard connector, host cert", "mail.contoso.com", ds, "Inbound from HCW", true, 2},
		{"wildcard connector, deeper host", "a.b.contoso.com", ds, "Inbound from HCW", true, 1},
		{"wildcard cert", "*.contoso.com", ds, "Inbound from HCW", true, 1},
		{"SAN matches", "exch01.local smtp.contoso.com", ds, "Inbound from HCW", true, 1},
		{"apex cert does not match wildcard", "contoso.com", ds, "", false, 0},
		{"apex connector", "tailspin.com", ds, "Apex", true, 0},
		{"apex connector, host cert", "mail.tailspin.com", ds, "", false, 0},
		{"renamed certificate", "smtp.contoso.net", ds, "", false, 0},
		{"subdomain not accepted", "mail.sub.wingtip.com", ds, "Subdomain", false, 0},
		{"without domains export", "mail.sub.wingtip.com", nil, "Subdomain", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := analyze.MatchCertificate(strings.Fields(tt.certNames), conns, tt.domains)
			got := ""
			if m.Connector != nil {
				got = m.Connector.Name
			}
			if got != tt.want || (got != "" && tt.domains != nil && m.Coverage.Covered != tt.covered) || len(m.Near) != tt.near {
				t.Errorf("match %q covered=%v near=%d, want %q covered=%v near=%d", got, m.Coverage.Covered, len(m.Near), tt.want, tt.covered, tt.near)
			}
		})
	}
}

func TestMatchIP(t *testing.T) {
	conns := analyze.IPConnectors([]parser.InboundConnector{
		{Name: "cidr", Enabled: true, Type: "OnPremises", SenderIPAddresses: []string{"203.0.113.0/24"}},
		{Name: "range", Enabled: true, Type: "OnPremises", SenderIPAddresses: []string{"198.51.100.10-198.51.100.20"}},
		{Name: "single", Enabled: true, Type: "OnPremises", SenderIPAddresses: []string{"192.0.2.7"}},
		{Name: "v6", Enabled: true, Type: "OnPremises", SenderIPAddresses: []string{"2001:db8:5::/48"}},
		{Name: "disabled", Enabled: false, Type: "OnPremises", SenderIPAddresses: []string{"192.0.2.8"}},
		{Name: "partner", Enabled: true, Type: "Partner", SenderIPAddresses: []string{"192.0.2.9"}},
	})
	for ip, want := range map[string]string{
		"203.0.113.77": "cidr", "198.51.100.10": "range", "198.51.100.20": "range", "198.51.100.21": "",
		"192.0.2.7": "single", "192.0.2.8": "", "192.0.2.9": "", "[192.0.2.7]": "single", "::ffff:192.0.2.7": "single", "bogus": "", "IPv6:2001:db8:5::1": "v6", "[IPv6:2001:DB8:5::2]": "v6",
	} {
		got := ""
		if c := analyze.MatchIP(ip, conns); c != nil {
			got = c.Name
		}
		if got != want {
			t.Errorf("MatchIP(%s) = %q, want %q", ip, got, want)
		}
	}
	if analyze.IPInEntry(netip.MustParseAddr("10.0.0.1"), "not-an-ip") {
		t.Error("garbage entry matched")
	}
}

func TestEXOEndpoints(t *testing.T) {
	for ep, want := range map[string]bool{"52.101.68.12:25": true, "40.107.22.52:25": true, "104.47.18.106:25": true,
		"[2a01:111:f400::1]:25": true, "198.51.100.25:25": false, "": false} {
		if got := analyze.IsEOPAddress(ep); got != want {
			t.Errorf("IsEOPAddress(%q) = %v", ep, got)
		}
	}
	for h, want := range map[string]bool{"AM4PEPF00027A6C.mail.protection.outlook.com": true, "contoso.mail.onmicrosoft.com": true,
		"mx.fabrikam.com": false, "notoutlook.com": false} {
		if got := analyze.IsEXOHost(h); got != want {
			t.Errorf("IsEXOHost(%q) = %v", h, got)
		}
	}
	for h, want := range map[string]bool{"mail.messaging.microsoft.com": true, "[mail.global.frontbridge.com]": true, "contoso-com.mail.protection.outlook.com": false} {
		if got := analyze.IsLegacyHost(h); got != want {
			t.Errorf("IsLegacyHost(%q) = %v", h, got)
		}
	}
}
