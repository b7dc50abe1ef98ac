package analyze

import (
	"math/rand/v2"
	"slices"
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
// certificate: the same subject, thumbprint and SANs (in the same slice or
// another), not look-alikes.
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
		{Subject: "CN=mail.contoso.com", Thumbprint: "AA", SANs: sans[:1]},                     // fewer SANs
		{Subject: "CN=mail.contoso.com", Thumbprint: "AA", SANs: []string{"mail.contoso.com"}}, // the same in another slice
		{Subject: "CN=mail.contoso.com", Thumbprint: "AA", SANs: []string{"mail.contoso.org"}}, // another in another slice
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

// The attribution replies of a session are noted as its rows are read;
// those of a Session made by hand are looked for among its replies.
func TestAttributionReplies(t *testing.T) {
	replies := []Reply{
		{Code: 250, Text: "2.1.0 Sender OK"},
		{Code: 451, Enhanced: "4.4.62", Text: "Mail sent to the wrong Office 365 region. ATTR35."},
		{Code: 550, Enhanced: "5.7.64", Text: "TenantAttribution; Relay Access Denied"},
		{Code: 550, Enhanced: "5.7.64", Text: "TenantAttribution; Relay Access Denied"},
	}
	byHand := &Session{Replies: replies}
	c := NewChecker(Config{})
	a := c.attribution(byHand)
	if a.attr35 != &byHand.Replies[1] || a.tenant != &byHand.Replies[2] || a.attr36 != nil {
		t.Errorf("session made by hand: %+v", a)
	}

	s := newSession(nil, Source{Key: "x"}, parser.LogSend, "08DC")
	var rec parser.Record
	for i, data := range []string{"220 ready", "EHLO a", "250 ok", "MAIL FROM:<a@b>", "451 4.4.62 wrong region ATTR35", "RCPT TO:<c@d>",
		"550 5.7.64 Relay Access Denied ATTR36", "RCPT TO:<e@f>", "550 5.7.64 Relay Access Denied ATTR36"} {
		rec = parser.Record{Event: parser.EventSend, Data: []byte(data), Line: i + 1}
		if data[0] >= '0' && data[0] <= '9' {
			rec.Event = parser.EventReceive
		}
		s.add(&rec, "f", 0, newInterner())
	}
	s.finish()
	a = c.attribution(s)
	if a.attr35 == nil || a.attr35.Code != 451 || a.attr36 == nil || a.attr36.Pos.Line != 7 || a.tenant != nil {
		t.Errorf("session read: %+v", a)
	}
}

// The recipients of a session's messages share one array, each message a
// stretch of it that appending to cannot overrun; a message whose stretch
// is not the last still gets its recipients.
func TestRecipientsShareArray(t *testing.T) {
	s := newSession(nil, Source{Key: "x"}, parser.LogSend, "08DC")
	add := func(msg int, to string) {
		s.addRecipient(&s.Messages[msg], &s.msgStates[msg], to)
	}
	s.newMessage()
	add(0, "a@x")
	add(0, "b@x")
	s.newMessage()
	add(1, "c@x")
	add(0, "d@x") // not the last stretch
	add(1, "e@x")
	_ = append(s.Messages[1].To, "f@x") // a caller's append must not reach another message
	s.newMessage()
	add(2, "g@x")
	got := [][]string{s.Messages[0].To, s.Messages[1].To, s.Messages[2].To}
	want := [][]string{{"a@x", "b@x", "d@x"}, {"c@x", "e@x"}, {"g@x"}}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("message %d: To %q, want %q", i, got[i], want[i])
		}
	}
}

// BenchmarkAttrMarks reads the failure texts Exchange Online answers
// with, as every failure reply of every session is read.
func BenchmarkAttrMarks(b *testing.B) {
	texts := []string{
		"TenantAttribution; Relay Access Denied [AM2PEPF0001C716.eurprd02.prod.outlook.com]",
		"Mail sent to the wrong Office 365 region. ATTR35. For more information please go to https://go.microsoft.com/fwlink/?linkid=865268 [DB5PEPF00014B8F.eurprd08.prod.outlook.com]",
		"Relay Access Denied ATTR36. For more information please go to https://go.microsoft.com/fwlink/?LinkId=869023 [DB5PEPF00014B8F.eurprd08.prod.outlook.com]",
		"Service unavailable, Client host [203.0.113.10] blocked using Spamhaus",
	}
	n := 0
	for _, t := range texts {
		n += len(t)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	m := 0
	for b.Loop() {
		for _, t := range texts {
			m |= attrMarks(t)
		}
	}
	if m == 0 {
		b.Fatal("nothing found")
	}
}
