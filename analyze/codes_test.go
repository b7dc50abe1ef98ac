package analyze_test

import (
	"strings"
	"testing"

	"github.com/logscan/logscan/analyze"
)

func TestExplainCode(t *testing.T) {
	tests := []struct {
		q         string
		key       string
		transient bool
	}{
		{"5.7.64", "5.7.64", false},
		{"550 5.7.64", "5.7.64", false},
		{" 5.7.64 ", "5.7.64", false},
		{"550-5.7.64", "5.7.64", false},
		{"ATTR35", "ATTR35", true},
		{"attr36", "ATTR36", false},
		{"4.4.62", "ATTR35", true},
		{"451 4.4.62", "ATTR35", true},
		{"451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35.", "ATTR35", true},
		{"550 5.7.64 Relay Access Denied ATTR36. For more details please refer to: https://support.microsoft.com/kb/3169958", "ATTR36", false},
		{"550 5.7.64 TenantAttribution; Relay Access Denied [SERVER.eurprd04.prod.outlook.com]", "TenantAttribution", false},
		{"TenantAttribution", "TenantAttribution", false},
		{"tenantattribution", "TenantAttribution", false},
		{"TenantInboundAttribution", "5.7.51", false},
		{"5.7.51", "5.7.51", false},
		{"5.7.68", "5.7.68", false},
		{"451", "451", true},
		{"550", "550", false},
		{"4.7.512", "4.7.500-699", true},
		{"451 4.7.500", "4.7.500-699", true},
		{"4.7.699", "4.7.500-699", true},
		{"4.7.500-699", "4.7.500-699", true},
		{"4.7.850", "4.7.850-899", true},
		{"4.7.26", "4.7.26", true},
		{"5.7.750", "5.7.750", false},
		{"5.7.703", "5.7.703", false},
		{"5.7.705", "5.7.705", false},
		{"5.7.708", "5.7.708", false},
		{"5.7.509", "5.7.501-513", false},
		{"5.7.620", "5.7.606-649", false},
		{"4.7.323", "4.7.321-325", true},
		{"5.7.325", "5.7.321-325", false},
		{"5.7.1", "5.7.1", false},
		{"530 5.7.1", "5.7.1", false},
		{"5.7.57", "5.7.57", false},
		{"4.4.316", "4.4.316", true},
		{"450 4.4.317", "4.4.317", true},
		{"5.7.3", "5.7.3", false},
		{"451 5.7.3", "5.7.3", true},
		{"5.7.0", "5.7.0", false},
		{"454 4.7.0", "4.7.0", true},
		{"4.7.5", "4.7.5", true},
		{"421 4.4.2", "4.4.2", true},
		{"5.4.1", "5.4.1", false},
		{"504 5.7.4", "5.7.4", false},
		{"5.5.1", "5.5.1", false},
		{"5.5.2", "5.5.2", false},
		{"ATTR99", "ATTRnn", false},
		{"550 5.7.64 ATTR99", "5.7.64", false},
		{"550 5.7.68 TenantInboundAttribution; Direct Send not allowed", "5.7.68", false},
		{"550 TenantInboundAttribution", "5.7.51", false},
		{"550 5.7.64 TenantAttribution; Relay Access Denied ATTR36", "ATTR36", false},
		{"#5.7.1", "5.7.1", false},
		// Fallbacks to the class.
		{"5.7.999", "X.7.x", false},
		{"4.7.999", "X.7.x", true},
		{"5.1.99", "X.1.x", false},
		{"5.1.x", "X.1.x", false},
		{"X.4.x", "X.4.x", false},
		{"5.9.1", "5xx", false},
		{"499", "4xx", true},
		{"4xx", "4xx", true},
		{"4.x.x", "4xx", true},
		{"250", "2xx", false},
		{"354", "3xx", false},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, ok := analyze.ExplainCode(tt.q)
			if !ok {
				t.Fatalf("ExplainCode(%q) not ok", tt.q)
			}
			if got.Key != tt.key {
				t.Fatalf("ExplainCode(%q).Key=%q, want %q", tt.q, got.Key, tt.key)
			}
			if got.Transient != tt.transient {
				t.Errorf("ExplainCode(%q).Transient=%v, want %v", tt.q, got.Transient, tt.transient)
			}
		})
	}
}

func TestExplainCodeNotACode(t *testing.T) {
	for _, q := range []string{"", "   ", "hello", "relay access denied", "999", "1.2.3", "unknown", "ATTR", "10060"} {
		if got, ok := analyze.ExplainCode(q); ok {
			t.Errorf("ExplainCode(%q)=%q, want ok=false", q, got.Key)
		}
	}
}

func TestExplainReply(t *testing.T) {
	tests := []struct {
		name      string
		code      int
		enh       string
		text      string
		key       string
		transient bool
	}{
		{"ATTR36 wins over 5.7.64", 550, "5.7.64", "Relay Access Denied ATTR36. For more details please refer to: https://support.microsoft.com/kb/3169958", "ATTR36", false},
		{"TenantAttribution wins over 5.7.64", 550, "5.7.64", "TenantAttribution; Relay Access Denied [SERVER.eurprd04.prod.outlook.com]", "TenantAttribution", false},
		{"ATTR36 beats TenantAttribution", 550, "5.7.64", "TenantAttribution; Relay Access Denied ATTR36.", "ATTR36", false},
		{"lower-case tag", 550, "5.7.64", "relay access denied attr36", "ATTR36", false},
		{"ATTR35 deferral", 451, "4.4.62", "Mail sent to the wrong Office 365 region. ATTR35. For more information please go to https://go.microsoft.com/fwlink/?linkid=865268", "ATTR35", true},
		{"ATTR35 by code alone", 451, "4.4.62", "Mail sent to the wrong Office 365 region.", "ATTR35", true},
		{"tag inside a word is ignored", 550, "5.7.64", "XATTR36 Relay Access Denied", "5.7.64", false},
		{"unknown tag is ignored", 550, "5.7.64", "Relay Access Denied ATTR365", "5.7.64", false},
		{"TenantInboundAttribution is not TenantAttribution", 550, "5.7.68", "TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources", "5.7.68", false},
		{"partner connector", 550, "5.7.51", "TenantInboundAttribution; There is a partner connector configured that matched the message's recipient domain.", "5.7.51", false},
		{"throttling range", 451, "4.7.512", "Server busy. Please try again later from [203.0.113.5]. (AS761)", "4.7.500-699", true},
		{"STARTTLS required, basic code decides retry", 451, "5.7.3", "STARTTLS is required to send mail", "5.7.3", true},
		{"dropped", 421, "4.4.2", "Connection dropped due to SocketError", "4.4.2", true},
		{"basic code before class", 550, "5.7.999", "", "550", false},
		{"unknown enhanced falls to subject class", 553, "5.7.999", "", "X.7.x", false},
		{"unknown subject falls to basic class", 553, "5.9.1", "", "5xx", false},
		{"enhanced class alone", 0, "4.9.9", "", "4xx", true},
		{"basic code entry", 451, "", "Temporary local problem", "451", true},
		{"basic class", 499, "", "", "4xx", true},
		{"success with a 2.7.0 code", 235, "2.7.0", "Authentication successful", "2xx", false},
		{"success", 250, "2.1.5", "Recipient OK", "2xx", false},
		{"nothing", 0, "", "", "unknown", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := analyze.ExplainReply(tt.code, tt.enh, tt.text)
			if got.Key != tt.key {
				t.Fatalf("ExplainReply(%d, %q, %q).Key=%q, want %q", tt.code, tt.enh, tt.text, got.Key, tt.key)
			}
			if got.Transient != tt.transient {
				t.Errorf("ExplainReply(%d, %q, ...).Transient=%v, want %v", tt.code, tt.enh, got.Transient, tt.transient)
			}
		})
	}
}

func TestExplainReplyAllocs(t *testing.T) {
	text := "TenantAttribution; Relay Access Denied ATTR36. For more details please refer to KB 3169958 [AM5EUR02FT027.eop-EUR02.prod.protection.outlook.com]"
	if n := testing.AllocsPerRun(100, func() { analyze.ExplainReply(550, "5.7.64", text) }); n != 0 {
		t.Errorf("ExplainReply allocates %v times per call, want 0", n)
	}
}

func TestCodes(t *testing.T) {
	codes := analyze.Codes()
	if len(codes) == 0 {
		t.Fatal("Codes() is empty")
	}
	seen := make(map[string]bool)
	for _, c := range codes {
		if seen[c.Key] {
			t.Errorf("key %q listed twice", c.Key)
		}
		seen[c.Key] = true
		checkInfo(t, c.Key, c)
		if c.Key == "unknown" {
			continue
		}
		// Every listed key can be typed back.
		if got, ok := analyze.ExplainCode(c.Key); !ok || got.Key != c.Key {
			t.Errorf("ExplainCode(%q)=%q,%v, want the entry itself", c.Key, got.Key, ok)
		}
	}
	for _, k := range []string{
		"ATTR35", "TenantAttribution", "ATTR36", "5.7.64", "5.7.51", "5.7.1", "5.7.57", "4.7.500-699",
		"4.7.850-899", "4.7.26", "4.4.316", "4.4.317", "5.7.3", "5.7.0", "4.7.0", "4.7.5", "4.4.2", "5.4.1",
		"5.7.750", "5.7.703", "5.7.705", "5.7.708", "5.7.501-513", "5.7.606-649", "4.7.321-325", "5.7.321-325",
		"5.7.4", "5.5.1", "5.5.2", "2xx", "3xx", "4xx", "5xx",
		"X.0.x", "X.1.x", "X.2.x", "X.3.x", "X.4.x", "X.5.x", "X.6.x", "X.7.x",
	} {
		if !seen[k] {
			t.Errorf("Codes() lacks %q", k)
		}
	}
	// Stable, and a copy.
	again := analyze.Codes()
	for i := range codes {
		if codes[i] != again[i] {
			t.Fatalf("Codes()[%d] differs between calls", i)
		}
	}
	codes[0].Title = "changed"
	if analyze.Codes()[0].Title == "changed" {
		t.Error("Codes() hands out the table itself")
	}
}

func checkInfo(t *testing.T, what string, c analyze.CodeInfo) {
	t.Helper()
	for field, v := range map[string]string{"Key": c.Key, "Title": c.Title, "Meaning": c.Meaning, "Cause": c.Cause, "Remedy": c.Remedy} {
		if strings.TrimSpace(v) == "" {
			t.Errorf("%s: empty %s", what, field)
		}
	}
	if !strings.HasPrefix(c.Link, "https://") || strings.ContainsAny(c.Link, " \t") {
		t.Errorf("%s: Link=%q, want an https URL", what, c.Link)
	}
}

func TestExplainTLSError(t *testing.T) {
	for _, name := range []string{
		"NoCredentials", "UnknownCredentials", "SocketError", "IllegalMessage", "AlgorithmMismatch",
		"UnsupportedFunction", "TargetUnknown", "IncompleteCredentials", "CertificateExpired", "UntrustedRoot",
		"CertUnknown", "WrongPrincipal", "InternalError", "DecryptFailure", "LogonDenied", "InvalidToken",
	} {
		got := analyze.ExplainTLSError(name)
		if got.Key != name {
			t.Errorf("ExplainTLSError(%q).Key=%q", name, got.Key)
		}
		checkInfo(t, name, got)
	}
	tests := []struct{ in, key string }{
		{"TLS negotiation failed with error UnknownCredentials", "UnknownCredentials"},
		{"nocredentials", "NoCredentials"},
		{"CertExpired", "CertificateExpired"},
		{"MessageAltered", "DecryptFailure"},
		{"Unsupported", "UnsupportedFunction"},
		{"SomethingNew", "TLS"},
		{"", "TLS"},
	}
	for _, tt := range tests {
		if got := analyze.ExplainTLSError(tt.in); got.Key != tt.key {
			t.Errorf("ExplainTLSError(%q).Key=%q, want %q", tt.in, got.Key, tt.key)
		}
	}
	if got := analyze.ExplainTLSError("SomethingNew"); !strings.Contains(got.Title, "SomethingNew") {
		t.Errorf("fallback Title=%q, want the error name in it", got.Title)
	}
	checkInfo(t, "fallback", analyze.ExplainTLSError("SomethingNew"))

	u := analyze.ExplainTLSError("UnknownCredentials")
	if !strings.Contains(u.Cause+u.Remedy, "TlsCertificateName") {
		t.Errorf("UnknownCredentials does not mention TlsCertificateName: %+v", u)
	}
	if s := analyze.ExplainTLSError("SocketError"); !strings.Contains(s.Cause, "TLS 1.2") {
		t.Errorf("SocketError cause does not mention TLS 1.2: %q", s.Cause)
	}
}

func TestExplainWinsock(t *testing.T) {
	tests := []struct {
		code int
		word string // expected in Title
	}{
		{10060, "timed out"},
		{10061, "refused"},
		{10051, "unreachable"},
		{10065, "unreachable"},
		{11001, "not found"},
		{10054, "reset"},
		{10013, "denied"},
		{10053, "aborted"},
		{11002, "DNS"},
		{12345, "12345"},
		{0, "Winsock"},
	}
	for _, tt := range tests {
		got := analyze.ExplainWinsock(tt.code)
		if !strings.Contains(got.Title, tt.word) {
			t.Errorf("ExplainWinsock(%d).Title=%q, want %q in it", tt.code, got.Title, tt.word)
		}
		if !got.Transient {
			t.Errorf("ExplainWinsock(%d) not transient", tt.code)
		}
		checkInfo(t, got.Key, got)
	}
	if got := analyze.ExplainWinsock(10060); got.Key != "10060" || !strings.Contains(got.Meaning, "WSAETIMEDOUT") {
		t.Errorf("ExplainWinsock(10060)=%+v, want the timeout entry", got)
	}
}

func BenchmarkExplainReply(b *testing.B) {
	text := "TenantAttribution; Relay Access Denied [AM5EUR02FT027.eop-EUR02.prod.protection.outlook.com 2024-01-29T19:07:30.476Z 08DD3FA5DBC8F401]"
	b.ReportAllocs()
	for b.Loop() {
		analyze.ExplainReply(550, "5.7.64", text)
	}
}
