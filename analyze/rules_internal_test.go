package analyze

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/logscan/logscan/parser"
)

// attrMarks finds exactly what case-insensitive substring searches find.
func TestAttrMarks(t *testing.T) {
	want := func(s string) int {
		u, m := strings.ToUpper(s), 0
		for _, w := range []struct {
			word string
			mark int
		}{{"ATTR", markATTR}, {"ATTR35", markATTR35}, {"ATTR36", markATTR36}, {"TENANTATTRIBUTION", markTenant}} {
			if strings.Contains(u, w.word) {
				m |= w.mark
			}
		}
		return m
	}
	texts := []string{
		"550 5.7.64 Relay Access Denied ATTR36. For more", "relay denied attr36",
		"550 5.7.64 TenantAttribution; Relay Access Denied", "ATTR3", "", "xATTR35", "ATTR35",
		"tenantattr", "TenantAttributio", "Attr35Attr36", "tenant attribution", "ATT", "attr",
	}
	rng := rand.New(rand.NewPCG(5, 6))
	parts := []string{"a", "T", "t", "r", "R", "35", "36", "3", "tenant", "TENANT", "ibution", "IBUTION", "attr", " ", "x",
		"A", "@", "`", "\xe1", "\xc1", "qqqqqqqq", "0123456"} // and runs skipped eight at a time
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(16) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		texts = append(texts, b.String())
	}
	for _, s := range texts {
		if got, w := attrMarks(s), want(s); got != w {
			t.Fatalf("attrMarks(%q) = %04b, want %04b", s, got, w)
		}
	}
}

// localNames remembers the last certificate's names, and only for that
// certificate: the same strings and SAN slice, not look-alikes.
func TestLocalNamesRemembered(t *testing.T) {
	c := NewChecker(Config{Certificates: []parser.ExchangeCertificate{
		{Thumbprint: "CC", Subject: "CN=smtp.contoso.com", CertificateDomains: []string{"smtp.contoso.com"}},
		{Thumbprint: "DD", Subject: "CN=relay.contoso.com"},
	}})
	sans := []string{"mail.contoso.com", "autodiscover.contoso.com"}
	base := &Certificate{Subject: "CN=mail.contoso.com", Thumbprint: "AA", SANs: sans}
	certs := []*Certificate{
		base,
		{Subject: "CN=mail.contoso.com", Thumbprint: "AA", SANs: []string{"smtp.contoso.com", "x.contoso.com"}}, // other SANs, same length
		base,
		{Subject: "CN=mail.contoso.com", Thumbprint: "BB", SANs: sans}, // another thumbprint
		base,
		{Subject: "CN=mail.contoso.com", Thumbprint: "AA", SANs: sans[:1]}, // fewer SANs
		base,
		{Subject: "CN=relay.fabrikam.com", Thumbprint: "AA", SANs: sans}, // other subject
		base,
		{Subject: "CN=mail.contoso.com", Thumbprint: "AA"}, // none
		{Thumbprint: "CC"}, {Thumbprint: "DD"}, {Thumbprint: "CC"}, // nothing logged: the export's names
	}
	for round := range 2 {
		for i, cert := range certs {
			s := &Session{LocalCert: cert}
			c.cur = sessionFacts{s: s}
			got := strings.Join(c.localNames(s), ",")
			want := strings.Join(c.certNames(s), ",")
			if got != want {
				t.Errorf("round %d, certificate %d: names %q, want %q", round, i, got, want)
			}
		}
	}
}
