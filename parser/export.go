package parser

import (
	"errors"
	"fmt"
	"time"
)

// Exports are configuration dumps an administrator makes with PowerShell
// and hands to logscan: Exchange Online's Get-InboundConnector and
// Get-AcceptedDomain, and on-premises Get-SendConnector and
// Get-ExchangeCertificate. Each comes in the three forms admins produce:
// ConvertTo-Json, Export-Csv (with or without the #TYPE line) and
// Format-List text. The form is detected from the content.

// ExportForm is how an export was written.
type ExportForm string

// The export forms.
const (
	FormJSON       ExportForm = "json"        // ConvertTo-Json, or the REST API
	FormCSV        ExportForm = "csv"         // Export-Csv / ConvertTo-Csv
	FormFormatList ExportForm = "format-list" // Format-List (| fl) text
)

// ErrExport is the sentinel of every export error; test with errors.Is.
var ErrExport = errors.New("bad export")

// ExportError is an export that cannot be used, or a part of it that
// cannot. It names the file and, where it applies, the line.
type ExportError struct {
	File   string
	Line   int    // 1-based; 0 when about the whole file
	Column int    // 1-based CSV column (field number); 0 in other forms
	Detail string // what was wrong and what was expected, for people
}

func (e *ExportError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Detail)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Detail)
}

func (e *ExportError) Unwrap() error { return ErrExport }

// ExportWarning is something usable but lossy, such as a Format-List list
// cut short with "…" after $FormatEnumerationLimit items.
type ExportWarning struct {
	File   string
	Line   int
	Detail string
}

func (w ExportWarning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Detail)
	}
	return fmt.Sprintf("%s: %s", w.File, w.Detail)
}

// InboundConnector is one Exchange Online inbound connector
// (Get-InboundConnector).
type InboundConnector struct {
	Name    string
	Enabled bool
	// Type is "OnPremises" or "Partner" (numbers in some exports are mapped
	// to these names).
	Type   string
	Source string // ConnectorSource: Default, HybridWizard, Migrated, AdminUI
	// SenderDomains with the REST "smtp:" prefix and ";1" priority removed:
	// "*", "contoso.com", "*.contoso.com".
	SenderDomains []string
	// SenderIPAddresses as written: "203.0.113.10", "203.0.113.0/24",
	// "203.0.113.10-203.0.113.20".
	SenderIPAddresses            []string
	TLSSenderCertificateName     string // "" when unset; may be "*.contoso.com"
	RequireTLS                   bool
	RestrictDomainsToCertificate bool
	RestrictDomainsToIPAddresses bool
	AssociatedAcceptedDomains    []string
	CloudServicesMailEnabled     bool
	TreatMessagesAsInternal      bool
	File                         string
	Line                         int // where the record starts
}

// AcceptedDomain is one accepted domain (Get-AcceptedDomain).
type AcceptedDomain struct {
	Name            string
	DomainName      string // contoso.com; "*.contoso.com" where written so
	DomainType      string // Authoritative, InternalRelay, ExternalRelay
	Default         bool
	InitialDomain   bool // the tenant.onmicrosoft.com domain
	MatchSubDomains bool
	File            string
	Line            int
}

// SendConnector is one on-premises send connector (Get-SendConnector).
type SendConnector struct {
	Name              string
	Enabled           bool
	AddressSpaces     []string // "SMTP:*;1" as written
	SmartHosts        []string // "contoso-com.mail.protection.outlook.com", "[192.0.2.1]" as written, brackets removed
	DNSRoutingEnabled bool
	Fqdn              string
	// TLSCertificateName is the raw "<I>issuer<S>subject" value; its parts
	// are split out into TLSCertificateIssuer and TLSCertificateSubject.
	TLSCertificateName       string
	TLSCertificateIssuer     string
	TLSCertificateSubject    string
	RequireTLS               bool
	TLSAuthLevel             string // EncryptionOnly, CertificateValidation, DomainValidation
	TLSDomain                string
	CloudServicesMailEnabled bool
	SourceTransportServers   []string
	File                     string
	Line                     int
}

// ExchangeCertificate is one certificate (Get-ExchangeCertificate).
type ExchangeCertificate struct {
	Thumbprint         string // upper-case hex
	Subject            string
	Issuer             string
	CertificateDomains []string
	NotBefore          time.Time
	NotAfter           time.Time
	Services           string // "IMAP, POP, IIS, SMTP" or a number
	Status             string
	Identity           string // SERVER\thumbprint
	SerialNumber       string
	FriendlyName       string
	IsSelfSigned       bool // false also when the export does not carry it
	HasPrivateKey      bool // false also when the export does not carry it
	File               string
	Line               int
}
