package analyze_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/parser"
)

// redactCase is one call and its expected answer; cases of one table run
// on a fresh Redactor each, so numbering starts at 1.
type redactCase struct {
	name, in, want string
}

func TestRedactHost(t *testing.T) {
	for _, c := range []redactCase{
		{"apex", "contoso.com", "domain-1.example"},
		{"host", "mail.contoso.com", "host-1.domain-1.example"},
		{"deeper", "mail.sub.contoso.com", "host-1.host-2.domain-1.example"},
		{"wildcard", "*.contoso.com", "*.domain-1.example"},
		{"case", "MAIL.Contoso.COM", "host-1.domain-1.example"},
		{"trailing dot", "mail.contoso.com.", "host-1.domain-1.example."},
		{"two-level suffix", "mail.contoso.co.uk", "host-1.domain-1.example"},
		{"public suffix", "co.uk", "co.uk"},
		{"wildcard tld", "*.com", "*.com"},
		{"server", "EXCH01", "server-1"},
		{"word", "localhost", "localhost"},
		{"tenant", "contoso.onmicrosoft.com", "tenant-1.onmicrosoft.com"},
		{"tenant mail", "contoso.mail.onmicrosoft.com", "tenant-1.mail.onmicrosoft.com"},
		{"onmicrosoft itself", "mail.onmicrosoft.com", "mail.onmicrosoft.com"},
		{"tenant endpoint", "contoso-com.mail.protection.outlook.com", "domain-1-example.mail.protection.outlook.com"},
		{"tenant endpoint co.uk", "contoso-co-uk.mail.protection.outlook.com", "domain-1-example.mail.protection.outlook.com"},
		{"eop server", "AM4PEPF00027A6C.mail.protection.outlook.com", "AM4PEPF00027A6C.mail.protection.outlook.com"},
		{"eop wildcard", "*.mail.protection.outlook.com", "*.mail.protection.outlook.com"},
		{"eop outbound", "EUR05-DB8-obe.outbound.protection.outlook.com", "EUR05-DB8-obe.outbound.protection.outlook.com"},
		{"legacy", "mail.messaging.microsoft.com", "mail.messaging.microsoft.com"},
		{"frontbridge", "mail.global.frontbridge.com", "mail.global.frontbridge.com"},
		{"office365", "outlook.office365.com", "outlook.office365.com"},
		{"address", "203.0.113.10", "198.18.0.1"},
		{"bracketed", "[203.0.113.10]", "[198.18.0.1]"},
		{"empty", "", ""},
		{"token", "host-1.domain-1.example", "host-1.domain-1.example"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := analyze.NewRedactor(nil).Host(c.in); got != c.want {
				t.Errorf("Host(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestRedactHostSequence checks that one Redactor keeps domains and labels
// apart and together as the originals are.
func TestRedactHostSequence(t *testing.T) {
	r := analyze.NewRedactor(nil)
	for _, c := range [][2]string{
		{"mail.contoso.com", "host-1.domain-1.example"},
		{"smtp.contoso.com", "host-2.domain-1.example"},
		{"mail.fabrikam.com", "host-1.domain-2.example"},
		{"Contoso.com", "domain-1.example"},
		{"*.CONTOSO.COM", "*.domain-1.example"},
		{"MAIL.contoso.COM", "host-1.domain-1.example"},
		{"contoso.onmicrosoft.com", "tenant-1.onmicrosoft.com"},
		{"contoso.mail.onmicrosoft.com", "tenant-1.mail.onmicrosoft.com"},
		{"contoso-com.mail.protection.outlook.com", "domain-1-example.mail.protection.outlook.com"},
		{"fabrikam-com.mail.protection.outlook.com", "domain-2-example.mail.protection.outlook.com"},
	} {
		if got := r.Host(c[0]); got != c[1] {
			t.Errorf("Host(%q) = %q, want %q", c[0], got, c[1])
		}
	}
	// A known server name keeps its token as a label.
	r.Learn(&analyze.Session{Server: "EXCH01"})
	if got, want := r.Host("EXCH01.contoso.com"), "server-1.domain-1.example"; got != want {
		t.Errorf("Host(EXCH01.contoso.com) = %q, want %q", got, want)
	}
}

func TestRedactEmail(t *testing.T) {
	for _, c := range []redactCase{
		{"plain", "alice@contoso.com", "user-1@domain-1.example"},
		{"bracketed", "<alice@contoso.com>", "<user-1@domain-1.example>"},
		{"null sender", "<>", "<>"},
		{"empty", "", ""},
		{"quoted local part", `"billing dept"@fabrikam.net`, "user-1@domain-1.example"},
		{"subdomain", "copier-3f@scan.contoso.local", "user-1@host-1.domain-1.example"},
		{"postmaster", "postmaster@contoso.com", "postmaster@domain-1.example"},
		{"microsoft domain", "someone@outlook.com", "user-1@outlook.com"},
		{"address literal", "alice@[192.0.2.1]", "user-1@[198.18.0.1]"},
		{"utf-8", "d.müller@example.org", "user-1@domain-1.example"},
		{"no domain", "alice", "user-1"},
		{"token", "user-1@domain-1.example", "user-1@domain-1.example"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := analyze.NewRedactor(nil).Email(c.in); got != c.want {
				t.Errorf("Email(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
	r := analyze.NewRedactor(nil)
	for _, c := range [][2]string{
		{"alice@contoso.com", "user-1@domain-1.example"},
		{"bob@contoso.com", "user-2@domain-1.example"},
		{"ALICE@Contoso.COM", "user-1@domain-1.example"},
		{"alice@fabrikam.com", "user-3@domain-2.example"},
		{"<bob@contoso.com>", "<user-2@domain-1.example>"},
	} {
		if got := r.Email(c[0]); got != c[1] {
			t.Errorf("Email(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

func TestRedactAddr(t *testing.T) {
	for _, c := range []redactCase{
		{"ipv4", "203.0.113.10", "198.18.0.1"},
		{"ipv4 port", "203.0.113.10:25", "198.18.0.1:25"},
		{"private", "10.1.2.3:52313", "198.18.0.1:52313"},
		{"ipv6", "2a00:1450:4001::1b", "2001:db8::1"},
		{"ipv6 port", "[2a00:1450:4001::1b]:25", "[2001:db8::1]:25"},
		{"ipv6 bracketed", "[2a00:1450:4001::1b]", "[2001:db8::1]"},
		{"mapped", "::ffff:203.0.113.10", "198.18.0.1"},
		{"eop", "40.107.22.52:25", "40.107.22.52:25"},
		{"eop 52.100/14", "52.101.68.12:25", "52.101.68.12:25"},
		{"eop 104.47", "104.47.18.106", "104.47.18.106"},
		{"eop ipv6", "[2a01:111:f400::5]:25", "[2a01:111:f400::5]:25"},
		{"eop ipv6 f403", "2a01:111:f403:c201::3", "2a01:111:f403:c201::3"},
		{"loopback", "127.0.0.1:25", "127.0.0.1:25"},
		{"unspecified", "0.0.0.0", "0.0.0.0"},
		{"host and port", "mail.contoso.com:25", "host-1.domain-1.example:25"},
		{"empty", "", ""},
		{"token", "198.18.0.1:25", "198.18.0.1:25"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := analyze.NewRedactor(nil).Addr(c.in); got != c.want {
				t.Errorf("Addr(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
	r := analyze.NewRedactor(nil)
	for _, c := range [][2]string{
		{"203.0.113.10", "198.18.0.1"},
		{"203.0.113.77:40988", "198.18.0.2:40988"},
		{"203.0.113.10:52313", "198.18.0.1:52313"},
		{"[2a00::1]:25", "[2001:db8::1]:25"},
		{"2a00::2", "2001:db8::2"},
	} {
		if got := r.Addr(c[0]); got != c[1] {
			t.Errorf("Addr(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

func TestRedactText(t *testing.T) {
	for _, c := range []redactCase{
		{"ehlo reply", "250-AM4PEPF00027A6C.mail.protection.outlook.com Hello [203.0.113.10]",
			"250-AM4PEPF00027A6C.mail.protection.outlook.com Hello [198.18.0.1]"},
		{"ehlo reply of ours", "250-EXCH-SH02.contoso.com Hello [198.51.100.25]",
			"250-host-1.domain-1.example Hello [198.18.0.1]"},
		{"attr35", "451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35. For more information please go to https://go.microsoft.com/fwlink/?linkid=865268 [AM4PEPF00027A6C.eurprd04.prod.outlook.com]",
			"451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35. For more information please go to https://go.microsoft.com/fwlink/?linkid=865268 [AM4PEPF00027A6C.eurprd04.prod.outlook.com]"},
		{"tenant attribution", "550 5.7.64 TenantAttribution; Relay Access Denied [DB1PEPF000509F1.eurprd05.prod.outlook.com]",
			"550 5.7.64 TenantAttribution; Relay Access Denied [DB1PEPF000509F1.eurprd05.prod.outlook.com]"},
		{"tls", "TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits",
			"TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits"},
		{"thumbprint", "3F7A9C2E51B84D06A1C3E5F7092B4D6F8A1C3E5B,Certificate thumbprint", "3F7A9C2E51B84D06A1C3E5F7092B4D6F8A1C3E5B,Certificate thumbprint"},
		{"not names", "#Version: 15.0.0.0 SEND2024030520-1.LOG 5.7.64 2.6.0 15.02.1544.004 e.g. 0.068 KB/sec",
			"#Version: 15.0.0.0 SEND2024030520-1.LOG 5.7.64 2.6.0 15.02.1544.004 e.g. 0.068 KB/sec"},
		{"times", "2024-03-05T20:00:44.406Z Tarpit for '0.00:00:05' at 20:00:44", "2024-03-05T20:00:44.406Z Tarpit for '0.00:00:05' at 20:00:44"},
		{"dotnet and powershell", `Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain "<I>$($c.Issuer)<S>$($c.Subject)"`,
			`Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain "<I>$($c.Issuer)<S>$($c.Subject)"`},
		{"row", "2024-03-05T20:00:44.406Z,Outbound to Office 365,08DC3C8E5F1A2B43,44,192.0.2.21:52313,40.107.22.52:25,>,MAIL FROM:<copier-3f@scan.contoso.local> SIZE=412880 XOORG=contoso.com,",
			"2024-03-05T20:00:44.406Z,Outbound to Office 365,08DC3C8E5F1A2B43,44,198.18.0.1:52313,40.107.22.52:25,>,MAIL FROM:<user-1@host-1.domain-1.example> SIZE=412880 XOORG=domain-2.example,"},
		{"quoted local part in csv", `"MAIL FROM:<""billing dept""@fabrikam.net>"`, `"MAIL FROM:<user-1@domain-1.example>"`},
		{"message id", "InternetMessageId <f3b6941770ad20829c9ea63d2e541803@mail.contoso.com>", "InternetMessageId <user-1@host-1.domain-1.example>"},
		{"subject", "CN=mail.contoso.com, OU=IT, O=Contoso Ltd, L=Shanghai, S=Shanghai, C=CN",
			"CN=host-1.domain-1.example, OU=IT, O=org-1, L=place-1, S=place-1, C=CN"},
		{"quoted subject", `*,"CN=mail.contoso.com, OU=IT, O=Contoso Ltd., C=CN",Certificate subject`,
			`*,"CN=host-1.domain-1.example, OU=IT, O=org-1, C=CN",Certificate subject`},
		{"microsoft subject", "CN=mail.protection.outlook.com, O=Microsoft Corporation, L=Redmond, S=WA, C=US",
			"CN=mail.protection.outlook.com, O=Microsoft Corporation, L=Redmond, S=WA, C=US"},
		{"public issuer", `"CN=R3, O=Let's Encrypt, C=US"`, `"CN=R3, O=Let's Encrypt, C=US"`},
		{"one-row certificate", `" CN=EXCH01.contoso.com CN=R3, O=Let's Encrypt, C=US 04D2E6F80A1C3E5B7D9F1A3C5E7B9D1F3A5C 9E4C1B7A3D5F2E8C6A0B4D2F1E3C5A7B9D0F2E4A 2024-01-10T00:00:00.000Z 2024-04-09T23:59:59.000Z EXCH01.contoso.com;mail.contoso.com"`,
			`" CN=host-1.domain-1.example CN=R3, O=Let's Encrypt, C=US 04D2E6F80A1C3E5B7D9F1A3C5E7B9D1F3A5C 9E4C1B7A3D5F2E8C6A0B4D2F1E3C5A7B9D0F2E4A 2024-01-10T00:00:00.000Z 2024-04-09T23:59:59.000Z host-1.domain-1.example;host-2.domain-1.example"`},
		{"tls certificate name", "<I>CN=R3, O=Let's Encrypt, C=US<S>CN=mail.contoso.com", "<I>CN=R3, O=Let's Encrypt, C=US<S>CN=host-1.domain-1.example"},
		{"private ca", "CN=Contoso-Issuing-CA, DC=corp, DC=contoso, DC=com", "CN=server-1, DC=host-1, DC=domain-1, DC=example"},
		{"connect error", "Failed to connect. Winsock error code: 10060, Win32 error code: 10060, Destination domain: contoso.mail.onmicrosoft.com, Error Message: A connection attempt failed.",
			"Failed to connect. Winsock error code: 10060, Win32 error code: 10060, Destination domain: tenant-1.mail.onmicrosoft.com, Error Message: A connection attempt failed."},
		{"remedy", "(for contoso.com: contoso-com.mail.protection.outlook.com), never mail.messaging.microsoft.com or <your-domain-with-dashes>.mail.protection.outlook.com",
			"(for domain-1.example: domain-1-example.mail.protection.outlook.com), never mail.messaging.microsoft.com or <your-domain-with-dashes>.mail.protection.outlook.com"},
		{"wildcard", `TlsSenderCertificateName "*.contoso.com"; lookup names (smtp.contoso.net, *.contoso.net).`,
			`TlsSenderCertificateName "*.domain-1.example"; lookup names (host-1.domain-2.example, *.domain-2.example).`},
		{"sentence end", "The name is mail.contoso.com.", "The name is host-1.domain-1.example."},
		{"account", `User Name: CONTOSO\jdoe`, "User Name: account-1"},
		{"receive connector", `2024-03-05T20:01:02.911Z,EXCH09\Default Frontend EXCH09,08DC3C8E4E0D7A1C,0,192.0.2.21:25,`,
			`2024-03-05T20:01:02.911Z,server-1\Default Frontend server-1,08DC3C8E4E0D7A1C,0,198.18.0.1:25,`},
		{"learned late", "EHLO FOO01, then CN=FOO01", "EHLO server-1, then CN=server-1"},
		{"auth user", "User Name: scanner@contoso.com", "User Name: user-1@domain-1.example"},
		{"ipv6", "Hello [2a00:1450:4001::1b] from fe80::1:25, not ::1", "Hello [2001:db8::1] from 2001:db8::2, not ::1"},
		{"cidr", "IP addresses 198.51.100.0/24", "IP addresses 198.18.0.1/24"},
		{"capitalised word", "failed.Retry and c.Issuer", "failed.Retry and c.Issuer"},
		{"user folder", `C:\Users\jdoe\Desktop\logs`, `C:\Users\account-1\Desktop\logs`},
		{"empty", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := analyze.NewRedactor(nil).Text(c.in); got != c.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

// TestRedactTextLearned checks names known only from a session: servers
// and organisation names.
func TestRedactTextLearned(t *testing.T) {
	r := analyze.NewRedactor(nil)
	r.Learn(&analyze.Session{
		Source:    "testdata/samples/EXCH01/TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpReceive",
		Server:    "EXCH01",
		Connector: `EXCH01\Default Frontend EXCH01`,
		EHLO:      "MFP-3F-EAST",
		LocalCert: &analyze.Certificate{Subject: "CN=mail.contoso.com, OU=IT, O=Contoso Ltd., L=Shanghai, S=Shanghai, C=CN"},
	})
	for _, c := range [][2]string{
		{`EXCH01\Default Frontend EXCH01`, `server-1\Default Frontend server-1`},
		{"EHLO MFP-3F-EAST", "EHLO server-2"},
		{"InternalId=2043517925772, Hostname=EXCH01.contoso.com]", "InternalId=2043517925772, Hostname=server-1.domain-1.example]"},
		{"WMSvc-SHA2-EXCH01", "WMSvc-SHA2-server-1"},
		{"signed by Contoso Ltd. in Shanghai", "signed by org-1 in place-1"},
		{"Outbound to Office 365", "Outbound to Office 365"},
		{"exch01 in lower case", "server-1 in lower case"},
	} {
		if got := r.Text(c[0]); got != c[1] {
			t.Errorf("Text(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

// The distinctive label of a redacted domain goes with it in free text:
// an organisation's name in a connector name does not survive.
func TestRedactDomainWord(t *testing.T) {
	r := analyze.NewRedactor(nil)
	r.Learn(&analyze.Session{
		LocalCert: &analyze.Certificate{Subject: "CN=mail.contoso.com", SANs: []string{"mail.contoso.com", "smtp.office-partner.net"}},
		Messages:  []analyze.Message{{From: "a@fabrikam.co.uk"}},
	})
	for _, c := range [][2]string{
		{"Outbound to Contoso Partners", "Outbound to domain-1 Partners"},
		{"CONTOSO relay", "domain-1 relay"},
		{"Fabrikam via Office 365", "domain-3 via Office 365"},
		{"Outbound to Office 365", "Outbound to Office 365"},
		{"Contosos", "Contosos"},
	} {
		if got := r.Text(c[0]); got != c[1] {
			t.Errorf("Text(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

func TestRedactPath(t *testing.T) {
	for _, c := range []redactCase{
		{"sample", "testdata/samples/EXCH01/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend/SEND2024030520-1.LOG",
			"testdata/samples/server-1/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend/SEND2024030520-1.LOG"},
		{"folder", "testdata/samples/EXCH02/V15/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend",
			"testdata/samples/server-1/V15/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend"},
		{"unc", `\\EXCH02\d$\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Hub\ProtocolLog\SmtpSend\SEND20240305-1.LOG`,
			`\\server-1\d$\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Hub\ProtocolLog\SmtpSend\SEND20240305-1.LOG`},
		{"user folder", `C:\Users\jdoe\Desktop\EXCH01\TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive\RECV2024030520-1.LOG`,
			`C:\Users\account-1\Desktop\server-1\TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive\RECV2024030520-1.LOG`},
		{"no server", "testdata/samples/oddities/SEND-truncated.LOG", "testdata/samples/oddities/SEND-truncated.LOG"},
		{"host folder", "logs/mail.contoso.com/SEND2024030520-1.LOG", "logs/host-1.domain-1.example/SEND2024030520-1.LOG"},
		{"stdin", "-", "-"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := analyze.NewRedactor(nil).Path(c.in); got != c.want {
				t.Errorf("Path(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestRedactKeys(t *testing.T) {
	values := func(r *analyze.Redactor) []string {
		return []string{r.Host("mail.contoso.com"), r.Host("contoso.com"), r.Email("alice@fabrikam.com"),
			r.Addr("203.0.113.10:25"), r.Addr("[2a00::1]:25"), r.Host("EXCH01"), r.Host("contoso.onmicrosoft.com"),
			r.Text("CN=x.contoso.com, O=Contoso Ltd, L=Shanghai")}
	}
	a := values(analyze.NewRedactor([]byte("ticket-4711")))
	// Ask a second Redactor in another order: keyed tokens do not depend
	// on the order of first appearance.
	r2 := analyze.NewRedactor([]byte("ticket-4711"))
	r2.Host("other.example.net")
	r2.Addr("192.0.2.99")
	b := values(r2)
	c := values(analyze.NewRedactor([]byte("another key")))
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("same key: %q vs %q", a[i], b[i])
		}
		if a[i] == c[i] {
			t.Errorf("different keys both gave %q", a[i])
		}
	}
	keyed := regexp.MustCompile(`^host-[0-9a-f]{6}\.domain-[0-9a-f]{6}\.example$`)
	if !keyed.MatchString(a[0]) {
		t.Errorf("keyed host token %q, want host-xxxxxx.domain-xxxxxx.example", a[0])
	}
	if ap, err := netip.ParseAddrPort(a[3]); err != nil || !netip.MustParsePrefix("198.18.0.0/15").Contains(ap.Addr()) || ap.Port() != 25 {
		t.Errorf("keyed address %q, want one in 198.18.0.0/15 with port 25", a[3])
	}
	if ap, err := netip.ParseAddrPort(a[4]); err != nil || !netip.MustParsePrefix("2001:db8::/32").Contains(ap.Addr()) {
		t.Errorf("keyed IPv6 address %q, want one in 2001:db8::/32", a[4])
	}

	// Without a key: numbered in order of first appearance, and two
	// Redactors agree when asked in the same order.
	n1, n2 := values(analyze.NewRedactor(nil)), values(analyze.NewRedactor(nil))
	want := []string{"host-1.domain-1.example", "domain-1.example", "user-1@domain-2.example", "198.18.0.1:25",
		"[2001:db8::1]:25", "server-1", "tenant-1.onmicrosoft.com", "CN=host-2.domain-1.example, O=org-1, L=place-1"}
	for i := range want {
		if n1[i] != want[i] || n2[i] != want[i] {
			t.Errorf("no key: got %q and %q, want %q", n1[i], n2[i], want[i])
		}
	}
}

func TestRedactReplaced(t *testing.T) {
	r := analyze.NewRedactor(nil)
	r.Text("MAIL FROM:<alice@contoso.com> from 203.0.113.10:25 and 203.0.113.10:26 via mail.contoso.com EHLO smtp.fabrikam.com")
	r.Host("EXCH01")
	got := r.Replaced()
	want := map[string]int{"e-mail addresses": 1, "IP addresses": 1, "domains": 2, "host names": 2, "server names": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Replaced() = %v, want %v", got, want)
	}
}

// TestRedactKeepsMatching redacts certificate names, connector names and
// accepted domains with one Redactor and checks that Exchange Online's
// attribution rules give the same answers before and after.
func TestRedactKeepsMatching(t *testing.T) {
	certs := [][]string{
		{"mail.contoso.com", "autodiscover.contoso.com"},
		{"smtp.contoso.net", "autodiscover.contoso.net"},
		{"host.sub.contoso.com"},
		{"*.contoso.com"},
		{"contoso.com"},
		{"MAIL.CONTOSO.COM"},
		{"mail.contoso.co.uk"},
		{"EXCH01.contoso.com", "mail.contoso.com"},
		{"relay.fabrikam.com"},
	}
	tlsNames := []string{"*.contoso.com", "mail.contoso.com", "contoso.com", "*.sub.contoso.com", "host.sub.contoso.com",
		"*.contoso.net", "*.fabrikam.com", "Mail.Contoso.com", "*.contoso.co.uk", "smtp.contoso.net"}
	domainSets := [][]parser.AcceptedDomain{
		{{DomainName: "contoso.com"}},
		{{DomainName: "contoso.com", MatchSubDomains: true}},
		{{DomainName: "sub.contoso.com"}, {DomainName: "contoso.net"}},
		{{DomainName: "*.contoso.com"}},
		{{DomainName: "contoso.co.uk"}, {DomainName: "contoso.onmicrosoft.com"}},
		nil,
	}
	r := analyze.NewRedactor(nil)
	for _, names := range certs {
		rnames := make([]string, len(names))
		for i, n := range names {
			rnames[i] = r.Host(n)
		}
		// Under a two-level suffix the registrable domain loses a label
		// (contoso.co.uk gives domain-1.example), and with it the key
		// "*.co.uk", which no connector can use anyway.
		if got, want := len(analyze.CertLookupKeys(rnames)), len(analyze.CertLookupKeys(names)); names[0] != "mail.contoso.co.uk" && got != want {
			t.Errorf("CertLookupKeys(%v) has %d keys after redaction, %d before", names, got, want)
		}
		for _, tn := range tlsNames {
			for di, ds := range domainSets {
				conns := []parser.InboundConnector{{Name: "c", Enabled: true, Type: "OnPremises", TLSSenderCertificateName: tn}}
				rconns := []parser.InboundConnector{{Name: "c", Enabled: true, Type: "OnPremises", TLSSenderCertificateName: r.Host(tn)}}
				var rds []parser.AcceptedDomain
				for _, d := range ds {
					d.DomainName = r.Host(d.DomainName)
					rds = append(rds, d)
				}
				before := analyze.MatchCertificate(names, conns, ds)
				after := analyze.MatchCertificate(rnames, rconns, rds)
				if (before.Connector != nil) != (after.Connector != nil) || before.Coverage.Covered != after.Coverage.Covered {
					t.Errorf("cert %v, connector %q, domains %d: match %v/%v before, %v/%v after (%v vs %q)",
						names, tn, di, before.Connector != nil, before.Coverage.Covered, after.Connector != nil, after.Coverage.Covered, rnames, r.Host(tn))
				}
				for i, n := range names {
					b, a := analyze.AcceptedCoverage(n, ds), analyze.AcceptedCoverage(rnames[i], rds)
					if b.Covered != a.Covered || (b.Need == "") != (a.Need == "") || r.Host(b.Need) != a.Need {
						t.Errorf("AcceptedCoverage(%q, %d) = %+v before, %+v after (%q)", n, di, b, a, rnames[i])
					}
				}
			}
		}
	}
	// The KB 4019940 case by name.
	acc := []parser.AcceptedDomain{{DomainName: r.Host("contoso.com")}}
	if analyze.AcceptedCoverage(r.Host("host.sub.contoso.com"), acc).Covered {
		t.Error("host.sub.contoso.com is covered by contoso.com after redaction")
	}
	if !analyze.AcceptedCoverage(r.Host("mail.contoso.com"), acc).Covered {
		t.Error("mail.contoso.com is not covered by contoso.com after redaction")
	}
}

// TestRedactIdempotent checks that tokens are not redacted again.
func TestRedactIdempotent(t *testing.T) {
	sessions := sampleSessions(t)
	r := analyze.NewRedactor(nil)
	for _, s := range sessions {
		for _, l := range transcriptOf(s) {
			once := r.Text(l)
			if twice := r.Text(once); twice != once {
				t.Fatalf("Text twice:\n once %q\ntwice %q", once, twice)
			}
		}
	}
}

// ---- the leak test ----

// sampleInputs lists the sample logs in the order logscan reads them.
func sampleInputs(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("../testdata/samples", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".log") {
			files = append(files, filepath.ToSlash(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	analyze.SortFiles(files)
	return files
}

// scanSamples reads the sample logs like logscan does; each finished
// session goes to emit, and the files' stats to sum.
func scanSamples(t testing.TB, sum *analyze.Summary, emit func(*analyze.Session)) {
	t.Helper()
	a := analyze.NewAssembler(analyze.Options{Transcripts: true, Emit: emit})
	for _, name := range sampleInputs(t) {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src := analyze.SourceOf(name)
		fs := analyze.FileStats{Name: name, Source: src, LogType: parser.LogTypeFromName(name)}
		rd := parser.NewReader(bytes.NewReader(b), name)
		rd.DefaultLogType = fs.LogType
		for {
			rec, err := rd.Read()
			if err == io.EOF {
				break
			}
			var pe *parser.ParseError
			if errors.As(err, &pe) {
				if sum != nil {
					sum.AddParseError(pe)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			a.Add(src, name, rec)
		}
		fs.Stats = rd.Stats()
		if sum != nil {
			sum.AddFile(fs)
		}
	}
	a.Flush()
}

func sampleSessions(t testing.TB) []*analyze.Session {
	var out []*analyze.Session
	scanSamples(t, nil, func(s *analyze.Session) { s.Keep(); out = append(out, s) })
	if len(out) < 30 {
		t.Fatalf("%d sessions from the samples, want 33", len(out))
	}
	return out
}

func transcriptOf(s *analyze.Session) []string {
	lines, _ := s.Transcript()
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		out = append(out, l.Raw)
	}
	return out
}

// render writes out everything a session holds: its fields (%+v reaches
// the unexported ones, JSON follows the pointers) and its transcript.
func render(s *analyze.Session) string {
	j, err := json.Marshal(s)
	if err != nil {
		j = []byte(err.Error())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%+v\n%s\n", *s, j)
	lines, _ := s.Transcript()
	for _, l := range lines {
		fmt.Fprintf(&b, "%s:%d %s\n", l.Pos.File, l.Pos.Line, l.Raw)
	}
	return b.String()
}

var (
	reEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-\x80-\xff]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,24}`)
	reIPv4  = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}\b`)
	reHost  = regexp.MustCompile(`\b(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,24}\b`)
	// a tenant's domain in its mail endpoint, not a Microsoft server
	tenantLabel = regexp.MustCompile(`^[a-z][a-z0-9-]*-[a-z]{2,24}$`)
	fileExt     = regexp.MustCompile(`\.(log|md|csv|txt|json)$`)
)

// secrets gathers what identifies the organisation in the original
// sessions: e-mail addresses, IPv4 addresses outside Exchange Online
// Protection, host and domain names outside Microsoft's, and server names.
type secrets map[string]string // lower-case value -> what it is

func (sc secrets) add(kind, v string) {
	v = strings.TrimSpace(v)
	if len(v) >= 3 {
		sc[strings.ToLower(v)] = kind
	}
}

func (sc secrets) scan(text string) {
	for _, m := range reEmail.FindAllString(text, -1) {
		sc.add("e-mail address", strings.TrimLeft(m, "."))
	}
	for _, m := range reIPv4.FindAllString(text, -1) {
		a, err := netip.ParseAddr(m)
		if err != nil || analyze.IsEOPAddress(m) || a.IsLoopback() || a.IsUnspecified() || strings.HasSuffix(m, ".0.0.0") {
			continue
		}
		sc.add("IP address", m)
	}
	for _, m := range reHost.FindAllString(text, -1) {
		sc.host(m)
	}
}

// host adds a host name and its domain, unless Microsoft's or a file name.
func (sc secrets) host(h string) {
	h = strings.TrimPrefix(strings.TrimSuffix(h, "."), "*.")
	tld := h[strings.LastIndexByte(h, '.')+1:]
	if tld != strings.ToLower(tld) && tld != strings.ToUpper(tld) {
		return // $c.Issuer, not a name
	}
	h = strings.ToLower(h)
	if !strings.Contains(h, ".") || fileExt.MatchString(h) {
		return
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return
	}
	labels := strings.Split(h, ".")
	if i := strings.IndexByte(h, '@'); i >= 0 {
		return
	}
	for _, ms := range []string{"outlook.com", "microsoft.com", "office365.com", "office.com", "frontbridge.com"} {
		if h == ms || strings.HasSuffix(h, "."+ms) {
			if strings.HasSuffix(h, ".mail.protection.outlook.com") && tenantLabel.MatchString(labels[0]) {
				sc.add("tenant endpoint", labels[0]) // contoso-com
			}
			return
		}
	}
	if strings.HasSuffix(h, ".onmicrosoft.com") {
		if h != "mail.onmicrosoft.com" {
			sc.add("tenant", labels[0]+".") // contoso.onmicrosoft.com, contoso.mail...
		}
		return
	}
	sc.add("host name", h)
	if len(labels) >= 2 {
		sc.add("domain", strings.Join(labels[len(labels)-2:], "."))
	}
}

func (sc secrets) server(n string) {
	n = strings.TrimSpace(n)
	if n != "" && !strings.ContainsAny(n, ".[]: ") {
		sc.add("server name", n)
	}
}

func (sc secrets) session(s *analyze.Session) {
	sc.scan(render(s))
	sc.server(s.Server)
	if i := strings.IndexByte(s.Connector, '\\'); i > 0 {
		sc.server(s.Connector[:i])
	}
	sc.server(s.EHLO)
	sc.server(s.RemoteHost)
	sc.server(analyze.SourceOf(s.First.File).Server)
	for _, n := range []string{s.RemoteHost, s.EHLO} {
		if strings.Contains(n, ".") {
			sc.host(n)
		}
	}
	if c := s.LocalCert; c != nil {
		if cn := analyze.CommonName(c.Subject); cn != "" && !strings.Contains(cn, ".") {
			sc.server(cn)
		}
		for _, n := range analyze.CertNames(c) {
			sc.host(n)
		}
		for _, part := range strings.Split(c.Subject, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			if k == "O" || k == "L" || k == "S" {
				sc.add("certificate "+k, v)
			}
		}
	}
	for _, m := range s.Messages {
		for _, a := range append([]string{m.From, m.MessageID}, m.To...) {
			a = strings.Trim(a, "<>")
			if strings.Contains(a, "@") {
				sc.add("e-mail address", a)
				sc.host(a[strings.LastIndexByte(a, '@')+1:])
			}
		}
		if m.XOORG != "" {
			sc.host(m.XOORG)
		}
	}
}

// check fails the test for every secret found in text.
func (sc secrets) check(t *testing.T, what, text string) {
	t.Helper()
	l := strings.ToLower(text)
	var leaks []string
	for v, kind := range sc {
		if strings.Contains(l, v) {
			leaks = append(leaks, fmt.Sprintf("%s %q", kind, v))
		}
	}
	sort.Strings(leaks)
	for _, leak := range leaks {
		i := strings.Index(l, strings.SplitN(leak, "\"", 3)[1])
		t.Errorf("%s: %s is still there: …%s…", what, leak, text[max(0, i-60):min(len(text), i+60)])
	}
}

func collectSecrets(t *testing.T, sessions []*analyze.Session) secrets {
	sc := secrets{}
	for _, s := range sessions {
		sc.session(s)
	}
	// Make sure the collection found what the samples are known to hold.
	for _, want := range []string{"contoso.com", "contoso.net", "fabrikam.com", "fabrikam.net", "tailspintoys.com",
		"wingtiptoys.com", "example.org", "example.com", "contoso.local", "exch01", "exch02", "mfp-3f-east",
		"192.0.2.21", "203.0.113.10", "198.51.100.7", "scanner@contoso.com", "exch-sh02.contoso.com",
		"contoso.", "contoso ltd.", "shanghai"} {
		if _, ok := sc[want]; !ok {
			t.Errorf("the samples' secrets lack %q", want)
		}
	}
	return sc
}

func TestRedactSessionsLeakNothing(t *testing.T) {
	sessions := sampleSessions(t)
	sc := collectSecrets(t, sessions)
	t.Logf("%d values to hide", len(sc))

	r := analyze.NewRedactor(nil)
	for _, s := range sessions {
		r.Learn(s)
	}
	for _, s := range sessions {
		r.Session(s)
	}
	for _, s := range sessions {
		sc.check(t, "session "+s.ID, render(s))
	}
	// What the diagnosis needs is still there.
	all := ""
	for _, s := range sessions {
		all += render(s)
	}
	for _, keep := range []string{"550 5.7.64 TenantAttribution; Relay Access Denied", "ATTR35", "ATTR36", "CALG_AES_256",
		"SP_PROT_TLS1_2_CLIENT", "3F7A9C2E51B84D06A1C3E5F7092B4D6F8A1C3E5B", "04A1B2C3D4E5F60718293A4B5C6D7E8F9A0B",
		"mail.protection.outlook.com", "40.107.22.52:25", "Outbound to Office 365", `server-1\\Default Frontend server-1`,
		"tenant-1.mail.onmicrosoft.com", "O=Let's Encrypt", "testdata/samples/server-1/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend",
		"08DC3C8E5F1A2B63", "UnknownCredentials", "<>"} {
		if !strings.Contains(all, keep) {
			t.Errorf("redacted sessions lack %q", keep)
		}
	}
	got := r.Replaced()
	for _, k := range []string{"e-mail addresses", "IP addresses", "domains", "host names", "server names", "organisation names", "place names", "tenant names"} {
		if got[k] == 0 {
			t.Errorf("Replaced() = %v, no %s", got, k)
		}
	}
}

func loadExports(t *testing.T) (analyze.Config, []analyze.ExportInfo) {
	t.Helper()
	cfg := analyze.Config{Now: time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC)}
	var infos []analyze.ExportInfo
	open := func(kind, name string) io.Reader {
		b, err := os.ReadFile("../testdata/exports/" + name)
		if err != nil {
			t.Fatal(err)
		}
		infos = append(infos, analyze.ExportInfo{Kind: kind, File: "../testdata/exports/" + name, Form: "json",
			Warnings: []string{"../testdata/exports/" + name + ": example warning about mail.contoso.com and EXCH01"}})
		return bytes.NewReader(b)
	}
	var err error
	if cfg.Inbound, _, err = parser.ReadInboundConnectors(open("connectors", "inbound-connectors.json"), "inbound-connectors.json"); err != nil {
		t.Fatal(err)
	}
	if cfg.Domains, _, err = parser.ReadAcceptedDomains(open("accepted-domains", "accepted-domains.csv"), "accepted-domains.csv"); err != nil {
		t.Fatal(err)
	}
	if cfg.SendConnectors, _, err = parser.ReadSendConnectors(open("send-connectors", "send-connectors-legacy.txt"), "send-connectors-legacy.txt"); err != nil {
		t.Fatal(err)
	}
	if cfg.Certificates, _, err = parser.ReadExchangeCertificates(open("certificates", "certificates.txt"), "certificates.txt"); err != nil {
		t.Fatal(err)
	}
	cfg.HaveInbound, cfg.HaveDomains, cfg.HaveSend, cfg.HaveCerts = true, true, true, true
	return cfg, infos
}

func TestRedactResultLeaksNothing(t *testing.T) {
	cfg, infos := loadExports(t)
	checker := analyze.NewChecker(cfg)
	sum := analyze.NewSummary()
	var sessions []*analyze.Session
	scanSamples(t, sum, func(s *analyze.Session) {
		checker.Check(s)
		sum.AddSession(s)
		s.Keep()
		sessions = append(sessions, s)
	})
	res := sum.Result()
	res.Findings, res.SkippedChecks = checker.Findings()
	res.Exports = infos
	if len(res.Findings) < 5 {
		t.Fatalf("%d findings, want the samples' usual dozen", len(res.Findings))
	}

	sc := collectSecrets(t, sessions)
	// The exports name more: connector certificate names, IP ranges,
	// accepted domains, smart hosts.
	for _, c := range cfg.Inbound {
		if c.TLSSenderCertificateName != "" {
			sc.host(c.TLSSenderCertificateName)
		}
		for _, ip := range c.SenderIPAddresses {
			sc.add("sender IP range", strings.SplitN(ip, "/", 2)[0])
		}
	}
	for _, d := range cfg.Domains {
		sc.host(d.DomainName)
	}
	for _, s := range cfg.SendConnectors {
		sc.host(s.Fqdn)
	}
	// logscan's own remedy names contoso.com's endpoint as an example
	sc.add("tenant endpoint", "contoso-com")
	sc.scan(marshal(t, res))

	r := analyze.NewRedactor(nil)
	r.Result(res)
	after := []byte(marshal(t, res))
	sc.check(t, "result", string(after))
	for _, keep := range []string{"tenant-attribution-denied", "attr35-wrong-region", "5.7.64", "TenantAttribution",
		"3F7A9C2E51B84D06A1C3E5F7092B4D6F8A1C3E5B", "mail.messaging.microsoft.com", "Outbound to Office 365",
		"*.domain-1.example", "learn.microsoft.com"} {
		if !bytes.Contains(after, []byte(keep)) {
			t.Errorf("redacted result lacks %q", keep)
		}
	}
	if testing.Verbose() {
		for _, f := range res.Findings {
			t.Logf("%s: %s\n  %s\n  %s", f.ID, f.Title, f.Explanation, f.Remedy)
		}
	}
}

// marshal renders v as JSON without HTML escapes, so that "<" stays "<".
func marshal(t *testing.T, v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// ---- robustness and speed ----

func FuzzRedactText(f *testing.F) {
	for _, s := range []string{"", "\"", `""@`, "::", "1.2.3.4:", "CN=,O=", "CN=a\\", "O=\"x, y", "a@b", "@", "*.",
		"User Name: ", `\Users\`, "250-", "[::1]:25", "fe80::1%eth0", "x.Com", "EXCH01.contoso.com;mail.contoso.com",
		`" CN=EXCH01.contoso.com CN=R3, O=Let's Encrypt, C=US 04D2 9E4C 2024-01-10T00:00:00.000Z EXCH01.contoso.com"`,
		"\xff\xfe@\xe9.com", "a-.b-.c", "DC=,DC=", "OID.2.5.4.97=x", "DC=.00",
		"000000000000000000000000000000000000 MT 0@Mt", "0\"\"\"\"@0", "\"0\"@0@0", "\"0\"@0-", "0:010:0:0:0:0:0:0:0", "CN=0000000000000 O=0000000000000", "::0\"0\"@0", "E=E=\f 0", "\"O=@\"@0", "\"\"\"0\"@0\"@0", "EXCH01.Contoso.CoM Contoso.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := analyze.NewRedactor(nil)
		r.Learn(&analyze.Session{Server: "EXCH01", LocalCert: &analyze.Certificate{Subject: "CN=a.b.com, O=Contoso Ltd"}})
		once := r.Text(s)
		// A quote may open a quoted local part ("billing dept"@x) or close
		// a field, so on quotes in arbitrary text a second pass may read
		// differently; elsewhere tokens must stay as they are.
		if twice := r.Text(once); twice != once && !strings.Contains(s, `"`) {
			t.Errorf("Text(%q) = %q, then %q", s, once, twice)
		}
		r.Host(s)
		r.Email(s)
		r.Addr(s)
		r.Path(s)
	})
}

func BenchmarkRedactText(b *testing.B) {
	sessions := sampleSessions(b)
	var lines []string
	size := 0
	for _, s := range sessions {
		for _, l := range transcriptOf(s) {
			lines = append(lines, l)
			size += len(l)
		}
	}
	r := analyze.NewRedactor(nil)
	for _, s := range sessions {
		r.Learn(s)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			r.Text(l)
		}
	}
	b.ReportMetric(float64(len(lines))*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// A Redactor used in Options.Emit, on sessions that are reused once Emit
// returns (as logscan --redact --format ndjson does), redacts each as it
// does sessions that are kept: what its tables learn from one session
// stays right after the session's text is reused for the next.
func TestRedactStreaming(t *testing.T) {
	run := func(keep bool) []string {
		red := analyze.NewRedactor([]byte("k"))
		var out []string
		scanSamples(t, nil, func(s *analyze.Session) {
			if keep {
				s.Keep()
			}
			red.Learn(s)
			red.Session(s)
			j, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(j))
		})
		return out
	}
	streamed, kept := run(false), run(true)
	if len(streamed) != len(kept) {
		t.Fatalf("%d sessions streamed, %d kept", len(streamed), len(kept))
	}
	for i := range kept {
		if streamed[i] != kept[i] {
			t.Errorf("session %d redacted differently when not kept:\n%s\nkept:\n%s", i, streamed[i], kept[i])
		}
	}
}
