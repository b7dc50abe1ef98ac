package analyze_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/parser"
)

// assemble feeds each named input (files of one folder, in order) to one
// Assembler and returns the sessions it emitted.
func assemble(t testing.TB, opts analyze.Options, files ...[2]string) []*analyze.Session {
	t.Helper()
	var out []*analyze.Session
	opts.Emit = func(s *analyze.Session) { s.Keep(); out = append(out, s) }
	a := analyze.NewAssembler(opts)
	for _, f := range files {
		name, body := f[0], f[1]
		r := parser.NewReader(strings.NewReader(body), name)
		r.DefaultLogType = parser.LogTypeFromName(name)
		src := analyze.SourceOf(name)
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			var pe *parser.ParseError
			if errors.As(err, &pe) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			a.Add(src, name, rec)
		}
	}
	a.Flush()
	return out
}

// rows builds log rows for one session: each spec is "event|data|context",
// written with a running sequence number and time.
func rows(id string, first int, specs ...string) string {
	var b strings.Builder
	for i, s := range specs {
		p := strings.SplitN(s, "|", 3)
		for len(p) < 3 {
			p = append(p, "")
		}
		fmt.Fprintf(&b, "2024-03-05T20:%02d:%02d.%03dZ,Outbound to Office 365,%s,%d,10.0.0.5:50123,52.101.1.1:25,%s,%s,%s\r\n",
			(first+i)/60%60, (first+i)%60, i, id, first+i, p[0], csvField(p[1]), csvField(p[2]))
	}
	return b.String()
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

var (
	open = []string{"*|SendRoutingHeaders|Set Session Permissions", "*||attempting to connect", "+||",
		"<|220 AM4PEPF00027A6C.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready at Tue, 05 Mar 2024 20:00:44 +0000",
		">|EHLO mail.contoso.com", "<|250-AM4PEPF00027A6C.mail.protection.outlook.com Hello [203.0.113.10]",
		"<|250-SIZE 157286400", "<|250-PIPELINING", "<|250-STARTTLS", "<|250 SMTPUTF8",
		">|STARTTLS", "<|220 2.0.0 SMTP server ready"}
	multiCert = []string{"*||Sending certificate", "*|CN=mail.contoso.com|Certificate subject",
		"*|CN=R3, O=Let's Encrypt, C=US|Certificate issuer name", "*|04A1B2|Certificate serial number",
		"*|3f7a9c2e51b84d06a1c3e5f7091b2d4f6a8c0e12|Certificate thumbprint",
		"*|mail.contoso.com;autodiscover.contoso.com|Certificate alternate names",
		"*||Received certificate", "*|6C2E9A4B7D1F3E5A8C0B2D4F6A8C0E1F3A5B7C9D|Certificate thumbprint",
		"*||TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits",
		">|EHLO mail.contoso.com", "<|250-AM4PEPF00027A6C.mail.protection.outlook.com Hello [203.0.113.10]", "<|250 SMTPUTF8"}
	message = []string{"*||sending message with RecordId 1234 and InternetMessageId <a1@contoso.com>",
		">|MAIL FROM:<alice@contoso.com> SIZE=5120 XOORG=contoso.com", ">|RCPT TO:<bob@fabrikam.com>", ">|RCPT TO:<carol@fabrikam.com>",
		"<|250 2.1.0 Sender OK", "<|250 2.1.5 Recipient OK", "<|250 2.1.5 Recipient OK", ">|BDAT 5120 LAST",
		"<|250 2.6.0 <a1@contoso.com> [InternalId=1, Hostname=AM4] 5120 bytes in 0.1, 50 KB/sec Queued mail for delivery"}
	quit = []string{">|QUIT", "<|221 2.0.0 Service closing transmission channel", "-||Local"}
)

func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestSessionOutcomes(t *testing.T) {
	tests := []struct {
		name     string
		specs    []string
		outcome  analyze.Outcome
		complete bool
		final    string // "code enhanced" of the final reply, "" for none
		starttls analyze.StartTLS
	}{
		{"delivered", cat(open, multiCert, message, quit), analyze.Delivered, true, "250 2.6.0", analyze.TLSUsed},
		{"tenant attribution at RCPT", cat(open, multiCert, []string{
			">|MAIL FROM:<alice@contoso.com> SIZE=5120", ">|RCPT TO:<bob@fabrikam.com>", "<|250 2.1.0 Sender OK",
			"<|550 5.7.64 TenantAttribution; Relay Access Denied [AM4PEPF00027A6C.eurprd04.prod.outlook.com]"}, quit),
			analyze.Rejected, true, "550 5.7.64", analyze.TLSUsed},
		{"attr35 deferral", cat(open, multiCert, []string{
			">|MAIL FROM:<alice@contoso.com>", "<|250 2.1.0 Sender OK", ">|RCPT TO:<bob@fabrikam.com>",
			"<|250 2.1.5 Recipient OK", ">|DATA", "<|354 Start mail input; end with <CRLF>.<CRLF>",
			"<|451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35. For more information please go to https://go.microsoft.com/fwlink/?linkid=865268"}, quit),
			analyze.Deferred, true, "451 4.4.62", analyze.TLSUsed},
		{"tls failure", cat(open, []string{"*||Sending certificate", "*|CN=mail.contoso.com|Certificate subject",
			"*||TLS negotiation failed with error UnknownCredentials", "-||Local"}),
			analyze.Failed, true, "", analyze.TLSUsed},
		{"connect failure", []string{"*|SendRoutingHeaders|Set Session Permissions", "*||attempting to connect",
			"*||Failed to connect. Winsock error code: 10060, Win32 error code: 10060, Destination domain: contoso.mail.onmicrosoft.com, Error Message: A connection attempt failed"},
			analyze.Failed, true, "", analyze.TLSUnknown},
		{"no starttls offered, idle", []string{"+||", "<|220 mx.fabrikam.com ESMTP Postfix", ">|EHLO mail.contoso.com",
			"<|250-mx.fabrikam.com", "<|250 8BITMIME", ">|QUIT", "<|221 Bye", "-||Local"},
			analyze.Idle, true, "", analyze.TLSNotOffered},
		{"one-row reply from a non-Exchange peer", []string{"+||", "<|220 mx ESMTP", ">|EHLO mail.contoso.com",
			"<|250 0dsblqs2.example.shop Hello My.Mail.Server.com [203.0.113.9] SIZE 1000000 HELP ENHANCEDSTATUSCODES OK",
			">|MAIL FROM:<> SIZE=18019", "<|250 2.1.0 Ok", ">|RCPT TO:<a@example.shop>", "<|250 2.1.5 Ok", ">|DATA",
			"<|354 End data with <CR><LF>.<CR><LF>", "<|250 ok 1666169082 30910", ">|QUIT", "<|221 Bye", "-||Local"},
			analyze.Delivered, true, "250 ", analyze.TLSNotOffered},
		{"still open at the end", cat(open, multiCert, message[:3]), analyze.Incomplete, false, "", analyze.TLSUsed},
		{"banner refused", []string{"+||", "<|421 4.3.2 Service not available", "-||Remote"},
			analyze.Deferred, true, "421 4.3.2", analyze.TLSUnknown},
		{"dropped mid-message", cat(open[2:10], []string{">|MAIL FROM:<a@contoso.com>", "<|250 2.1.0 OK", ">|RCPT TO:<b@x.com>", "<|250 2.1.5 OK",
			">|BDAT 10 LAST", "-||Remote"}), analyze.Failed, true, "", analyze.TLSOffered},
		{"starttls refused", []string{"+||", "<|220 mx ready", ">|EHLO a", "<|250-mx", "<|250 STARTTLS", ">|STARTTLS",
			"<|454 4.7.0 TLS not available due to local problem", ">|QUIT", "<|221 bye", "-||Local"},
			analyze.Deferred, true, "454 4.7.0", analyze.TLSRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := assemble(t, analyze.Options{}, [2]string{"EXCH01/Hub/ProtocolLog/SmtpSend/SEND2024030520-1.LOG", rows("08DC3D5A1B2C0001", 0, tt.specs...)})
			if len(ss) != 1 {
				t.Fatalf("got %d sessions, want 1", len(ss))
			}
			s := ss[0]
			if s.Outcome != tt.outcome || s.Complete != tt.complete || s.StartTLS != tt.starttls {
				t.Errorf("outcome=%s complete=%v starttls=%s, want %s %v %s", s.Outcome, s.Complete, s.StartTLS, tt.outcome, tt.complete, tt.starttls)
			}
			final := ""
			if s.Final != nil {
				final = fmt.Sprintf("%d %s", s.Final.Code, s.Final.Enhanced)
			}
			if final != tt.final {
				t.Errorf("final = %q, want %q", final, tt.final)
			}
		})
	}
}

func TestSessionFacts(t *testing.T) {
	ss := assemble(t, analyze.Options{}, [2]string{"x/SEND2024030520-1.LOG", rows("08DC3D5A1B2C0001", 0, cat(open, multiCert, message, quit)...)})
	s := ss[0]
	checks := []struct{ name, got, want string }{
		{"RemoteHost", s.RemoteHost, "AM4PEPF00027A6C.mail.protection.outlook.com"},
		{"EHLO", s.EHLO, "mail.contoso.com"},
		{"SeenIP", s.SeenIP, "203.0.113.10"},
		{"Local", s.Local, "10.0.0.5:50123"},
		{"TLS", fmt.Sprintf("%s %s %s/%d %s %s/%d line %d", s.TLS.Protocol, s.TLS.Version, s.TLS.Cipher, s.TLS.CipherBits, s.TLS.MAC,
			s.TLS.KeyExchange, s.TLS.KeyExchangeBits, s.TLS.At.Pos.Line), "SP_PROT_TLS1_2_CLIENT TLS 1.2 CALG_AES_256/256 CALG_SHA_384 CALG_ECDH_EPHEM/384 line 21"},
		{"LocalCert.Subject", s.LocalCert.Subject, "CN=mail.contoso.com"},
		{"LocalCert.Issuer", s.LocalCert.Issuer, "CN=R3, O=Let's Encrypt, C=US"},
		{"LocalCert.Thumbprint", s.LocalCert.Thumbprint, "3F7A9C2E51B84D06A1C3E5F7091B2D4F6A8C0E12"},
		{"LocalCert.SANs", strings.Join(s.LocalCert.SANs, ","), "mail.contoso.com,autodiscover.contoso.com"},
		{"RemoteCert.Thumbprint", s.RemoteCert.Thumbprint, "6C2E9A4B7D1F3E5A8C0B2D4F6A8C0E1F3A5B7C9D"},
		{"messages", fmt.Sprint(len(s.Messages)), "1"},
		{"From", s.Messages[0].From, "alice@contoso.com"},
		{"To", strings.Join(s.Messages[0].To, ","), "bob@fabrikam.com,carol@fabrikam.com"},
		{"XOORG", s.Messages[0].XOORG, "contoso.com"},
		{"Size", fmt.Sprint(s.Messages[0].Size), "5120"},
		{"RecordID", s.Messages[0].RecordID, "1234"},
		{"MessageID", s.Messages[0].MessageID, "<a1@contoso.com>"},
		{"Accepted", fmt.Sprint(s.Messages[0].Accepted), "true"},
		{"Disconnect", s.Disconnect, "Local"},
		{"Rows", fmt.Sprint(s.Rows), fmt.Sprint(len(open) + len(multiCert) + len(message) + len(quit))},
		{"First", fmt.Sprint(s.First), "{x/SEND2024030520-1.LOG 1}"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	// The RCPT replies line up with their commands despite pipelining.
	var cmds []string
	for _, r := range s.Replies {
		cmds = append(cmds, fmt.Sprintf("%d:%s", r.Code, r.Command))
	}
	want := "220:connect 250:EHLO 220:STARTTLS 250:EHLO 250:MAIL 250:RCPT 250:RCPT 250:BDAT LAST 221:QUIT"
	if got := strings.Join(cmds, " "); got != want {
		t.Errorf("replies = %s\nwant      %s", got, want)
	}
}

func TestOneLineCertificate(t *testing.T) {
	specs := []string{"+||", `*| CN=EXCH01.contoso.com CN=R3, O=Let's Encrypt, C=US 04A1B2C3 9E4C1B7A3D5F2E8C6A0B4D2F1E3C5A7B9D0F2E4C 2024-01-10T00:00:00.000Z 2024-04-09T23:59:59.000Z EXCH01.contoso.com;mail.contoso.com|Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names`,
		`*| CN=EXCH01 CN=EXCH01 12DEABC6565646512346ABDC13456894 12DEABC6565646512346ABDC1345689413589876 2020-01-17T15:15:33.000Z 2025-01-17T15:15:33.000Z EXCH01;EXCH01.DOMAIN.TEST|Remote certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names`,
		"-||Local"}
	s := assemble(t, analyze.Options{}, [2]string{"RECV2024030520-1.LOG", rows("5A1", 0, specs...)})[0]
	l, r := s.LocalCert, s.RemoteCert
	got := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%v", l.Subject, l.Issuer, l.Serial, l.Thumbprint, l.NotBefore.Format("2006-01-02"), l.NotAfter.Format("2006-01-02"), l.SANs)
	if want := "CN=EXCH01.contoso.com|CN=R3, O=Let's Encrypt, C=US|04A1B2C3|9E4C1B7A3D5F2E8C6A0B4D2F1E3C5A7B9D0F2E4C|2024-01-10|2024-04-09|[EXCH01.contoso.com mail.contoso.com]"; got != want {
		t.Errorf("local cert\n got %s\nwant %s", got, want)
	}
	if r.Subject != "CN=EXCH01" || r.Issuer != "CN=EXCH01" || r.Thumbprint != "12DEABC6565646512346ABDC1345689413589876" {
		t.Errorf("remote cert = %+v", r)
	}
}

// A session that starts in one file continues in the next of the same
// folder, and the same id in another folder is another session.
func TestSessionAcrossFiles(t *testing.T) {
	all := cat(open, multiCert, message, quit)
	ss := assemble(t, analyze.Options{},
		[2]string{"EXCH01/SmtpSend/SEND2024030520-1.LOG", rows("5A1", 0, all[:10]...)},
		[2]string{"EXCH01/SmtpSend/SEND2024030520-2.LOG", rows("5A1", 10, all[10:]...)},
		[2]string{"EXCH02/SmtpSend/SEND2024030520-1.LOG", rows("5A1", 20, all[20:]...)},
	)
	if len(ss) != 2 {
		t.Fatalf("got %d sessions, want 2", len(ss))
	}
	if s := ss[0]; !s.Complete || s.Outcome != analyze.Delivered || s.Rows != len(all) || s.Last.File != "EXCH01/SmtpSend/SEND2024030520-2.LOG" {
		t.Errorf("joined session: complete=%v outcome=%s rows=%d last=%v", s.Complete, s.Outcome, s.Rows, s.Last)
	}
	if s := ss[1]; s.Complete || s.Source != "EXCH02/SmtpSend" {
		t.Errorf("mid-way session: complete=%v source=%s", s.Complete, s.Source)
	}
}

func TestInterleavedAndEviction(t *testing.T) {
	a := strings.Split(strings.TrimSpace(rows("A", 0, cat(open, message, quit)...)), "\r\n")
	b := strings.Split(strings.TrimSpace(rows("B", 0, cat(open, message, quit)...)), "\r\n")
	var mixed []string
	for i := range a {
		mixed = append(mixed, a[i], b[i])
	}
	ss := assemble(t, analyze.Options{}, [2]string{"SEND2024030520-1.LOG", strings.Join(mixed, "\r\n")})
	if len(ss) != 2 || ss[0].Outcome != analyze.Delivered || ss[1].Outcome != analyze.Delivered {
		t.Fatalf("interleaved: %d sessions", len(ss))
	}
	// With room for one open session, interleaving forces evictions; every
	// row still lands in some session and nothing is lost.
	ss = assemble(t, analyze.Options{MaxOpen: 1}, [2]string{"SEND2024030520-1.LOG", strings.Join(mixed, "\r\n")})
	n, evicted := 0, 0
	for _, s := range ss {
		n += s.Rows
		if s.Evicted {
			evicted++
			if s.Complete {
				t.Errorf("evicted session marked complete")
			}
		}
	}
	if n != len(mixed) || evicted == 0 {
		t.Errorf("rows=%d want %d; evicted=%d", n, len(mixed), evicted)
	}
}

func TestSortFiles(t *testing.T) {
	files := []string{
		"a/SEND2024030521-1.LOG", "a/SEND2024030520-10.LOG", "a/SEND2024030520-2.LOG",
		"a/SEND20240305-1.LOG", "a/notes.LOG", "a/SEND2024030520-1.LOG",
	}
	analyze.SortFiles(files)
	want := "a/SEND20240305-1.LOG a/SEND2024030520-1.LOG a/SEND2024030520-2.LOG a/SEND2024030520-10.LOG a/SEND2024030521-1.LOG a/notes.LOG"
	if got := strings.Join(files, " "); got != want {
		t.Errorf("SortFiles:\n got %s\nwant %s", got, want)
	}
}

func TestSourceOf(t *testing.T) {
	tests := []struct{ path, server, service string }{
		{`C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Hub\ProtocolLog\SmtpSend\SEND2024030520-1.LOG`, "", "Hub"},
		{`\\EXCH01\d$\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive\RECV2024030520-1.LOG`, "EXCH01", "FrontEnd"},
		{"bundle/EXCH02/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend/SEND2024030520-1.LOG", "EXCH02", "Hub"},
		{"EXCH03/V14/TransportRoles/Logs/ProtocolLog/SmtpSend/SEND20240305-1.LOG", "EXCH03", ""},
		{"logs/SEND2024030520-1.LOG", "", ""},
		{`D:\ExchangeLogs\EXCH05\Hub\ProtocolLog\SmtpSend\SEND2024030520-1.LOG`, "EXCH05", "Hub"},
		{`D:\ExchangeLogs\SmtpSend\SEND2024030520-1.LOG`, "", ""},
		{`\\fileserver\bundles\EXCH06\V15\TransportRoles\Logs\Edge\ProtocolLog\SmtpReceive\RECV2024030520-1.LOG`, "EXCH06", "Edge"},
	}
	for _, tt := range tests {
		s := analyze.SourceOf(tt.path)
		if s.Server != tt.server || s.Service != tt.service {
			t.Errorf("SourceOf(%q) = %q %q, want %q %q", tt.path, s.Server, s.Service, tt.server, tt.service)
		}
	}
}

func TestSeenIPForms(t *testing.T) {
	for line, want := range map[string]string{
		"<|250-AM4PEPF00027A6C.mail.protection.outlook.com Hello [203.0.113.10]":                  "203.0.113.10",
		"<|250 0dsblqs2.example.shop Hello My.Mail.Server.com [203.0.113.9] SIZE 1000000 HELP OK": "203.0.113.9",
		"<|250-mx.fabrikam.com Hello [IPv6:2001:db8::5]":                                          "IPv6:2001:db8::5",
		"<|250-mx.fabrikam.com": "",
	} {
		s := assemble(t, analyze.Options{}, [2]string{"SEND2024030520-1.LOG", rows("5A1", 0, "+||", "<|220 mx", ">|EHLO a", line, "<|250 OK", "-||Local")})[0]
		if s.SeenIP != want {
			t.Errorf("%s: SeenIP = %q, want %q", line, s.SeenIP, want)
		}
	}
}

// A session whose replies hold more text than a session buffers keeps
// every reply's text and evidence row whole: past the buffer they are
// strings of their own.
func TestLongSessionKeepsText(t *testing.T) {
	var b strings.Builder
	b.WriteString("#Software: Microsoft Exchange Server\n#Log-type: SMTP Send Protocol Log\n" +
		"#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\n")
	row := func(seq int, ev, data string) {
		fmt.Fprintf(&b, "2024-03-05T20:00:01.000Z,Outbound,08DC000000000001,%d,10.0.0.2:5000,10.0.0.1:25,%s,%s,\n", seq, ev, data)
	}
	row(0, "+", "")
	row(1, "<", "220 mx.example.com")
	seq := 2
	want := map[int]string{}
	for i := 0; i < 150; i++ { // past the per-session reply cap too
		text := fmt.Sprintf("the %03d reply %s", i, strings.Repeat("x", 900))
		row(seq, ">", "NOOP")
		row(seq+1, "<", "550 5.7.1 "+text)
		want[i] = text
		seq += 2
	}
	row(seq, "-", "")
	ss := assemble(t, analyze.Options{}, [2]string{"SEND2024030520-1.LOG", b.String()})
	if len(ss) != 1 {
		t.Fatalf("%d sessions", len(ss))
	}
	s := ss[0]
	if len(s.Replies) == 0 || s.RepliesDropped == 0 {
		t.Fatalf("%d replies kept, %d dropped: the cap was not reached", len(s.Replies), s.RepliesDropped)
	}
	for i, r := range s.Replies[1:] {
		if r.Text != want[i] || r.Enhanced != "5.7.1" || !strings.Contains(r.Raw, want[i]) {
			t.Fatalf("reply %d: %q %q, raw %.60q", i, r.Enhanced, r.Text[:min(20, len(r.Text))], r.Raw)
		}
	}
	if f := s.Final; f == nil || f.Text != want[149] || !strings.Contains(f.Raw, want[149]) {
		t.Fatalf("final reply %+v", f)
	}
}
