package analyze_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/parser"
)

var (
	hcw = parser.InboundConnector{Name: "Inbound from 1f6e", Enabled: true, Type: "OnPremises", TLSSenderCertificateName: "*.contoso.com"}
	ipc = parser.InboundConnector{Name: "Scanners by IP", Enabled: true, Type: "OnPremises", SenderIPAddresses: []string{"198.51.100.0/24"}}
	now = time.Date(2024, 3, 5, 20, 0, 0, 0, time.UTC)
)

func fullConfig() analyze.Config {
	return analyze.Config{
		Inbound: []parser.InboundConnector{hcw}, HaveInbound: true,
		Domains: domains("contoso.com", "contoso.onmicrosoft.com"), HaveDomains: true,
		Now: now,
	}
}

// cert returns multi-row certificate rows for a subject and thumbprint.
func cert(subject, thumb, sans string) []string {
	return []string{"*||Sending certificate", "*|" + subject + "|Certificate subject",
		"*|CN=R3, O=Let's Encrypt, C=US|Certificate issuer name", "*|04A1|Certificate serial number",
		"*|" + thumb + "|Certificate thumbprint", "*|" + sans + "|Certificate alternate names",
		"*||TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits",
		">|EHLO mail.contoso.com", "<|250-AM4PEPF00027A6C.mail.protection.outlook.com Hello [203.0.113.10]", "<|250 SMTPUTF8"}
}

func rcptReply(reply string) []string {
	return []string{">|MAIL FROM:<alice@contoso.com> SIZE=100", ">|RCPT TO:<bob@fabrikam.com>", "<|250 2.1.0 Sender OK", "<|" + reply}
}

var (
	oldCert = cert("CN=mail.contoso.com", "3F7A9C2E51B84D06A1C3E5F7092B4D6F8A1C3E5B", "mail.contoso.com;autodiscover.contoso.com")
	newCert = cert("CN=smtp.contoso.net", "B1D94E7706C2A35F8E1B2C3D4E5F60718293A4B6", "smtp.contoso.net;autodiscover.contoso.net")
	denied  = rcptReply("550 5.7.64 TenantAttribution; Relay Access Denied [AM4PEPF00027A6C.eurprd04.prod.outlook.com]")
)

// check assembles the log bodies (one per session) with a Checker and
// returns the sessions and findings.
func check(t *testing.T, cfg analyze.Config, bodies ...string) ([]*analyze.Session, []analyze.Finding, []analyze.Skipped) {
	t.Helper()
	c := analyze.NewChecker(cfg)
	ss := assemble(t, analyze.Options{}, [2]string{"EXCH01/Hub/ProtocolLog/SmtpSend/SEND2024030520-1.LOG", strings.Join(bodies, "")})
	for _, s := range ss {
		c.Check(s)
	}
	f, sk := c.Findings()
	return ss, f, sk
}

func ids(fs []analyze.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return strings.Join(out, " ")
}

func find(fs []analyze.Finding, id string) *analyze.Finding {
	for i := range fs {
		if fs[i].ID == id {
			return &fs[i]
		}
	}
	return nil
}

func TestFindings(t *testing.T) {
	tests := []struct {
		name     string
		cfg      analyze.Config
		sessions [][]string
		want     string   // finding ids, in report order
		explain  []string // phrases the first finding's explanation must contain
	}{
		{"healthy", fullConfig(), [][]string{cat(open, oldCert, message, quit)}, "", nil},
		{"renamed certificate", fullConfig(), [][]string{cat(open, newCert, denied, quit)},
			"tenant-attribution-denied cert-name-mismatch cert-domain-not-accepted",
			[]string{"550 5.7.64 TenantAttribution", "CN=smtp.contoso.net", "B1D94E7706C2A35F8E1B2C3D4E5F60718293A4B6", "*.contoso.com", "203.0.113.10"}},
		{"renamed certificate without exports", analyze.Config{Now: now}, [][]string{cat(open, newCert, denied, quit)},
			"tenant-attribution-denied", []string{"--connectors"}},
		{"attr35", fullConfig(), [][]string{cat(open, oldCert, rcptReply("451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35. For more information please go to https://go.microsoft.com/fwlink/?linkid=865268"), quit)},
			"attr35-wrong-region", []string{"451 4.4.62", "AM4PEPF00027A6C.mail.protection.outlook.com"}},
		{"attr36", fullConfig(), [][]string{cat(open, oldCert, rcptReply("550 5.7.64 Relay Access Denied ATTR36. For more information please go to https://go.microsoft.com/fwlink/?LinkId=869023"), quit)},
			"attr36-relay-denied", []string{"ATTR36", "alice@contoso.com"}},
		{"no client certificate", analyze.Config{Now: now}, [][]string{cat(open, oldCert[6:], message, quit)},
			"no-client-certificate", []string{"Sending certificate"}},
		{"ip not in connector", analyze.Config{Inbound: []parser.InboundConnector{ipc}, HaveInbound: true, Now: now},
			[][]string{cat(open, newCert, denied, quit)},
			"tenant-attribution-denied cert-name-mismatch sender-ip-not-in-connector", nil},
		{"tls failure", analyze.Config{Now: now}, [][]string{cat(open, oldCert[:6], []string{"*||TLS negotiation failed with error UnknownCredentials", "-||Local"})},
			"tls-negotiation-failed", []string{"UnknownCredentials", "CN=mail.contoso.com"}},
		{"connect failure", analyze.Config{Now: now}, [][]string{{"*|SendRoutingHeaders|Set Session Permissions", "*||attempting to connect",
			"*||Failed to connect. Winsock error code: 10060, Win32 error code: 10060, Destination domain: contoso.mail.onmicrosoft.com, Error Message: A connection attempt failed"}},
			"connect-failed", []string{"10060", "contoso.mail.onmicrosoft.com"}},
		{"partner without starttls", fullConfig(), [][]string{{"+||", "<|220 mx.fabrikam.com ESMTP Postfix", ">|EHLO mail.contoso.com",
			"<|250-mx.fabrikam.com", "<|250 8BITMIME", ">|MAIL FROM:<a@contoso.com>", "<|250 2.1.0 Ok", ">|RCPT TO:<nobody@fabrikam.com>",
			"<|550 5.1.1 <nobody@fabrikam.com>: Recipient address rejected: User unknown", ">|QUIT", "<|221 Bye", "-||Local"}},
			"starttls-unavailable response-rejected", []string{"mx.fabrikam.com"}},
		{"legacy banner", analyze.Config{Now: now}, [][]string{{"+||", "<|220 mail.messaging.microsoft.com ready", ">|QUIT", "<|221 bye", "-||Local"}},
			"legacy-smart-host", []string{"mail.messaging.microsoft.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var bodies []string
			for i, s := range tt.sessions {
				bodies = append(bodies, rows("08DC3D5A1B2C00"+string(rune('A'+i))+"0", 0, s...))
			}
			ss, fs, _ := check(t, tt.cfg, bodies...)
			if got := ids(fs); got != tt.want {
				t.Fatalf("findings = %q, want %q", got, tt.want)
			}
			for _, f := range fs {
				if f.Title == "" || f.Explanation == "" || f.Remedy == "" || !strings.HasPrefix(f.Link, "https://") {
					t.Errorf("%s: incomplete finding %+v", f.ID, f)
				}
				if f.Sessions > 0 && (len(f.Evidence) == 0 || f.Evidence[0].Raw == "" || f.Evidence[0].Pos.Line < 1) {
					t.Errorf("%s: no evidence line: %+v", f.ID, f.Evidence)
				}
			}
			if len(fs) > 0 {
				for _, p := range tt.explain {
					if !strings.Contains(fs[0].Explanation+fs[0].Remedy, p) {
						t.Errorf("%s explanation lacks %q:\n%s\n%s", fs[0].ID, p, fs[0].Explanation, fs[0].Remedy)
					}
				}
			}
			// Each session lists the ids of the findings it shows.
			for _, f := range fs {
				for _, id := range f.SessionIDs {
					for _, s := range ss {
						if s.ID == id && !slices.Contains(s.Findings, f.ID) {
							t.Errorf("session %s lacks %s in %v", s.ID, f.ID, s.Findings)
						}
					}
				}
			}
		})
	}
}

func TestCertificateChanged(t *testing.T) {
	var bodies []string
	for i := 0; i < 4; i++ {
		bodies = append(bodies, rows("08DC3D5A1B2C000"+string(rune('1'+i)), i*100, cat(open, oldCert, message, quit)...))
	}
	for i := 0; i < 3; i++ {
		bodies = append(bodies, rows("08DC3D5A1B2C001"+string(rune('1'+i)), 500+i*100, cat(open, newCert, denied, quit)...))
	}
	_, fs, _ := check(t, analyze.Config{Now: now}, bodies...)
	f := find(fs, "certificate-changed")
	if f == nil {
		t.Fatalf("no certificate-changed in %s", ids(fs))
	}
	for _, p := range []string{"CN=mail.contoso.com", "CN=smtp.contoso.net", "old certificate: 4, of which 0 failed (0%)", "new one: 3, of which 3 failed (100%)", "first failure with the new certificate"} {
		if !strings.Contains(f.Explanation, p) {
			t.Errorf("explanation lacks %q:\n%s", p, f.Explanation)
		}
	}
	if f.Severity != analyze.Warning || f.Sessions != 3 {
		t.Errorf("severity %v sessions %d", f.Severity, f.Sessions)
	}
}

func TestCertificateExpiring(t *testing.T) {
	oneLine := func(notAfter string) []string {
		return []string{`*| CN=mail.contoso.com CN=R3, O=Let's Encrypt, C=US 04A1 3F7A9C2E51B84D06A1C3E5F7092B4D6F8A1C3E5B 2024-01-03T00:00:00.000Z ` + notAfter + ` mail.contoso.com|Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names`}
	}
	for _, tt := range []struct {
		notAfter string
		want     analyze.Severity
		found    bool
	}{{"2024-03-20T00:00:00.000Z", analyze.Warning, true}, {"2024-03-01T00:00:00.000Z", analyze.Error, true}, {"2024-12-01T00:00:00.000Z", 0, false}} {
		_, fs, _ := check(t, analyze.Config{Now: now}, rows("08DC3D5A1B2C0001", 0, cat(open, oneLine(tt.notAfter), message, quit)...))
		f := find(fs, "certificate-expiring")
		if (f != nil) != tt.found || (f != nil && f.Severity != tt.want) {
			t.Errorf("notAfter %s: %+v", tt.notAfter, f)
		}
	}
	// With --certificates the date comes from the export for multi-row logs.
	cfg := analyze.Config{Now: now, HaveCerts: true, Certificates: []parser.ExchangeCertificate{
		{Thumbprint: "3F7A9C2E51B84D06A1C3E5F7092B4D6F8A1C3E5B", Subject: "CN=mail.contoso.com", NotAfter: time.Date(2024, 4, 2, 23, 59, 59, 0, time.UTC)}}}
	_, fs, _ := check(t, cfg, rows("08DC3D5A1B2C0001", 0, cat(open, oldCert, message, quit)...))
	if f := find(fs, "certificate-expiring"); f == nil || !strings.Contains(f.Explanation, "2024-04-02") {
		t.Errorf("expiry from export: %+v", f)
	}
}

func TestConnectorRules(t *testing.T) {
	// A disabled OnPremises connector and a Partner connector naming the
	// certificate do not attribute it; the explanation says why.
	cfg := fullConfig()
	cfg.Inbound = []parser.InboundConnector{
		{Name: "Old HCW", Enabled: false, Type: "OnPremises", TLSSenderCertificateName: "*.contoso.net"},
		{Name: "Partner contoso.net", Enabled: true, Type: "Partner", TLSSenderCertificateName: "smtp.contoso.net"},
	}
	_, fs, _ := check(t, cfg, rows("08DC3D5A1B2C0001", 0, cat(open, newCert, denied, quit)...))
	f := find(fs, "cert-name-mismatch")
	if f == nil || !strings.Contains(f.Explanation, `"Old HCW" names "*.contoso.net" but is disabled`) || !strings.Contains(f.Explanation, "Partner connector") {
		t.Fatalf("cert-name-mismatch: %+v", f)
	}
	// An enabled connector whose name is under no accepted domain is found
	// from the exports alone.
	cfg = fullConfig()
	cfg.Inbound = []parser.InboundConnector{{Name: "Net", Enabled: true, Type: "OnPremises", TLSSenderCertificateName: "*.contoso.net"}}
	_, fs, _ = check(t, cfg, rows("08DC3D5A1B2C0001", 0, cat(open, newCert, denied, quit)...))
	if f := find(fs, "cert-domain-not-accepted"); f == nil || !strings.Contains(f.Remedy, "contoso.net") {
		t.Fatalf("cert-domain-not-accepted: %s", ids(fs))
	}
	// With an accepted subdomain the same certificate is attributed.
	cfg.Domains = append(cfg.Domains, domains("contoso.net")...)
	_, fs, _ = check(t, cfg, rows("08DC3D5A1B2C0001", 0, cat(open, newCert, message, quit)...))
	if len(fs) != 0 {
		t.Errorf("with contoso.net accepted: %s", ids(fs))
	}
}

func TestLegacySmartHostFromExport(t *testing.T) {
	cfg := analyze.Config{Now: now, HaveSend: true, SendConnectors: []parser.SendConnector{
		{Name: "Outbound to Office 365", SmartHosts: []string{"mail.messaging.microsoft.com"}, File: "send.txt", Line: 2}}}
	ss, fs, _ := check(t, cfg, rows("08DC3D5A1B2C0001", 0, cat(open, oldCert, message, quit)...))
	f := find(fs, "legacy-smart-host")
	if f == nil || f.Sessions != 1 || !strings.Contains(f.Explanation, "send.txt:2") {
		t.Fatalf("legacy-smart-host: %+v", f)
	}
	if !slices.Contains(ss[0].Findings, "legacy-smart-host") {
		t.Errorf("session findings %v", ss[0].Findings)
	}
}

func TestSkippedChecks(t *testing.T) {
	_, _, sk := check(t, analyze.Config{Now: now}, rows("08DC3D5A1B2C0001", 0, cat(open, oldCert, message, quit)...))
	var got []string
	for _, s := range sk {
		got = append(got, s.ID+"="+s.Flag)
	}
	want := "cert-name-mismatch=--connectors sender-ip-not-in-connector=--connectors cert-domain-not-accepted=--accepted-domains legacy-smart-host=--send-connectors certificate-expiring=--certificates"
	if strings.Join(got, " ") != want {
		t.Errorf("skipped = %s", strings.Join(got, " "))
	}
	_, _, sk = check(t, analyze.Config{Now: now, HaveInbound: true, HaveDomains: true, HaveSend: true, HaveCerts: true}, rows("08DC3D5A1B2C0001", 0, cat(open, oldCert, message, quit)...))
	if len(sk) != 0 {
		t.Errorf("all exports given, still skipped: %+v", sk)
	}
}

func TestWholePictureChecks(t *testing.T) {
	// A 90 s pause inside a session.
	slow := strings.Replace(rows("08DC3D5A1B2C0001", 0, cat(open, message, quit)...), "2024-03-05T20:00:14", "2024-03-05T20:01:44", 1)
	slow = strings.Replace(slow, "2024-03-05T20:00:15", "2024-03-05T20:01:45", 1)
	_, fs, _ := check(t, analyze.Config{Now: now}, slow)
	if f := find(fs, "long-gap"); f == nil || !strings.Contains(f.Explanation, "nothing was logged for 1m3") || len(f.Evidence) == 0 {
		t.Errorf("long-gap: %+v", f)
	}
	_, fs, _ = check(t, analyze.Config{Now: now, GapThreshold: 5 * time.Minute}, slow)
	if find(fs, "long-gap") != nil {
		t.Errorf("long-gap under a 5m threshold")
	}

	// 25 idle sessions out of 30 on a send connector.
	var bodies []string
	idle := []string{"+||", "<|220 AM4PEPF00027A6C.mail.protection.outlook.com ready", ">|EHLO a", "<|250 OK", ">|QUIT", "<|221 bye", "-||Local"}
	for i := 0; i < 30; i++ {
		spec := idle
		if i%6 == 0 {
			spec = cat(open, message, quit)
		}
		bodies = append(bodies, rows(fmt.Sprintf("08DC3D5A1B2C%04X", i), i*30, spec...))
	}
	_, fs, _ = check(t, analyze.Config{Now: now}, bodies...)
	if f := find(fs, "idle-sessions"); f == nil || f.Sessions != 25 || !strings.Contains(f.Explanation, "25 of 30") {
		t.Errorf("idle-sessions: %+v", f)
	}
}

func TestMissingLogs(t *testing.T) {
	c := analyze.NewChecker(analyze.Config{Now: now})
	c.SetFiles([]string{"E/SmtpSend/SEND2024030520-1.LOG", "E/SmtpSend/SEND2024030520-3.LOG", "E/SmtpSend/SEND2024030520-4.LOG", "E/SmtpSend/SEND2024030521-1.LOG"})
	// A session that began before the first file given.
	for _, s := range assemble(t, analyze.Options{}, [2]string{"E/SmtpSend/SEND2024030520-1.LOG", rows("5A1", 27, message[1:]...) + rows("5A2", 0, cat(open, message, quit)...)}) {
		c.Check(s)
	}
	fs, _ := c.Findings()
	var gap, midway *analyze.Finding
	for i := range fs {
		if fs[i].ID == "missing-logs" && strings.HasPrefix(fs[i].Key, "gap:") {
			gap = &fs[i]
		}
		if fs[i].ID == "missing-logs" && strings.HasPrefix(fs[i].Key, "midway:") {
			midway = &fs[i]
		}
	}
	if gap == nil || !strings.Contains(gap.Explanation, "SEND2024030520-2.LOG") || strings.Contains(gap.Explanation, "2024030521") {
		t.Errorf("rollover gap: %+v", gap)
	}
	if midway == nil || midway.Sessions != 1 || midway.SessionIDs[0] != "5A1" {
		t.Errorf("midway: %+v", midway)
	}
}

// Hostile input with ever new reply texts cannot grow the findings: past
// a cap the rest count under one "other" finding, and nothing is lost.
func TestFindingsCapped(t *testing.T) {
	var bodies []string
	for i := 0; i < 300; i++ {
		bodies = append(bodies, rows(fmt.Sprintf("08DC3D5A1B2C%04X", i), i, "+||", "<|220 mx.fabrikam.com ESMTP", ">|EHLO a",
			"<|250 mx", ">|MAIL FROM:<a@contoso.com>", fmt.Sprintf("<|550 5.7.1 policy %d says no", i), ">|QUIT", "<|221 bye", "-||Local"))
	}
	_, fs, _ := check(t, analyze.Config{Now: now}, bodies...)
	n, total := 0, 0
	var other *analyze.Finding
	for i := range fs {
		if fs[i].ID == "response-rejected" {
			n++
			total += fs[i].Sessions
			if fs[i].Key == "other" {
				other = &fs[i]
			}
		}
	}
	if n != 201 || total != 300 || other == nil || other.Sessions != 100 {
		t.Errorf("%d response-rejected findings covering %d sessions; other %+v", n, total, other)
	}
}
