package parser

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Reading exports is done in two layers. The lower layer (exportjson.go,
// exportcsv.go, exportfl.go) turns each of the three forms into the same
// generic document: records of property name → value, every value a string
// or a list of strings, each with the line it came from. The upper layer,
// in this file, checks the export is of the expected cmdlet and maps the
// properties, matched case-insensitively, onto the typed structs.
//
// Exports are configuration, not logs: a few kilobytes. They are read into
// memory whole, up to maxExportBytes.

// maxExportBytes bounds what the readers take in; a larger file is refused.
const maxExportBytes = 32 << 20

// ReadInboundConnectors reads a Get-InboundConnector export (any form).
//
// Errors are *ExportError naming the file and, where one applies, the line;
// warnings are about data that was usable but lossy, such as a Format-List
// list cut after $FormatEnumerationLimit items.
func ReadInboundConnectors(r io.Reader, name string) ([]InboundConnector, []ExportWarning, error) {
	return readRecords(r, name, &inboundKind, func(m *recordMapper) InboundConnector {
		c := InboundConnector{
			Name:                         m.str("Name", "Identity"),
			Enabled:                      m.boolean("Enabled", true),
			Type:                         m.enum("ConnectorType", connectorTypes),
			Source:                       m.flags("ConnectorSource", connectorSources),
			SenderDomains:                stripSenderDomains(m.list("SenderDomains")),
			SenderIPAddresses:            m.list("SenderIPAddresses"),
			TLSSenderCertificateName:     m.str("TlsSenderCertificateName"),
			RequireTLS:                   m.boolean("RequireTls", false),
			RestrictDomainsToCertificate: m.boolean("RestrictDomainsToCertificate", false),
			RestrictDomainsToIPAddresses: m.boolean("RestrictDomainsToIPAddresses", false),
			AssociatedAcceptedDomains:    m.list("AssociatedAcceptedDomains"),
			CloudServicesMailEnabled:     m.boolean("CloudServicesMailEnabled", false),
			TreatMessagesAsInternal:      m.boolean("TreatMessagesAsInternal", false),
			File:                         name,
			Line:                         m.rec.line,
		}
		return c
	})
}

// ReadAcceptedDomains reads a Get-AcceptedDomain export (any form).
func ReadAcceptedDomains(r io.Reader, name string) ([]AcceptedDomain, []ExportWarning, error) {
	return readRecords(r, name, &acceptedDomainKind, func(m *recordMapper) AcceptedDomain {
		d := AcceptedDomain{
			Name:            m.str("Name", "Identity"),
			DomainName:      m.str("DomainName"),
			DomainType:      m.enum("DomainType", acceptedDomainTypes),
			Default:         m.boolean("Default", false),
			InitialDomain:   m.boolean("InitialDomain", false),
			MatchSubDomains: m.boolean("MatchSubDomains", false),
			File:            name,
			Line:            m.rec.line,
		}
		return d
	})
}

// ReadSendConnectors reads an on-premises Get-SendConnector export (any form).
func ReadSendConnectors(r io.Reader, name string) ([]SendConnector, []ExportWarning, error) {
	return readRecords(r, name, &sendConnectorKind, func(m *recordMapper) SendConnector {
		hosts := m.list("SmartHosts")
		if len(hosts) == 0 {
			hosts = m.list("SmartHostsString")
		}
		for j, h := range hosts {
			hosts[j] = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
		}
		c := SendConnector{
			Name:                     m.str("Name", "Identity"),
			Enabled:                  m.boolean("Enabled", true),
			AddressSpaces:            m.list("AddressSpaces"),
			SmartHosts:               hosts,
			DNSRoutingEnabled:        m.boolean("DNSRoutingEnabled", false),
			Fqdn:                     m.str("Fqdn"),
			TLSCertificateName:       m.str("TlsCertificateName"),
			RequireTLS:               m.boolean("RequireTLS", false),
			TLSAuthLevel:             m.enum("TlsAuthLevel", tlsAuthLevels),
			TLSDomain:                m.str("TlsDomain"),
			CloudServicesMailEnabled: m.boolean("CloudServicesMailEnabled", false),
			SourceTransportServers:   m.list("SourceTransportServers"),
			File:                     name,
			Line:                     m.rec.line,
		}
		c.TLSCertificateIssuer, c.TLSCertificateSubject = splitTLSCertificateName(c.TLSCertificateName)
		return c
	})
}

// ReadExchangeCertificates reads a Get-ExchangeCertificate export (any form).
//
// Dates without a zone ("4/9/2024 11:59:59 PM", "2024-04-09T23:59:59") are
// in the exporting server's local time, which the export does not say; they
// are read as UTC.
func ReadExchangeCertificates(r io.Reader, name string) ([]ExchangeCertificate, []ExportWarning, error) {
	return readRecords(r, name, &certificateKind, func(m *recordMapper) ExchangeCertificate {
		c := ExchangeCertificate{
			Thumbprint:         normalizeThumbprint(m.str("Thumbprint")),
			Subject:            m.str("Subject"),
			Issuer:             m.str("Issuer"),
			CertificateDomains: m.list("CertificateDomains"),
			NotBefore:          m.date("NotBefore"),
			NotAfter:           m.date("NotAfter"),
			Services:           m.flags("Services", allowedServices),
			Status:             m.enum("Status", certificateStatuses),
			Identity:           m.str("Identity"),
			SerialNumber:       m.str("SerialNumber"),
			FriendlyName:       m.str("FriendlyName"),
			IsSelfSigned:       m.boolean("IsSelfSigned", false),
			HasPrivateKey:      m.boolean("HasPrivateKey", false),
			File:               name,
			Line:               m.rec.line,
		}
		return c
	})
}

// DetectExportForm tells the form from the content, not the file name.
// The content may be UTF-8 (with or without a byte-order mark) or UTF-16
// with a byte-order mark. Errors are *ExportError with an empty File, as
// there is no name to give; the Read functions fill it in.
func DetectExportForm(b []byte) (ExportForm, error) {
	text, err := decodeExport(b, "")
	if err != nil {
		return "", err
	}
	return detectForm(text, "")
}

// exportName is the name used in errors and records: never empty.
// readRecords reads an export of one kind and builds one T per record.
func readRecords[T any](r io.Reader, name string, kind *exportKind, build func(m *recordMapper) T) (_ []T, _ []ExportWarning, err error) {
	name = exportName(name)
	defer recoverExport(name, &err)
	doc, err := readExportDoc(r, name, kind)
	if err != nil {
		return nil, nil, err
	}
	out := make([]T, 0, len(doc.records))
	for i := range doc.records {
		m := doc.mapper(i)
		v := build(m)
		if m.err != nil {
			return nil, nil, m.err
		}
		out = append(out, v)
	}
	return out, doc.warns, nil
}

func exportName(name string) string {
	if name == "" {
		return "export"
	}
	return name
}

// recoverExport turns a panic into an ExportError at the package boundary,
// so a bad export can never bring the caller down. The fuzz tests look for
// this message, so a panic is still found.
func recoverExport(name string, err *error) {
	if p := recover(); p != nil {
		*err = &ExportError{File: name, Detail: fmt.Sprintf("internal error reading the export: %v (please report this)", p)}
	}
}

// readExportDoc reads, decodes and parses an export into its generic
// document and checks that it comes from the cmdlet kind describes.
func readExportDoc(r io.Reader, name string, kind *exportKind) (*exportDoc, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxExportBytes+1))
	if err != nil {
		return nil, &ExportError{File: name, Detail: "read: " + err.Error()}
	}
	if len(b) > maxExportBytes {
		return nil, &ExportError{File: name, Detail: fmt.Sprintf("larger than %d MB: expected a configuration export of a few kilobytes", maxExportBytes>>20)}
	}
	text, err := decodeExport(b, name)
	if err != nil {
		return nil, err
	}
	form, err := detectForm(text, name)
	if err != nil {
		return nil, err
	}
	var doc *exportDoc
	switch form {
	case FormJSON:
		doc, err = parseJSONExport(text, name)
	case FormCSV:
		doc, err = parseCSVExport(text, name)
	default:
		doc, err = parseFormatListExport(text, name)
	}
	if err != nil {
		return nil, err
	}
	doc.file, doc.kind = name, kind
	if err := doc.checkCmdlet(); err != nil {
		return nil, err
	}
	return doc, nil
}

// decodeExport turns the bytes into text: UTF-8 with or without a BOM, or
// UTF-16 LE/BE with a BOM (Windows PowerShell 5.1's Out-File and ">"), or
// UTF-16 without a BOM when the first characters give it away.
func decodeExport(b []byte, name string) (string, error) {
	var text string
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		text = string(b[3:])
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		text = decodeUTF16(b[2:], false)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		text = decodeUTF16(b[2:], true)
	case len(b) >= 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		text = decodeUTF16(b, false)
	case len(b) >= 4 && b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0:
		text = decodeUTF16(b, true)
	default:
		text = string(b)
	}
	text = strings.TrimPrefix(text, "\uFEFF")
	if strings.TrimSpace(text) == "" {
		return "", &ExportError{File: name, Detail: "the file is empty: expected the output of ConvertTo-Json, Export-Csv or Format-List"}
	}
	if i := strings.IndexByte(text, 0); i >= 0 {
		return "", &ExportError{File: name, Line: 1 + strings.Count(text[:i], "\n"),
			Detail: "the file holds NUL bytes: expected UTF-8 text, or UTF-16 with a byte-order mark (as Out-File writes)"}
	}
	return text, nil
}

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(u))
}

// detectForm tells the form of decoded text from its first lines.
func detectForm(text, name string) (ExportForm, error) {
	lines := firstContentLines(text, 2)
	if len(lines) == 0 {
		return "", &ExportError{File: name, Detail: "the file is empty: expected the output of ConvertTo-Json, Export-Csv or Format-List"}
	}
	first := lines[0]
	s := strings.TrimSpace(first.text)
	switch {
	case strings.HasPrefix(s, "{") || strings.HasPrefix(s, "["):
		return FormJSON, nil
	case hasPrefixFold(s, "#TYPE"):
		return FormCSV, nil
	case hasPrefixFold(s, "#Software:") || hasPrefixFold(s, "#Fields:") || hasPrefixFold(s, "#Version:") || hasPrefixFold(s, "#Log-type:"):
		return "", &ExportError{File: name, Line: first.no, Detail: "this is an Exchange log, not a configuration export: expected the output of Get-InboundConnector, Get-AcceptedDomain, Get-SendConnector or Get-ExchangeCertificate"}
	case strings.HasPrefix(s, `"`) || hasPrefixFold(s, "sep="):
		return FormCSV, nil
	}
	if len(lines) > 1 && isDashRow(lines[1].text) {
		return "", formatTableError(name, lines[1].no)
	}
	if _, _, ok := splitListLine(first.text); ok {
		return FormFormatList, nil
	}
	if strings.ContainsAny(s, ",;\t") {
		return FormCSV, nil
	}
	return "", &ExportError{File: name, Line: first.no, Detail: fmt.Sprintf("cannot tell the form from %q: expected ConvertTo-Json ('[' or '{'), Export-Csv (a #TYPE line or a quoted header row) or Format-List ('Name : value' lines)", clipString(s, 60))}
}

func formatTableError(name string, line int) *ExportError {
	return &ExportError{File: name, Line: line, Detail: "this is Format-Table output (a header row over a row of dashes), which drops and cuts values: export with '| Format-List', '| ConvertTo-Json -Depth 4' or '| Export-Csv -NoTypeInformation' instead"}
}

// textLine is one physical line and its 1-based number.
type textLine struct {
	text string
	no   int
}

// splitTextLines splits text into lines without their "\r\n" or "\n".
func splitTextLines(text string) []textLine {
	var out []textLine
	for i := 1; text != ""; i++ {
		line := text
		if j := strings.IndexByte(text, '\n'); j >= 0 {
			line, text = text[:j], text[j+1:]
		} else {
			text = ""
		}
		out = append(out, textLine{strings.TrimSuffix(line, "\r"), i})
	}
	return out
}

// firstContentLines returns up to n lines that are neither blank nor a
// copied PowerShell prompt.
func firstContentLines(text string, n int) []textLine {
	var out []textLine
	for _, l := range splitTextLines(text) {
		if strings.TrimSpace(l.text) == "" || isPromptLine(l.text) {
			continue
		}
		if out = append(out, l); len(out) == n {
			break
		}
	}
	return out
}

// isPromptLine tells a PowerShell prompt copied with the output, such as
// `PS C:\> Get-InboundConnector | fl`.
func isPromptLine(s string) bool {
	if !strings.HasPrefix(s, "PS ") {
		return false
	}
	i := strings.IndexByte(s, '>')
	return i > 3 && !strings.Contains(s[:i], " : ")
}

// isDashRow tells the second row of Format-Table output: dashes and spaces.
func isDashRow(s string) bool {
	s = strings.TrimSpace(s)
	return strings.Contains(s, "--") && strings.Trim(s, "- ") == ""
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func clipString(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// exportKind describes one cmdlet's export.
type exportKind struct {
	cmdlet   string   // "Get-InboundConnector"
	identify []string // a record with any of these comes from the cmdlet
	// reexport is an example command that writes multi-valued properties
	// as values, for messages about exports that did not.
	reexport string
}

var (
	inboundKind = exportKind{
		cmdlet:   "Get-InboundConnector",
		identify: []string{"ConnectorType", "TlsSenderCertificateName", "SenderIPAddresses"},
		reexport: "Get-InboundConnector | Select-Object Name,Enabled,ConnectorType,ConnectorSource,TlsSenderCertificateName,RequireTls,RestrictDomainsToCertificate,RestrictDomainsToIPAddresses,CloudServicesMailEnabled,TreatMessagesAsInternal," +
			"@{n='SenderDomains';e={$_.SenderDomains -join ';'}},@{n='SenderIPAddresses';e={$_.SenderIPAddresses -join ';'}},@{n='AssociatedAcceptedDomains';e={$_.AssociatedAcceptedDomains -join ';'}} | Export-Csv -NoTypeInformation inbound-connectors.csv",
	}
	acceptedDomainKind = exportKind{
		cmdlet:   "Get-AcceptedDomain",
		identify: []string{"DomainName"},
		reexport: "Get-AcceptedDomain | Select-Object Name,DomainName,DomainType,Default,InitialDomain,MatchSubDomains | Export-Csv -NoTypeInformation accepted-domains.csv",
	}
	sendConnectorKind = exportKind{
		cmdlet:   "Get-SendConnector",
		identify: []string{"SmartHosts", "AddressSpaces"},
		reexport: "Get-SendConnector | Select-Object Name,Enabled,DNSRoutingEnabled,Fqdn,TlsCertificateName,RequireTLS,TlsAuthLevel,TlsDomain,CloudServicesMailEnabled," +
			"@{n='AddressSpaces';e={$_.AddressSpaces -join ';'}},@{n='SmartHosts';e={$_.SmartHosts -join ';'}},@{n='SourceTransportServers';e={$_.SourceTransportServers -join ';'}} | Export-Csv -NoTypeInformation send-connectors.csv",
	}
	certificateKind = exportKind{
		cmdlet:   "Get-ExchangeCertificate",
		identify: []string{"Thumbprint"},
		reexport: "Get-ExchangeCertificate | Select-Object Thumbprint,Subject,Issuer,NotBefore,NotAfter,Services,Status,Identity,SerialNumber,FriendlyName,IsSelfSigned,HasPrivateKey," +
			"@{n='CertificateDomains';e={$_.CertificateDomains -join ';'}} | Export-Csv -NoTypeInformation certificates.csv",
	}
)

// jsonHint is how to re-export kind as JSON.
func (k *exportKind) jsonHint() string {
	return k.cmdlet + " | ConvertTo-Json -Depth 4 | Out-File -Encoding utf8 export.json"
}

// cmdletSigns tell an export's cmdlet from its property names, first match
// winning: the order matters where cmdlets share names (Get-OutboundConnector
// also has ConnectorType and SmartHosts).
var cmdletSigns = []struct {
	cmdlet string
	props  []string
}{
	{"Get-ExchangeCertificate", []string{"Thumbprint"}},
	{"Get-AcceptedDomain", []string{"DomainName"}},
	{"Get-SendConnector", []string{"AddressSpaces"}},
	{"Get-OutboundConnector", []string{"RecipientDomains", "UseMXRecord"}},
	{"Get-ReceiveConnector", []string{"Bindings", "RemoteIPRanges"}},
	{"Get-InboundConnector", []string{"ConnectorType", "TlsSenderCertificateName", "SenderIPAddresses", "SenderDomains"}},
	{"Get-SendConnector", []string{"SmartHosts"}},
	{"an SMTP protocol log", []string{"session-id", "sequence-number"}},
}

// checkCmdlet makes sure the document is an export of d.kind's cmdlet and
// says what it looks like instead when it is not.
func (d *exportDoc) checkCmdlet() error {
	if len(d.names) == 0 {
		return nil // "[]": no records, nothing to check
	}
	has := func(p string) bool { _, ok := d.names[strings.ToLower(p)]; return ok }
	for _, sign := range cmdletSigns {
		for _, p := range sign.props {
			if !has(p) {
				continue
			}
			if sign.cmdlet == d.kind.cmdlet {
				return nil
			}
			what := "a " + sign.cmdlet + " export"
			if !strings.HasPrefix(sign.cmdlet, "Get-") {
				what = sign.cmdlet
			}
			return &ExportError{File: d.file, Line: d.firstLine, Detail: fmt.Sprintf("this looks like %s (it has %s), not a %s export", what, d.names[strings.ToLower(p)], d.kind.cmdlet)}
		}
	}
	for _, p := range d.kind.identify {
		if has(p) {
			return nil
		}
	}
	return &ExportError{File: d.file, Line: d.firstLine, Detail: fmt.Sprintf("not a %s export: no record has %s", d.kind.cmdlet, orList(d.kind.identify))}
}

func orList(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// Enum values, from the Exchange source (decompiled, as published in
// github.com/PiratesRE/exchange_diff): PowerShell's ConvertTo-Json writes
// enums as their numbers.
var (
	// Microsoft.Exchange.Data.TenantConnectorType: OnPremises = 1, Partner.
	connectorTypes = enumNames{1: "OnPremises", 2: "Partner"}
	// Microsoft.Exchange.Data.TenantConnectorSource, [Flags]: Default = 0,
	// Migrated = 1, HybridWizard = 2. "AdminUI", seen in newer exports, is
	// not in that source; as a name it passes through, its number is not known.
	connectorSources = flagNames{zero: "Default", bits: []flagBit{{1, "Migrated"}, {2, "HybridWizard"}}}
	// Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomainType:
	// Authoritative, ExternalRelay, InternalRelay (0, 1, 2).
	acceptedDomainTypes = enumNames{0: "Authoritative", 1: "ExternalRelay", 2: "InternalRelay"}
	// Microsoft.Exchange.Data.TlsAuthLevel: EncryptionOnly = 1,
	// CertificateValidation, DomainValidation = 4.
	tlsAuthLevels = enumNames{1: "EncryptionOnly", 2: "CertificateValidation", 4: "DomainValidation"}
	// Microsoft.Exchange.Management.SystemConfigurationTasks.CertificateStatus:
	// Unknown, Valid, Revoked, DateInvalid, Untrusted, Invalid,
	// RevocationCheckFailure, PendingRequest (0 to 7).
	certificateStatuses = enumNames{0: "Unknown", 1: "Valid", 2: "Revoked", 3: "DateInvalid", 4: "Untrusted", 5: "Invalid", 6: "RevocationCheckFailure", 7: "PendingRequest"}
	// Microsoft.Exchange.Management.SystemConfigurationTasks.AllowedServices,
	// [Flags]: None = 0, IMAP = 1, POP = 2, UM = 4, IIS = 8, SMTP = 16,
	// Federation = 32, UMCallRouter = 64.
	allowedServices = flagNames{zero: "None", bits: []flagBit{{1, "IMAP"}, {2, "POP"}, {4, "UM"}, {8, "IIS"}, {16, "SMTP"}, {32, "Federation"}, {64, "UMCallRouter"}}}
)

// stripSenderDomains removes the REST shape's "smtp:" prefix (any case) and
// ";1" priority: "smtp:*;1" → "*".
func stripSenderDomains(in []string) []string {
	for i, s := range in {
		if hasPrefixFold(s, "smtp:") {
			s = s[len("smtp:"):]
		}
		if j := strings.LastIndexByte(s, ';'); j >= 0 && isAllDigits(s[j+1:]) {
			s = s[:j]
		}
		in[i] = strings.TrimSpace(s)
	}
	return in
}

// splitTLSCertificateName splits "<I>issuer-DN<S>subject-DN".
func splitTLSCertificateName(s string) (issuer, subject string) {
	u := strings.ToUpper(s)
	i, j := strings.Index(u, "<I>"), strings.Index(u, "<S>")
	switch {
	case i >= 0 && j > i:
		return strings.TrimSpace(s[i+3 : j]), strings.TrimSpace(s[j+3:])
	case j >= 0 && i > j:
		return strings.TrimSpace(s[i+3:]), strings.TrimSpace(s[j+3 : i])
	case i >= 0:
		return strings.TrimSpace(s[i+3:]), ""
	case j >= 0:
		return "", strings.TrimSpace(s[j+3:])
	}
	return "", ""
}

// normalizeThumbprint upper-cases a thumbprint and drops the spaces and
// colons of a copied one.
func normalizeThumbprint(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == ':' {
			return -1
		}
		return r
	}, s)
	return strings.ToUpper(s)
}

// exportDateLayouts are the layouts of NotBefore and NotAfter besides
// "/Date(ms)/": ISO 8601 and RFC 3339, and PowerShell's en-US default.
var exportDateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.9999999",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"1/2/2006 3:04:05 PM",
	"1/2/2006 15:04:05",
	"1/2/2006 3:04 PM",
	"Monday, January 2, 2006 3:04:05 PM",
	"2006-01-02",
}

// parseExportDate reads a date as the exports write it. Dates without a
// zone are taken as UTC.
func parseExportDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "/Date("); ok {
		rest, ok = strings.CutSuffix(rest, ")/")
		if !ok {
			return time.Time{}, false
		}
		// Milliseconds since 1970 UTC, then an optional ±hhmm offset that
		// only says where it was written.
		if i := strings.IndexAny(rest[min(1, len(rest)):], "+-"); i >= 0 {
			i++
			if !isAllDigits(rest[i+1:]) || len(rest)-i-1 != 4 {
				return time.Time{}, false
			}
			rest = rest[:i]
		}
		neg := strings.HasPrefix(rest, "-")
		digits := strings.TrimPrefix(rest, "-")
		if digits == "" || len(digits) > 15 || !isAllDigits(digits) {
			return time.Time{}, false
		}
		var ms int64
		for _, c := range digits {
			ms = ms*10 + int64(c-'0')
		}
		if neg {
			ms = -ms
		}
		return time.UnixMilli(ms).UTC(), true
	}
	for _, layout := range exportDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func isAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
