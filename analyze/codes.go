package analyze

import (
	"strconv"
	"strings"
)

// CodeInfo explains one SMTP status, for people.
type CodeInfo struct {
	Key       string // what matched: "5.7.64", "ATTR35", "4.7.500-699", "4xx"
	Title     string // one line, e.g. "Relay denied: Exchange Online could not tie the message to your organisation"
	Meaning   string // what the code says happened
	Cause     string // the usual cause(s) in hybrid / on-premises to Exchange Online setups
	Remedy    string // what to check and change, concrete (cmdlets, settings)
	Link      string // the article to read next, https://...
	Transient bool   // 4xx: the sender keeps the message and retries
}

// Links used by the tables below. Microsoft articles for Exchange-specific
// codes; RFCs for the generic classes.
const (
	linkNDR          = "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online"
	linkATTR35       = "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/wrong-office-365-region-exo"
	linkTenantAttr   = "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/relay-access-denied-smtp"
	link5764         = "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/fix-error-code-5-7-64-in-exchange-online"
	linkATTR36       = "https://learn.microsoft.com/en-us/exchange/troubleshoot/connectors/office-365-notice"
	linkHybridTLS    = "https://techcommunity.microsoft.com/blog/exchange/tls-certificates-in-exchange-hybrid---common-issues--how-to-fix-them/4420592"
	linkDirectSend   = "https://techcommunity.microsoft.com/blog/exchange/introducing-more-control-over-direct-send-in-exchange-online/4408790"
	link571          = "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/fix-error-code-550-5-7-1-in-exchange-online"
	link5757         = "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/fix-error-code-5-7-57-in-exchange-online"
	linkASxxx        = "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/fix-error-code-451-4-7-500-699-asxxx-in-exchange-online"
	linkMailFlowInt  = "https://learn.microsoft.com/en-us/defender-office-365/connectors-mail-flow-intelligence"
	linkUntrustedNDR = "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/fix-error-code-450-4-4-317-untrusted-root"
	linkTLS12        = "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/send-receive-emails-socketerror"
	link541          = "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/fix-error-code-550-5-4-1-in-exchange-online"
	link57xx         = "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/fix-error-code-5-7-700-through-5-7-750"
	linkSendConn     = "https://learn.microsoft.com/en-us/powershell/module/exchange/set-sendconnector"
	linkNoCreds      = "https://learn.microsoft.com/en-us/exchange/troubleshoot/mailflow/tls-negotiation-failed-with-error-nocredentials-error"
	linkUnknownCreds = "https://learn.microsoft.com/en-us/exchange/troubleshoot/mailflow/outbound-email-messages-are-not-sent"
	linkSchannel     = "https://learn.microsoft.com/en-us/windows/win32/secauthn/schannel-error-codes-for-tls-and-ssl-alerts"
	linkWinsock      = "https://learn.microsoft.com/en-us/windows/win32/winsock/windows-sockets-error-codes-2"
	linkRFC3463      = "https://www.rfc-editor.org/rfc/rfc3463"
	linkRFC4954      = "https://www.rfc-editor.org/rfc/rfc4954#section-6"
	linkRFC5321      = "https://www.rfc-editor.org/rfc/rfc5321#section-4.2"
)

// codeEntry is one row of the status table: the explanation and what it
// answers to. Class rows ("4xx", "X.7.x") are recognised by their Key.
type codeEntry struct {
	CodeInfo
	enh   []string // exact enhanced codes, "4.4.62"
	span  string   // a range of enhanced codes, "4.7.500-699"
	basic []int    // basic reply codes, 451
	token string   // a word in the reply text, "ATTR35", "TenantAttribution"
}

// codeTable is every status entry, in the order Codes returns them: the
// hybrid attribution failures first, then other Exchange Online and
// Exchange Server codes, then basic reply codes, then the classes.
var codeTable = []codeEntry{
	{
		CodeInfo: CodeInfo{
			Key:   "ATTR35",
			Title: "Deferred: mail sent to the wrong Office 365 region or not attributed to your tenant (4.4.62 ATTR35)",
			Meaning: "Exchange Online Protection took the connection but deferred the message with 451 4.4.62 and the ATTR35 tag: " +
				"the host your server delivered to does not serve your tenant, or the service could not work out which tenant the message belongs to. " +
				"The sender keeps retrying, so messages pile up in the queue until the cause is fixed.",
			Cause: "Usually a smart host or MX that still names a retired Office 365 endpoint (mail.messaging.microsoft.com, " +
				"mail.global.frontbridge.com) or a hard-coded Office 365 IP address, instead of the tenant's own " +
				"<domain-with-dashes>.mail.protection.outlook.com host. If the destination is right, the sending server, device, application " +
				"or third-party filter normally has no inbound connector in Exchange Online that matches its certificate or public IP, " +
				"so the message cannot be tied to your organisation.",
			Remedy: "Check the destination: Get-SendConnector | fl Name,SmartHosts,DNSRoutingEnabled on Exchange, and the smart host " +
				"setting of every device, application and filtering service. Replace legacy values with your initial domain " +
				"(<tenant>.onmicrosoft.com, looked up by MX) or with <domain-with-dashes>.mail.protection.outlook.com " +
				"(contoso.com -> contoso-com.mail.protection.outlook.com), and fix published MX records the same way, one MX per domain. " +
				"If the destination is already right, create or fix the inbound connector: Get-InboundConnector | " +
				"fl Name,ConnectorType,TlsSenderCertificateName,SenderIPAddresses must name the certificate the server presents " +
				"(the 'Sending certificate' rows of this send log) or the public IP it leaves from.",
			Link:      linkATTR35,
			Transient: true,
		},
		enh:   []string{"4.4.62"},
		token: "ATTR35",
	},
	{
		CodeInfo: CodeInfo{
			Key:   "TenantAttribution",
			Title: "TenantAttribution: the inbound connector no longer matches the sending server (5.7.64)",
			Meaning: "Exchange Online refused to relay because it could not match the connecting server to an OnPremises inbound " +
				"connector of your tenant. Without that match the message counts as ordinary internet mail, and internet senders " +
				"may not relay to outside recipients.",
			Cause: "Something changed on-premises after the connector was made: the transport certificate was renewed or replaced " +
				"and its subject or alternate names no longer fit TlsSenderCertificateName; the Send connector now presents another " +
				"certificate (TlsCertificateName, or the connector FQDN selects a different one) or none at all; the server does not " +
				"send the intermediate CA certificate, so the chain cannot be validated; or, for an IP-based connector, the server " +
				"now leaves through a public IP that is not in SenderIPAddresses (new firewall, NAT or ISP).",
			Remedy: "In this log, look at the 'Sending certificate' rows of the failing session on the connector to Office 365 and " +
				"compare subject and alternate names with (Get-InboundConnector <name>).TlsSenderCertificateName. No such rows means " +
				"no certificate was offered: check Set-SendConnector -TlsCertificateName \"<I>issuer<S>subject\" and the connector " +
				"Fqdn. Hybrid: rerun the Hybrid Configuration Wizard and pick the current certificate on the transport certificate " +
				"page. Without the wizard: Set-InboundConnector <name> -TlsSenderCertificateName *.contoso.com (a name from the " +
				"certificate, within an accepted domain), or correct SenderIPAddresses for an IP-based connector. Install the " +
				"intermediate CA certificates on every sending server. Connector changes can take a while to apply.",
			Link: linkTenantAttr,
		},
		token: "TenantAttribution",
	},
	{
		CodeInfo: CodeInfo{
			Key:   "ATTR36",
			Title: "ATTR36: relay refused, no certificate-based connector vouches for this sender (5.7.64)",
			Meaning: "Exchange Online would not relay to an outside recipient: the envelope sender's domain is not one of your " +
				"accepted domains, and the message did not arrive over a certificate-based OnPremises connector whose certificate " +
				"name is in one of your accepted domains. Since July 2017 one of the two is required for relaying.",
			Cause: "Typical messages that hit it travel over an IP-based connector: NDRs your servers send back to internet senders, " +
				"mail forwarded by on-premises rules or forwarding addresses, and applications sending as a domain you have not added " +
				"to the tenant. In hybrid, the certificate chosen in the Hybrid Configuration Wizard names a host such as " +
				"mail.sub.contoso.com while only contoso.com is an accepted domain, or its domain is not verified in the tenant " +
				"(the wizard warns about this and lets you continue).",
			Remedy: "Relay through a certificate-based inbound connector (ConnectorType OnPremises with TlsSenderCertificateName set) " +
				"whose name lies in an accepted, verified domain: add the subdomain for the certificate's host name (for " +
				"host.sub.contoso.com add sub.contoso.com) in the Microsoft 365 admin center under Settings > Domains, or reissue the " +
				"certificate under a domain the tenant owns. On the connector prefer *.contoso.com to a single host name. Then rerun " +
				"the wizard (or Set-InboundConnector -TlsSenderCertificateName) and check that the Send connector really presents " +
				"that certificate ('Sending certificate' rows). Add any other domain you send as to the tenant.",
			Link: linkATTR36,
		},
		token: "ATTR36",
	},
	{
		CodeInfo: CodeInfo{
			Key:   "5.7.64",
			Title: "Relay denied: Exchange Online could not tie the message to your organisation",
			Meaning: "Exchange Online refused to relay a message to an outside recipient because it could not attribute the message " +
				"to your tenant, so it handled it like anonymous internet mail.",
			Cause: "The inbound connector for your on-premises servers no longer fits what the server presents (certificate name or " +
				"sending IP), or the sender's domain and the certificate's domain are not accepted domains. The words after the code " +
				"narrow it down: TenantAttribution points at the connector match, ATTR36 at the accepted-domain rule.",
			Remedy: "Compare the certificate in the session's 'Sending certificate' rows and the public IP it used with " +
				"Get-InboundConnector | fl Name,ConnectorType,TlsSenderCertificateName,SenderIPAddresses,RestrictDomainsToCertificate, " +
				"and the sender domains with Get-AcceptedDomain. Fix the connector (rerun the Hybrid Configuration Wizard or " +
				"Set-InboundConnector) or add the missing domain.",
			Link: link5764,
		},
		enh: []string{"5.7.64"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "5.7.51",
			Title: "TenantInboundAttribution: a restricted partner connector for the recipient domain rejected the sender (5.7.51)",
			Meaning: "The recipient tenant has a Partner inbound connector for the recipient's domain that only admits certain " +
				"senders (RestrictDomainsToIPAddresses or RestrictDomainsToCertificate), and this connection matched neither its " +
				"IP addresses nor its certificate.",
			Cause: "In hybrid, mail from on-premises to Exchange Online was not attributed through the OnPremises connector (the Send " +
				"connector presents the wrong or no certificate, or a TlsSenderCertificateName without a wildcard is not an accepted " +
				"domain), so it fell through to the partner connector's lock-down. Otherwise a gateway or partner now sends from a " +
				"new IP address or with a new certificate.",
			Remedy: "For hybrid traffic, make the certificate named by Set-SendConnector -TlsCertificateName match the inbound " +
				"connector's TlsSenderCertificateName (compare the 'Sending certificate' rows) and make sure a non-wildcard " +
				"TlsSenderCertificateName is an accepted domain. For partners and gateways: Get-InboundConnector | " +
				"where ConnectorType -eq Partner | fl Name,SenderDomains,SenderIPAddresses,TlsSenderCertificateName,RestrictDomainsTo* " +
				"and add the new IP or certificate name.",
			Link: linkHybridTLS,
		},
		enh:   []string{"5.7.51"},
		token: "TenantInboundAttribution",
	},
	{
		CodeInfo: CodeInfo{
			Key:   "5.7.68",
			Title: "Direct Send rejected: the tenant refuses unauthenticated mail from its own domains (5.7.68)",
			Meaning: "The tenant has Reject Direct Send turned on, and this message arrived anonymously, with an envelope sender in " +
				"one of the tenant's own accepted domains, without matching any connector.",
			Cause: "An on-premises server, device or application delivers straight to <domain>.mail.protection.outlook.com as your " +
				"own domain but is not matched by an inbound connector: it never had one, or a certificate or IP change broke the match.",
			Remedy: "Give the source a connector: an OnPremises connector naming the server's certificate or public IP (hybrid " +
				"servers), or a Partner connector for a third-party service; or let the application authenticate with SMTP AUTH. " +
				"Check the setting with Get-OrganizationConfig | fl RejectDirectSend; switching it off only hides the gap.",
			Link: linkDirectSend,
		},
		enh: []string{"5.7.68"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "5.7.1",
			Title: "Not allowed: unable to relay, client not authenticated, or delivery not authorised (5.7.1)",
			Meaning: "The receiving server will not take this message from this sender. The text says which: 'Unable to relay' - " +
				"the recipient's domain is not one the server accepts and the client has no right to relay; 'Client was not " +
				"authenticated' - the receive connector wants a login first; 'Delivery not authorized' - a restriction on the " +
				"recipient or a mail flow rule.",
			Cause: "On an Exchange Receive connector: the device or server is not covered by a connector that grants relay (wrong " +
				"RemoteIPRanges, anonymous users without the relay permission) or anonymous access is switched off. At Exchange " +
				"Online: the MX points to a tenant where the recipient domain is not accepted, a group or mailbox only accepts " +
				"authenticated or listed senders, or a mail flow rule rejected the message.",
			Remedy: "Note which side logged it. For on-premises relay: Get-ReceiveConnector | " +
				"fl Name,Bindings,RemoteIPRanges,PermissionGroups,AuthMechanism, and grant relay on a dedicated connector limited to " +
				"the right IPs (Get-ReceiveConnector <name> | Add-ADPermission -User 'NT AUTHORITY\\ANONYMOUS LOGON' " +
				"-ExtendedRights ms-Exch-SMTP-Accept-Any-Recipient). For 'Client was not authenticated', authenticate, or add " +
				"AnonymousUsers to PermissionGroups on the connector that receives internet or Exchange Online mail. At Exchange " +
				"Online, check accepted domains and MX, RequireSenderAuthenticationEnabled on the recipient, and mail flow rules.",
			Link: link571,
		},
		enh: []string{"5.7.1"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "5.7.57",
			Title: "Client submission without login refused (5.7.57)",
			Meaning: "The client submission endpoint of Exchange Online (smtp.office365.com, port 587) was reached, but the client " +
				"got to MAIL FROM without authenticating, so the message was refused.",
			Cause: "A device, application or Send connector uses smtp.office365.com as its smart host and does not log in: no or " +
				"wrong credentials, or it never starts TLS, which must come before AUTH is offered. Server-to-server relay from " +
				"Exchange should not go to smtp.office365.com at all.",
			Remedy: "For devices and applications: give them a licensed mailbox's credentials, STARTTLS and port 587, and make sure " +
				"SMTP AUTH is allowed for that mailbox (Set-CASMailbox <user> -SmtpClientAuthenticationDisabled $false). For Exchange " +
				"servers and other relays: send to <domain-with-dashes>.mail.protection.outlook.com on port 25 and let an inbound " +
				"connector identify the server by certificate or IP.",
			Link: link5757,
		},
		enh: []string{"5.7.57"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "4.7.500-699",
			Title: "Throttled by Exchange Online: server busy, try again later (4.7.500-699, ASxxx)",
			Meaning: "Exchange Online is temporarily limiting what it accepts from the connecting IP address because that IP's sending " +
				"pattern changed sharply, for example a sudden rise in volume from an IP it does not know. The text often reads " +
				"'Server busy. Please try again later from [IP]. (ASxxx)'. The sender retries, and the limit eases as the IP builds " +
				"a sending history.",
			Cause: "In hybrid and relay setups the usual reason is missing attribution: without a matching inbound connector your " +
				"on-premises server looks like an unknown internet sender and is graylisted. It also follows a move to a new outbound " +
				"IP, the start of bulk sending, and tenants that still send from their onmicrosoft.com domain.",
			Remedy: "Create or fix the OnPremises inbound connector so that the server's certificate (TlsSenderCertificateName) or " +
				"public IP (SenderIPAddresses) matches what this log shows; if inbound mail reaches you through a third-party filter, " +
				"give that filter a Partner connector. Send from your own accepted domains rather than the onmicrosoft.com domain. " +
				"Then watch the deferrals fall.",
			Link:      linkASxxx,
			Transient: true,
		},
		span: "4.7.500-699",
	},
	{
		CodeInfo: CodeInfo{
			Key:   "4.7.850-899",
			Title: "Sending IP under evaluation: access denied, try again later (4.7.850-899)",
			Meaning: "Exchange Online saw suspicious traffic from this IP address and holds its mail back while it evaluates the " +
				"address. Messages are deferred, not rejected.",
			Cause: "A new or recently changed outbound IP, a sudden surge of mail, a compromised account or an open relay sending " +
				"through the address, or other traffic that shares the IP.",
			Remedy: "Make sure everything leaving through the IP is legitimate: look for spam in the queues, open relay on Receive " +
				"connectors and compromised accounts. Legitimate mail passes once the evaluation ends; on-premises mail should be " +
				"attributed through an inbound connector so it is not judged as anonymous.",
			Link:      linkNDR,
			Transient: true,
		},
		span: "4.7.850-899",
	},
	{
		CodeInfo: CodeInfo{
			Key:   "4.7.26",
			Title: "Mail over IPv6 must pass SPF or DKIM (4.7.26)",
			Meaning: "Exchange Online accepts anonymous mail over IPv6 only when it passes SPF or carries a valid DKIM signature. This " +
				"message did neither, so it was deferred.",
			Cause: "The on-premises server or device reached Exchange Online over IPv6, its IPv6 address is not in the sender " +
				"domain's SPF record, the message is not DKIM-signed, and no inbound connector attributed it to your tenant.",
			Remedy: "Add the server's IPv6 address to the SPF record (ip6:...), sign outgoing mail with DKIM, or make the traffic " +
				"match an inbound connector. Sending over IPv4 avoids the check while you fix it.",
			Link:      linkNDR,
			Transient: true,
		},
		enh: []string{"4.7.26"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "4.4.316",
			Title: "Exchange Online could not connect: connection refused (4.4.316)",
			Meaning: "Exchange Online tried to deliver to your on-premises server (or another destination) and the TCP connection " +
				"was refused, typically shown as 'Socket error code 10061'. It keeps retrying; when the message expires it bounces " +
				"with 5.4.316.",
			Cause: "Nothing listens on port 25 at that address, or a firewall or NAT rejects Exchange Online's addresses; the outbound " +
				"connector's smart host points to a wrong host or IP; or on-premises mail was shut down while the outbound connector " +
				"and an Internal Relay domain still send mail there.",
			Remedy: "Test from outside: Test-NetConnection <host> -Port 25. Allow the Exchange Online IP ranges to TCP 25 on the " +
				"firewall, and check Get-OutboundConnector | fl Name,SmartHosts,RecipientDomains,TlsSettings,TlsDomain and the " +
				"bindings of the receiving Exchange connector. If no mailboxes remain on-premises, disable the outbound connector and " +
				"set the domain to Authoritative (Set-AcceptedDomain <domain> -DomainType Authoritative).",
			Link:      linkMailFlowInt,
			Transient: true,
		},
		enh: []string{"4.4.316"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "4.4.317",
			Title: "Exchange Online reached the server but could not deliver: TLS or certificate requirement not met (4.4.317)",
			Meaning: "Exchange Online connected to the destination but could not go on: the server answered with an error, or the " +
				"connection did not meet the outbound connector's TLS settings. The bracketed [Message=...] says which: " +
				"SubjectMismatch (the certificate does not carry the name the connector expects), '451 5.7.3 STARTTLS is required " +
				"to send mail' (TLS could not be started), UntrustedRoot (the chain does not lead to a trusted root).",
			Cause: "In hybrid, usually after a certificate renewal: the on-premises Receive connector that answers Exchange Online " +
				"(normally Default Frontend) presents an old or different certificate, because its TlsCertificateName or Fqdn does not " +
				"fit the outbound connector's TlsDomain; STARTTLS is missing from the EHLO reply because no usable certificate is " +
				"bound or its chain is broken; or the server sends only its own certificate without the intermediates, which Exchange " +
				"Online does not fetch by itself.",
			Remedy: "Compare Get-OutboundConnector | fl Name,TlsSettings,TlsDomain with Get-ReceiveConnector | " +
				"fl Name,Fqdn,TlsCertificateName and set the right certificate: $c = Get-ExchangeCertificate -Thumbprint <thumbprint>; " +
				"Set-ReceiveConnector <name> -TlsCertificateName \"<I>$($c.Issuer)<S>$($c.Subject)\". In the receive protocol log " +
				"check that the EHLO reply to Exchange Online lists STARTTLS. Install the intermediate CA certificates on every " +
				"server (Test-Certificate shows chain errors) and restart the transport services.",
			Link:      linkMailFlowInt,
			Transient: true,
		},
		enh: []string{"4.4.317"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "4.4.312",
			Title: "Exchange Online could not resolve the smart host: DNS query failed (4.4.312)",
			Meaning: "Exchange Online wanted to deliver through a connector but could not look up the IP address of the smart host " +
				"or MX it names.",
			Cause: "A problem at the domain's DNS host, an expired domain, a recently changed record still cached, or a typo in the " +
				"outbound connector's smart host.",
			Remedy: "Resolve the name from outside (Resolve-DnsName <host>), fix the record or the connector " +
				"(Get-OutboundConnector | fl Name,SmartHosts), or ask the partner who owns the destination to fix it.",
			Link:      linkMailFlowInt,
			Transient: true,
		},
		enh: []string{"4.4.312"},
	},
	{
		CodeInfo: CodeInfo{
			Key:       "4.4.315",
			Title:     "Exchange Online could not connect: connection timed out (4.4.315)",
			Meaning:   "Exchange Online got no answer when it tried to connect to the destination server named by the connector.",
			Cause:     "The on-premises server is down or unreachable, a firewall silently drops Exchange Online's connections, or the connector's smart host points to the wrong IP (for example after an ISP or IP change).",
			Remedy:    "Test TCP 25 from outside (Test-NetConnection <host> -Port 25), check the public IP and NAT rules, and the outbound connector's smart hosts.",
			Link:      linkMailFlowInt,
			Transient: true,
		},
		enh: []string{"4.4.315"},
	},
	{
		CodeInfo: CodeInfo{
			Key:       "4.4.318",
			Title:     "Connection to the destination closed abruptly (4.4.318)",
			Meaning:   "Exchange Online was talking to the destination server when the connection was dropped.",
			Cause:     "Firewalls that inspect or rewrite SMTP, an on-premises server that hangs or runs short of resources (back pressure), or network trouble between the two.",
			Remedy:    "Switch off SMTP inspection on firewalls in the path, check the receiving Exchange server's event log and back pressure, and have the network team trace the path.",
			Link:      linkMailFlowInt,
			Transient: true,
		},
		enh: []string{"4.4.318"},
	},
	{
		CodeInfo: CodeInfo{
			Key:       "4.7.320",
			Title:     "Exchange Online could not validate the destination's certificate (4.7.320)",
			Meaning:   "Exchange Online connected and started TLS but rejected the certificate the destination presented.",
			Cause:     "The certificate has expired, does not carry the name the outbound connector expects (TlsDomain), is revoked, or its chain is incomplete.",
			Remedy:    "Renew or replace the certificate on the receiving connector, install the intermediates, and make the outbound connector's TlsDomain match a name on it.",
			Link:      linkMailFlowInt,
			Transient: true,
		},
		enh: []string{"4.7.320"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "5.7.3",
			Title: "TLS or login required and not done (5.7.3)",
			Meaning: "The receiving Exchange server needs a secure channel or authentication that this session did not provide. " +
				"Texts seen: '451 5.7.3 STARTTLS is required to send mail' and '451 5.7.3 Must issue a STARTTLS command first' " +
				"(TLS required but not started), '554 5.7.3 Unable to initialize security subsystem' (the server could not set up " +
				"TLS with its certificate), '535 5.7.3 Authentication unsuccessful' (credentials refused), '451 5.7.3 Require XOORG " +
				"extension to send mail' (the connector expects an Exchange peer sending organisation headers).",
			Cause: "TLS could not be negotiated: typically TLS 1.2 is not enabled on an older Windows or Exchange server while the " +
				"other side requires it, or no valid certificate with a usable private key is enabled for SMTP. For 535, wrong " +
				"credentials or an AuthMechanism that does not allow the method used.",
			Remedy: "Look for 'TLS negotiation failed' rows in the same session. Enable TLS 1.2 (Schannel client and server keys and " +
				".NET SchUseStrongCrypto) and install current updates. Check Get-ExchangeCertificate | " +
				"fl Thumbprint,Services,Subject,NotAfter,Status and Enable-ExchangeCertificate -Thumbprint <t> -Services SMTP. For " +
				"535, fix the account or the connector's AuthMechanism and PermissionGroups.",
			Link: linkTLS12,
		},
		enh: []string{"5.7.3"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "5.7.0",
			Title: "Security requirement not met: STARTTLS must come first (5.7.0)",
			Meaning: "Most often '530 5.7.0 Must issue a STARTTLS command first': the server only accepts mail over TLS and the " +
				"client tried to send without starting it. 5.7.0 is also the catch-all for other security or policy refusals; read " +
				"the text.",
			Cause: "The client never tried STARTTLS (not offered to it, switched off on the Send connector, not supported by the " +
				"device), or it tried, the handshake failed, and it carried on in plain text.",
			Remedy: "In the session, check whether the EHLO reply lists STARTTLS and whether a 'TLS negotiation failed' row follows. " +
				"Give the sender a certificate enabled for SMTP, enable TLS on the Send connector (Set-SendConnector -RequireTLS " +
				"$true), and enable TLS 1.2 on older servers.",
			Link: linkTLS12,
		},
		enh: []string{"5.7.0"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "4.7.0",
			Title: "Temporary security or authentication failure (4.7.0)",
			Meaning: "The server could not complete authentication or a security check at this moment and asks the client to retry, " +
				"for example '454 4.7.0 Temporary authentication failure'. Exchange Online also uses 4.7.0 for temporary server " +
				"errors.",
			Cause: "The authentication back end is unavailable (domain controller unreachable, Kerberos or NTLM trouble, clock skew), " +
				"or a certificate could not be read during TLS between Exchange servers.",
			Remedy: "Check the Application log for MSExchangeTransport and MSExchangeFrontEndTransport errors, domain controller " +
				"connectivity and time sync; check the certificates with Get-ExchangeCertificate and that the receive connector's " +
				"AuthMechanism matches what the client uses. The text after the code often names the reason.",
			Link:      linkRFC4954,
			Transient: true,
		},
		enh: []string{"4.7.0"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "4.7.5",
			Title: "Certificate validation failure or certificate not found (4.7.5)",
			Meaning: "'454 4.7.5 Certificate validation failure': a certificate in the TLS exchange could not be validated. Also " +
				"'454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found': Exchange cannot " +
				"find the certificate the Send connector names.",
			Cause: "After a renewal the Send connector's TlsCertificateName still names the old certificate, or its " +
				"<I>issuer<S>subject string does not match the installed certificate exactly; the certificate expired or was removed; " +
				"its chain or revocation status cannot be checked; or, with DomainValidation, the peer's certificate does not match " +
				"TlsDomain.",
			Remedy: "Point the connector at the current certificate: $c = Get-ExchangeCertificate -Thumbprint <thumbprint>; " +
				"Set-SendConnector <name> -TlsCertificateName \"<I>$($c.Issuer)<S>$($c.Subject)\". Check Get-ExchangeCertificate | " +
				"fl Thumbprint,Status,NotAfter,Services, install the intermediates, and restart MSExchangeTransport after the change.",
			Link:      linkSendConn,
			Transient: true,
		},
		enh: []string{"4.7.5"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "4.4.2",
			Title: "Connection dropped (4.4.2), often a TLS version mismatch",
			Meaning: "'421 4.4.2 Connection dropped due to <reason>': the connection to the other server broke during the session; " +
				"the message stays queued and is retried.",
			Cause: "With SocketError right after STARTTLS, the two sides share no TLS version or cipher: the classic case is an " +
				"Exchange 2010/2013/2016 server without TLS 1.2 talking to Exchange Online, which no longer accepts TLS 1.0 or 1.1. " +
				"Otherwise firewalls or SMTP inspection cutting the session, idle timeouts or network resets.",
			Remedy: "If the session shows 'TLS negotiation failed with error SocketError', enable TLS 1.2 for Schannel (client and " +
				"server) and for .NET (SystemDefaultTlsVersions, SchUseStrongCrypto), install current updates and restart. Otherwise " +
				"switch off SMTP inspection on firewalls and check the network path.",
			Link:      linkTLS12,
			Transient: true,
		},
		enh: []string{"4.4.2"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "5.4.1",
			Title: "Relay access denied or recipient rejected (5.4.1)",
			Meaning: "'550 5.4.1 Relay Access Denied': the receiving server does not accept mail for the recipient's domain. " +
				"'550 5.4.1 Recipient address rejected: Access denied': Exchange Online rejected an address it does not know " +
				"(Directory-Based Edge Blocking).",
			Cause: "The domain's MX points to a tenant or server where the domain is not accepted, or DNS changes are still " +
				"spreading. In hybrid, the domain is Authoritative in the tenant while some recipients still live on-premises (it " +
				"should be InternalRelay), or the recipient is not synchronised to Exchange Online, so edge blocking rejects it.",
			Remedy: "Check Get-AcceptedDomain | fl DomainName,DomainType in the tenant (InternalRelay for a domain shared with " +
				"on-premises), the MX (<domain-with-dashes>.mail.protection.outlook.com, only one), and that the recipient exists in " +
				"Exchange Online (directory sync, Get-Recipient <address>).",
			Link: link541,
		},
		enh: []string{"5.4.1"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "5.7.750",
			Title: "Blocked: too much mail from unregistered domains (5.7.750)",
			Meaning: "Exchange Online stopped relaying for the tenant because a large share of its outgoing mail uses sender " +
				"domains that are not accepted and verified in the tenant.",
			Cause: "On-premises servers, applications or devices relay through the inbound connector with MAIL FROM addresses in " +
				"domains never added to Microsoft 365 (old brands, subsidiaries, application defaults); or an attacker created an " +
				"inbound connector to send spam through the tenant.",
			Remedy: "Add and verify every domain you send from (Microsoft 365 admin center > Settings > Domains; check with " +
				"Get-AcceptedDomain), or relay through a certificate-based OnPremises connector whose certificate domain is accepted. " +
				"Review Get-InboundConnector for connectors you do not recognise and check admin accounts for compromise.",
			Link: link57xx,
		},
		enh: []string{"5.7.750"},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "5.7.703",
			Title:   "Recipient blocked by your own tenant's block list (5.7.703)",
			Meaning: "Someone in your organisation sent to an address or domain that is blocked in the Tenant Allow/Block List; the whole message is refused, even if only one recipient is blocked.",
			Cause:   "A block entry for the recipient's address or domain, often added to stop inbound spam from that sender.",
			Remedy:  "Review the block entries in the Tenant Allow/Block List (Get-TenantAllowBlockListItems -ListType Sender -Block) and remove or narrow the entry if the mail is wanted.",
			Link:    link57xx,
		},
		enh: []string{"5.7.703"},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "5.7.705",
			Title:   "Tenant blocked from sending: threshold exceeded (5.7.705)",
			Meaning: "Most of the tenant's recent outgoing mail looked like spam, so Exchange Online blocked its outbound mail.",
			Cause:   "A compromised on-premises server or open relay sending through the inbound connector, a compromised admin account used to create connectors, or in rare cases a subscription renewed after it had lapsed.",
			Remedy:  "Find and stop the source (outbound mail flow and top senders reports, message trace, Get-InboundConnector for unknown connectors, relay permissions on Receive connectors), then ask Microsoft support to lift the block.",
			Link:    link57xx,
		},
		enh: []string{"5.7.705"},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "5.7.708",
			Title:   "Traffic not accepted from this IP (5.7.708)",
			Meaning: "Exchange Online does not accept mail from the sending IP because of its low reputation.",
			Cause:   "Common with new or trial tenants and with IP addresses that have sent spam before.",
			Remedy:  "Send from an address with a clean history or through an attributed connector; for trial tenants, contact Microsoft support for an exception.",
			Link:    link57xx,
		},
		enh: []string{"5.7.708"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "5.7.501-513",
			Title: "Access denied by Exchange Online anti-spam rules (5.7.501-513)",
			Meaning: "A family of permanent refusals. Among them: 501 spam abuse detected, 502/503 banned sender, 504 recipient " +
				"address rejected, 506 bad HELO (the sender introduced itself with the receiver's own name), 508 IPv6 range over its " +
				"limits, 509 DMARC failure with a reject policy, 510 recipient does not accept mail over IPv6, 511 banned sending IP, " +
				"512 missing or malformed From header, 513 sending IP on the recipient's own block list.",
			Cause: "Depends on the number: a compromised account or server sending spam, an EHLO name copied from the destination, " +
				"SPF/DKIM/DMARC records that do not cover the sending server, or a block placed by the recipient.",
			Remedy: "Read the number and text. Secure and reset compromised accounts; give the Send connector its own FQDN " +
				"(Set-SendConnector -Fqdn); fix SPF/DKIM/DMARC; for a banned IP (511) request delisting; for 513 contact the recipient.",
			Link: linkNDR,
		},
		span: "5.7.501-513",
	},
	{
		CodeInfo: CodeInfo{
			Key:     "5.7.606-649",
			Title:   "Access denied: banned sending IP (5.7.606-649)",
			Meaning: "Exchange Online refuses all mail from the sending IP address because it is on its block list.",
			Cause:   "Spam or malicious traffic seen from the address (a compromised server, an open relay, a shared IP another customer abused).",
			Remedy:  "Stop any abuse (open relay, compromised accounts), then request removal through Microsoft's delist portal for the IP shown in the text.",
			Link:    linkNDR,
		},
		span: "5.7.606-649",
	},
	{
		CodeInfo: CodeInfo{
			Key:   "4.7.321-325",
			Title: "Outbound TLS or DANE check failed at the destination, will retry (4.7.321-325)",
			Meaning: "Exchange Online would not send because the destination failed a TLS or DANE requirement: 321 " +
				"starttls-not-supported, 322 certificate-expired, 323 tlsa-invalid, 324 dnssec-invalid, 325 " +
				"certificate-host-mismatch. Delivery is retried.",
			Cause: "The destination domain uses DNSSEC/DANE (or a connector requires TLS) and its server does not meet it: no " +
				"STARTTLS or a failed handshake, an expired certificate, a certificate that does not match the TLSA record or the MX " +
				"host name, or broken DNSSEC.",
			Remedy: "Fix the destination server: a valid certificate naming the MX host, TLSA records updated before a certificate " +
				"change (publish the new hash first), a valid DNSSEC chain. If the destination is your own on-premises server, check " +
				"its Receive connector's certificate.",
			Link:      linkNDR,
			Transient: true,
		},
		span: "4.7.321-325",
	},
	{
		CodeInfo: CodeInfo{
			Key:   "5.7.321-325",
			Title: "Outbound TLS or DANE check failed at the destination (5.7.321-325)",
			Meaning: "The permanent form of 4.7.321-325: the destination kept failing a TLS or DANE requirement (starttls-not-supported, " +
				"certificate-expired, tlsa-invalid, dnssec-invalid, certificate-host-mismatch) and the message was returned.",
			Cause: "The destination server lacks STARTTLS or a valid certificate matching its MX name and TLSA records, or its " +
				"DNSSEC is broken.",
			Remedy: "Fix the destination's certificate, TLSA and DNSSEC records as for 4.7.321-325, then resend.",
			Link:   linkNDR,
		},
		span: "5.7.321-325",
	},
	{
		CodeInfo: CodeInfo{
			Key:   "5.7.4",
			Title: "Unrecognised authentication type (5.7.4)",
			Meaning: "'504 5.7.4 Unrecognized authentication type': the client asked for an AUTH method that this connector does not " +
				"offer, or offers only after STARTTLS.",
			Cause: "The Receive connector's AuthMechanism does not include what the client uses (basic authentication off, or only " +
				"allowed after TLS), or the client talks to the wrong connector or port.",
			Remedy: "Get-ReceiveConnector | fl Name,Bindings,AuthMechanism,PermissionGroups and compare with the AUTH line of the EHLO " +
				"reply in the log. Enable the method on a dedicated connector, make the client start TLS first, or let it relay " +
				"anonymously by IP instead.",
			Link: linkRFC4954,
		},
		enh: []string{"5.7.4"},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "5.5.1",
			Title:   "Invalid command or command out of order (5.5.1)",
			Meaning: "The server did not accept a command at that point of the conversation, for example RCPT before MAIL, or MAIL before EHLO.",
			Cause:   "Simple SMTP clients in devices and scripts, broken pipelining, or a firewall's SMTP inspection that rewrites commands (EHLO replaced by XXXX or similar).",
			Remedy:  "Compare the commands in the session with the replies; switch off SMTP inspection on firewalls in the path and update the sending device or application.",
			Link:    linkRFC3463 + "#section-3.6",
		},
		enh: []string{"5.5.1"},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "5.5.2",
			Title:   "Syntax error in a command (5.5.2)",
			Meaning: "The server could not parse a command or its arguments, for example an address without angle brackets.",
			Cause:   "Badly written SMTP clients, non-ASCII characters in addresses, or middleboxes altering commands.",
			Remedy:  "Look at the exact command the log shows before the reply, fix the sender's configuration or software, and check for SMTP inspection on firewalls.",
			Link:    linkRFC3463 + "#section-3.6",
		},
		enh: []string{"5.5.2"},
	},
	{
		CodeInfo: CodeInfo{
			Key:   "ATTRnn",
			Title: "Exchange Online attribution tag",
			Meaning: "ATTRnn tags in Exchange Online replies name the attribution rule that decided how the message was treated " +
				"(which tenant it belongs to and whether it may be relayed). ATTR35 and ATTR36 are the common ones.",
			Cause:  "Exchange Online could not tie the message to a tenant the way the sender expected: connector, certificate or accepted domain trouble.",
			Remedy: "Read the enhanced code next to the tag, then check the inbound connectors (Get-InboundConnector) and accepted domains (Get-AcceptedDomain) against what this log shows for the session.",
			Link:   linkNDR,
		},
	},
	// Basic reply codes, for replies that carry no enhanced code.
	{
		CodeInfo: CodeInfo{
			Key:       "421",
			Title:     "Service not available, closing the connection (421)",
			Meaning:   "The server ends the session without handling the message; the sender queues it and tries again.",
			Cause:     "The receiving server is shutting down, overloaded or under back pressure, a connection limit per source was reached, or the connection was dropped (421 4.4.2).",
			Remedy:    "Read the enhanced code and text. On a receiving Exchange server check back pressure (event log, Get-ExchangeDiagnosticInfo -Process EdgeTransport -Component ResourceThrottling) and connector limits such as MaxInboundConnectionPerSource.",
			Link:      linkRFC5321,
			Transient: true,
		},
		basic: []int{421},
	},
	{
		CodeInfo: CodeInfo{
			Key:       "450",
			Title:     "Action not taken, try again later (450)",
			Meaning:   "A temporary refusal: the mailbox or destination is unavailable right now and the sender will retry.",
			Cause:     "Exchange Online uses 450 with 4.4.31x codes when it cannot deliver through a connector (DNS, connection or TLS trouble towards your servers); other servers use it for greylisting or busy mailboxes.",
			Remedy:    "Look at the enhanced code; for 4.4.31x check the on-premises side of the outbound connector (reachability on TCP 25, certificate, STARTTLS).",
			Link:      linkRFC5321,
			Transient: true,
		},
		basic: []int{450},
	},
	{
		CodeInfo: CodeInfo{
			Key:       "451",
			Title:     "Local error, try again later (451)",
			Meaning:   "The server hit a problem it considers temporary and asks the sender to retry.",
			Cause:     "In these logs typically 451 4.4.62 ATTR35 (wrong region or unattributed), 451 4.7.500-699 (throttling), or 451 5.7.3 (STARTTLS required).",
			Remedy:    "Read the enhanced code and any ATTR tag; those entries say what to change.",
			Link:      linkRFC5321,
			Transient: true,
		},
		basic: []int{451},
	},
	{
		CodeInfo: CodeInfo{
			Key:       "452",
			Title:     "Insufficient resources or too many recipients (452)",
			Meaning:   "The server cannot take the message or more recipients right now.",
			Cause:     "452 4.5.3 too many recipients in one message; 452 4.3.1 the receiving Exchange server is short of disk or memory (back pressure).",
			Remedy:    "For 4.5.3 split large recipient lists; for 4.3.1 free disk space on the queue drive and check back pressure events on the receiving server.",
			Link:      linkRFC5321,
			Transient: true,
		},
		basic: []int{452},
	},
	{
		CodeInfo: CodeInfo{
			Key:       "454",
			Title:     "TLS or authentication temporarily unavailable (454)",
			Meaning:   "The server could not start TLS or complete authentication right now; the sender retries.",
			Cause:     "Certificate problems on the receiving server (missing, expired, not enabled for SMTP), a TlsCertificateName that names no installed certificate (454 4.7.5), or authentication back-end trouble (454 4.7.0).",
			Remedy:    "Check the certificate bound to SMTP (Get-ExchangeCertificate) and the connectors' TlsCertificateName, then see the 4.7.0 and 4.7.5 entries.",
			Link:      linkRFC5321,
			Transient: true,
		},
		basic: []int{454},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "501",
			Title:   "Syntax error in parameters (501)",
			Meaning: "The server did not accept the arguments of a command, for example a malformed address or EHLO name.",
			Cause:   "A device or application that builds SMTP commands badly, or a firewall altering them.",
			Remedy:  "Check the command just before the reply in the log and fix the sender's configuration.",
			Link:    linkRFC5321,
		},
		basic: []int{501},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "503",
			Title:   "Bad sequence of commands (503)",
			Meaning: "A command arrived in the wrong order, for example MAIL before EHLO or DATA without recipients.",
			Cause:   "Simple SMTP clients, pipelining bugs, or a command refused earlier (such as STARTTLS or AUTH) that the client ignored.",
			Remedy:  "Read the earlier replies of the session: the real failure is usually the one before this.",
			Link:    linkRFC5321,
		},
		basic: []int{503},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "530",
			Title:   "Authentication or STARTTLS required (530)",
			Meaning: "The server will not go on until the client authenticates or starts TLS.",
			Cause:   "530 5.7.1 Client was not authenticated (the connector does not allow anonymous senders) or 530 5.7.0 Must issue a STARTTLS command first.",
			Remedy:  "See the 5.7.1 and 5.7.0 entries: allow the sender on the right Receive connector or make it start TLS.",
			Link:    linkRFC5321,
		},
		basic: []int{530},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "535",
			Title:   "Authentication failed (535)",
			Meaning: "The credentials the client sent were refused.",
			Cause:   "Wrong user name or password, a disabled or locked account, or SMTP AUTH not allowed for the account or connector.",
			Remedy:  "Check the account and its SMTP AUTH setting; in Exchange Online Get-CASMailbox <user> | fl SmtpClientAuthenticationDisabled.",
			Link:    linkRFC4954,
		},
		basic: []int{535},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "550",
			Title:   "Rejected: mailbox unavailable or policy refusal (550)",
			Meaning: "The generic permanent refusal; the message will not be retried.",
			Cause:   "For mail to Exchange Online the usual reasons are relay or attribution failures (5.7.64, 5.7.1, 5.4.1) and anti-spam blocks (5.7.5xx, 5.7.6xx).",
			Remedy:  "Read the enhanced code and any ATTR or TenantAttribution word in the text; those entries say what to change.",
			Link:    linkRFC5321,
		},
		basic: []int{550},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "552",
			Title:   "Message too large or storage exceeded (552)",
			Meaning: "The message is bigger than the receiver allows, or the recipient's storage is full.",
			Cause:   "Size limits on the Send or Receive connector, the organisation's transport limits, or the mailbox (552 5.3.4 message size exceeds the maximum).",
			Remedy:  "Compare the message size with Get-TransportConfig | fl MaxSendSize,MaxReceiveSize and the connectors' MaxMessageSize on both sides.",
			Link:    linkRFC5321,
		},
		basic: []int{552},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "554",
			Title:   "Transaction failed (554)",
			Meaning: "A permanent failure of the session or message, often before any mail was sent.",
			Cause:   "554 5.7.3 Unable to initialize security subsystem (the server could not use its certificate for TLS), a connection refused by policy or block list, or content rejected.",
			Remedy:  "Read the enhanced code; for 5.7.3 check the certificate enabled for SMTP and TLS 1.2 support.",
			Link:    linkRFC5321,
		},
		basic: []int{554},
	},
	// Classes of basic codes (RFC 5321) and subjects of enhanced codes (RFC 3463).
	{
		CodeInfo: CodeInfo{
			Key:     "2xx",
			Title:   "Success (2xx)",
			Meaning: "The server did what was asked.",
			Cause:   "Normal operation.",
			Remedy:  "Nothing to do.",
			Link:    linkRFC5321,
		},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "3xx",
			Title:   "Go on (3xx)",
			Meaning: "The server accepted the command and waits for more, for example 354 before the message body or 334 during AUTH.",
			Cause:   "Normal operation.",
			Remedy:  "Nothing to do; if the session stops right after, look at what happened next (timeout, dropped connection).",
			Link:    linkRFC5321,
		},
	},
	{
		CodeInfo: CodeInfo{
			Key:       "4xx",
			Title:     "Temporary failure (4xx)",
			Meaning:   "The server refused for now; the sender keeps the message in its queue and retries until it expires, then sends an NDR.",
			Cause:     "Anything the server expects to clear up: throttling, a busy or unreachable server, TLS or attribution trouble that Exchange Online defers rather than rejects.",
			Remedy:    "Read the enhanced code and text; watch the queue (Get-Queue) and fix the cause before messages expire.",
			Link:      linkRFC5321,
			Transient: true,
		},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "5xx",
			Title:   "Permanent failure (5xx)",
			Meaning: "The server refused for good; the message is returned to the sender in an NDR and not retried.",
			Cause:   "Policy, relay, addressing or security rules that will keep failing until the configuration changes.",
			Remedy:  "Read the enhanced code and text, fix the cause, then have the message sent again.",
			Link:    linkRFC5321,
		},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "X.0.x",
			Title:   "Other or undefined status (X.0.x)",
			Meaning: "The server gave no specific category; the text is the only explanation.",
			Cause:   "Varies; some servers use X.0.0 for everything.",
			Remedy:  "Read the text of the reply.",
			Link:    linkRFC3463 + "#section-3.1",
		},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "X.1.x",
			Title:   "Addressing problem (X.1.x)",
			Meaning: "Something is wrong with the sender or recipient address: unknown, malformed, or not accepted there.",
			Cause:   "Typing errors, recipients missing from the directory (not synchronised to Exchange Online), or a sender address the server refuses.",
			Remedy:  "Check the addresses in the MAIL FROM and RCPT TO lines of the session and that the recipient exists where the MX points.",
			Link:    linkRFC3463 + "#section-3.2",
		},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "X.2.x",
			Title:   "Mailbox problem (X.2.x)",
			Meaning: "The address is right but the mailbox cannot take the message: full, disabled, or over a limit.",
			Cause:   "Quota, disabled mailbox, message size limit of the mailbox, or receive-rate limits.",
			Remedy:  "Check the recipient mailbox's state and limits.",
			Link:    linkRFC3463 + "#section-3.3",
		},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "X.3.x",
			Title:   "Mail system problem (X.3.x)",
			Meaning: "The receiving system as a whole cannot take the message: full, not accepting mail, or the message is too big for it.",
			Cause:   "Back pressure on an Exchange server (disk or memory), system-wide size limits, or a system that does not support a needed feature.",
			Remedy:  "Check the receiving server's resources and transport limits (Get-TransportConfig, connector MaxMessageSize).",
			Link:    linkRFC3463 + "#section-3.4",
		},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "X.4.x",
			Title:   "Network or routing problem (X.4.x)",
			Meaning: "The message could not be routed or the connection failed: no answer, bad connection, DNS failure, routing loop, or the message expired in a queue.",
			Cause:   "Firewalls, DNS, wrong smart hosts or MX records, connectors pointing at the wrong place, TLS version mismatches that drop the connection.",
			Remedy:  "Check the smart hosts and MX in use, DNS resolution and TCP 25 reachability from the sending server, and the TLS rows of the session.",
			Link:    linkRFC3463 + "#section-3.5",
		},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "X.5.x",
			Title:   "SMTP protocol problem (X.5.x)",
			Meaning: "The SMTP conversation itself went wrong: invalid command, syntax error, too many recipients, or wrong protocol version.",
			Cause:   "Simple or buggy SMTP clients, firewalls inspecting SMTP, or limits on recipients per message.",
			Remedy:  "Read the command before the reply in the log and fix the client or the middlebox.",
			Link:    linkRFC3463 + "#section-3.6",
		},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "X.6.x",
			Title:   "Message content problem (X.6.x)",
			Meaning: "The message's content or format was refused or could not be converted.",
			Cause:   "Bad MIME, invalid characters such as bare line feeds, content the server cannot convert, or content rules.",
			Remedy:  "Check the application that built the message and any transport rules on content.",
			Link:    linkRFC3463 + "#section-3.7",
		},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "X.7.x",
			Title:   "Security or policy refusal (X.7.x)",
			Meaning: "A security or policy rule stopped the message: relay not allowed, authentication or TLS required, sender blocked, or the message could not be attributed to a tenant.",
			Cause:   "For hybrid mail to Exchange Online usually connector, certificate or accepted-domain mismatches; otherwise anti-spam and reputation rules.",
			Remedy:  "Compare the session's certificate and IP with the inbound connectors (Get-InboundConnector) and the sender domain with Get-AcceptedDomain, then read the text for the specific rule.",
			Link:    linkRFC3463 + "#section-3.8",
		},
	},
	{
		CodeInfo: CodeInfo{
			Key:     "unknown",
			Title:   "Unrecognised reply",
			Meaning: "The reply carries no status code this tool can classify.",
			Cause:   "A non-standard server, a truncated log row, or a code outside the SMTP ranges.",
			Remedy:  "Read the raw reply text in the session.",
			Link:    linkRFC5321,
		},
	},
}

// codeIndex holds the lookups over codeTable, built once.
type codeIndex struct {
	infos   []CodeInfo
	byKey   map[string]int // lower-case Key, exact enhanced codes, tokens
	byEnh   map[uint32]int // packed enhanced code, including every code inside a span
	byBasic map[int]int    // 451
	byAttr  map[int]int    // 35 for ATTR35
	tenant  int            // the TenantAttribution entry
	attrAny int            // the ATTRnn entry
	unknown int            // the unknown entry
	basicCl [6]int         // "4xx" by first digit; -1 if none
	subjCl  [8]int         // "X.7.x" by subject; -1 if none
}

var codeIdx = buildCodeIndex(codeTable)

func buildCodeIndex(table []codeEntry) *codeIndex {
	ix := &codeIndex{
		infos:   make([]CodeInfo, len(table)),
		byKey:   make(map[string]int),
		byEnh:   make(map[uint32]int),
		byBasic: make(map[int]int),
		byAttr:  make(map[int]int),
		tenant:  -1,
		attrAny: -1,
		unknown: -1,
	}
	for i := range ix.basicCl {
		ix.basicCl[i] = -1
	}
	for i := range ix.subjCl {
		ix.subjCl[i] = -1
	}
	addKey := func(k string, i int) {
		k = strings.ToLower(k)
		if j, dup := ix.byKey[k]; dup && j != i {
			panic("analyze: status key " + k + " used twice")
		}
		ix.byKey[k] = i
	}
	for i, e := range table {
		ix.infos[i] = e.CodeInfo
		k := e.Key
		if k != "unknown" { // a fallback, not something a user types
			addKey(k, i)
		}
		switch {
		case k == "TenantAttribution":
			ix.tenant = i
		case k == "ATTRnn":
			ix.attrAny = i
		case k == "unknown":
			ix.unknown = i
		case len(k) == 3 && k[1:] == "xx" && k[0] >= '2' && k[0] <= '5':
			ix.basicCl[k[0]-'0'] = i
		case len(k) == 5 && k[0] == 'X' && k[1] == '.' && k[3] == '.' && k[4] == 'x' && k[2] >= '0' && k[2] <= '7':
			ix.subjCl[k[2]-'0'] = i
		}
		for _, c := range e.enh {
			p, ok := packEnhanced(c)
			if !ok {
				panic("analyze: bad enhanced code " + c)
			}
			if _, dup := ix.byEnh[p]; dup {
				panic("analyze: enhanced code " + c + " used twice")
			}
			ix.byEnh[p] = i
			addKey(c, i)
		}
		for _, b := range e.basic {
			if _, dup := ix.byBasic[b]; dup {
				panic("analyze: basic code " + strconv.Itoa(b) + " used twice")
			}
			ix.byBasic[b] = i
			addKey(strconv.Itoa(b), i)
		}
		if e.token != "" {
			addKey(e.token, i)
			if n, ok := attrNumber(e.token); ok {
				ix.byAttr[n] = i
			}
		}
	}
	// Spans last, so an exact code inside a span keeps its own entry.
	for i, e := range table {
		if e.span == "" {
			continue
		}
		lo, hi, ok := parseSpan(e.span)
		if !ok {
			panic("analyze: bad code span " + e.span)
		}
		for p := lo; p <= hi; p++ {
			if _, taken := ix.byEnh[p]; !taken {
				ix.byEnh[p] = i
			}
		}
	}
	if ix.tenant < 0 || ix.attrAny < 0 || ix.unknown < 0 {
		panic("analyze: status table lacks a required entry")
	}
	return ix
}

// packEnhanced packs an enhanced status code "c.s.d" (class one digit 2, 4
// or 5; subject and detail up to three digits) into one integer.
func packEnhanced(s string) (uint32, bool) {
	cl, sub, det, ok := splitEnhanced(s)
	if !ok {
		return 0, false
	}
	return packParts(cl, sub, det), true
}

func packParts(cl, sub, det int) uint32 {
	return uint32(cl)<<20 | uint32(sub)<<10 | uint32(det)
}

// splitEnhanced reads "c.s.d"; ok is false for anything else.
func splitEnhanced(s string) (cl, sub, det int, ok bool) {
	if len(s) < 5 || s[1] != '.' {
		return 0, 0, 0, false
	}
	switch s[0] {
	case '2', '4', '5':
		cl = int(s[0] - '0')
	default:
		return 0, 0, 0, false
	}
	rest := s[2:]
	sub, n := codeNumber(rest, 3)
	if n == 0 || n >= len(rest) || rest[n] != '.' {
		return 0, 0, 0, false
	}
	rest = rest[n+1:]
	det, n = codeNumber(rest, 3)
	if n == 0 || n != len(rest) {
		return 0, 0, 0, false
	}
	return cl, sub, det, true
}

// codeNumber reads up to max leading digits of s; n is how many it read.
func codeNumber(s string, max int) (v, n int) {
	for n < len(s) && n < max && s[n] >= '0' && s[n] <= '9' {
		v = v*10 + int(s[n]-'0')
		n++
	}
	return v, n
}

// parseSpan reads "4.7.500-699".
func parseSpan(s string) (lo, hi uint32, ok bool) {
	dash := strings.IndexByte(s, '-')
	if dash < 0 {
		return 0, 0, false
	}
	cl, sub, det, ok := splitEnhanced(s[:dash])
	if !ok {
		return 0, 0, false
	}
	end, n := codeNumber(s[dash+1:], 3)
	if n == 0 || n != len(s)-dash-1 || end < det {
		return 0, 0, false
	}
	return packParts(cl, sub, det), packParts(cl, sub, end), true
}

// attrNumber reads "ATTR35" (any case) as 35.
func attrNumber(w string) (int, bool) {
	if len(w) < 5 || !codeFoldPrefix(w, "attr") {
		return 0, false
	}
	v, n := codeNumber(w[4:], 4)
	if n == 0 || n != len(w)-4 {
		return 0, false
	}
	return v, true
}

// codeFoldPrefix reports whether s starts with lower, ignoring ASCII case;
// lower must be lower-case.
func codeFoldPrefix(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func codeAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// replyToken finds a known ATTRnn tag or the word TenantAttribution in a
// reply text, ignoring case. A known ATTR tag wins over TenantAttribution
// wherever it stands. It does not allocate.
func (ix *codeIndex) replyToken(text string) (int, bool) {
	tenant := false
	for i := 0; i+4 <= len(text); i++ {
		c := text[i] | 0x20 // ASCII lower-case for letters; harmless for the rest
		if c != 'a' && c != 't' {
			continue
		}
		if i > 0 && codeAlnum(text[i-1]) {
			continue
		}
		if c == 'a' && codeFoldPrefix(text[i:], "attr") {
			v, n := codeNumber(text[i+4:], 4)
			end := i + 4 + n
			if n > 0 && (end == len(text) || !codeAlnum(text[end])) {
				if e, ok := ix.byAttr[v]; ok {
					return e, true
				}
			}
			continue
		}
		if c == 't' && !tenant && codeFoldPrefix(text[i:], "tenantattribution") {
			end := i + len("tenantattribution")
			tenant = end == len(text) || !codeAlnum(text[end])
		}
	}
	if tenant {
		return ix.tenant, true
	}
	return 0, false
}

// pick returns entry i with Transient set from the codes actually seen: the
// basic code when there is one (it decides whether the sender retries),
// else the class of the enhanced code.
func (ix *codeIndex) pick(i, code, class int) CodeInfo {
	ci := ix.infos[i]
	switch {
	case code >= 200 && code < 600:
		ci.Transient = code/100 == 4
	case class == 2 || class == 4 || class == 5:
		ci.Transient = class == 4
	}
	return ci
}

// resolve picks the most specific entry: a token entry, the exact enhanced
// code, a span containing it, the basic code, the enhanced code's subject
// class, the basic class. ok is false when nothing applies.
func (ix *codeIndex) resolve(code int, enh string, token int) (CodeInfo, bool) {
	cl, sub, det, hasEnh := splitEnhanced(enh)
	if token >= 0 {
		return ix.pick(token, code, cl), true
	}
	if hasEnh {
		if i, ok := ix.byEnh[packParts(cl, sub, det)]; ok {
			return ix.pick(i, code, cl), true
		}
	}
	if i, ok := ix.byBasic[code]; ok {
		return ix.pick(i, code, cl), true
	}
	// A success or intermediate reply is explained by its basic class,
	// whatever subject its enhanced code names (235 2.7.0 is not a refusal).
	if hasEnh && cl != 2 && (code == 0 || code >= 400) && sub < len(ix.subjCl) && ix.subjCl[sub] >= 0 {
		return ix.pick(ix.subjCl[sub], code, cl), true
	}
	if code >= 200 && code < 600 {
		if i := ix.basicCl[code/100]; i >= 0 {
			return ix.pick(i, code, cl), true
		}
	}
	if hasEnh {
		if i := ix.basicCl[cl]; i >= 0 {
			return ix.pick(i, code, cl), true
		}
	}
	return CodeInfo{}, false
}

// ExplainCode looks up a code as a user types it: "5.7.64", "550 5.7.64",
// "ATTR35", "attr36", "451", "4.7.512" (inside the 4.7.500-699 range),
// "TenantAttribution", "5.7.750", "4.7.26", "4xx", "5.1.x". Unknown codes
// fall back to the meaning of their class ("5.7.999" gives the X.7.x
// security and policy class, "499" the 4xx class). ok is false only for
// input that is not a code at all.
func ExplainCode(q string) (CodeInfo, bool) {
	q = strings.TrimSpace(q)
	if q == "" {
		return CodeInfo{}, false
	}
	ix := codeIdx
	if i, ok := ix.byKey[strings.ToLower(strings.Trim(q, ".,;:#()[]<>\"'"))]; ok {
		return ix.pick(i, 0, 0), true
	}
	// token is a known ATTRnn tag or TenantAttribution, which win over the
	// enhanced code as in ExplainReply; named is any other entry named by a
	// word (TenantInboundAttribution, ATTR99, "4.7.500-699"), which only
	// counts when the enhanced code has no entry of its own.
	code, token, tenant, named := 0, -1, -1, -1
	enh := ""
	wildSub, wildClass := -1, 0
	for _, w := range strings.FieldsFunc(q, codeWordSep) {
		w = strings.Trim(w, ".")
		// "550-5.7.64", the continuation form of a multi-line reply.
		if len(w) > 4 && w[3] == '-' {
			if v, n := codeNumber(w, 3); n == 3 {
				if code == 0 && v >= 200 && v < 600 {
					code = v
				}
				w = w[4:]
			}
		}
		if v, n := codeNumber(w, 3); n == 3 && n == len(w) {
			if code == 0 && v >= 200 && v < 600 {
				code = v
			}
			continue
		}
		if _, _, _, ok := splitEnhanced(w); ok {
			if enh == "" {
				enh = w
			}
			continue
		}
		if cl, sub, ok := wildEnhanced(w); ok {
			if wildClass == 0 && wildSub < 0 {
				wildClass, wildSub = cl, sub
			}
			continue
		}
		lw := strings.ToLower(w)
		if n, ok := attrNumber(lw); ok {
			if i, known := ix.byAttr[n]; known {
				if token < 0 {
					token = i
				}
			} else if named < 0 {
				named = ix.attrAny
			}
			continue
		}
		if i, ok := ix.byKey[lw]; ok {
			switch {
			case i == ix.tenant:
				tenant = i
			case named < 0:
				named = i
			}
		}
	}
	if token < 0 {
		token = tenant
	}
	if token < 0 && named >= 0 {
		token = named
		if cl, sub, det, ok := splitEnhanced(enh); ok {
			if _, has := ix.byEnh[packParts(cl, sub, det)]; has {
				token = -1
			}
		}
	}
	if ci, ok := ix.resolve(code, enh, token); ok {
		return ci, true
	}
	switch {
	case wildSub >= 0 && wildSub < len(ix.subjCl) && ix.subjCl[wildSub] >= 0:
		return ix.pick(ix.subjCl[wildSub], 0, wildClass), true
	case wildClass > 0 && ix.basicCl[wildClass] >= 0:
		return ix.pick(ix.basicCl[wildClass], 0, wildClass), true
	}
	return CodeInfo{}, false
}

// codeWordSep splits a typed query into words.
func codeWordSep(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', ',', ';', ':', '#', '(', ')', '[', ']', '<', '>', '"', '\'':
		return true
	}
	return false
}

// wildEnhanced reads class patterns: "5.1.x" (subject 1 of class 5),
// "X.1.x" (subject 1, any class), "4xx" and "5.x.x" (class only, sub -1).
func wildEnhanced(w string) (cl, sub int, ok bool) {
	lw := strings.ToLower(w)
	classOf := func(c byte) (int, bool) {
		switch c {
		case '2', '3', '4', '5':
			return int(c - '0'), true
		case 'x':
			return 0, true
		}
		return 0, false
	}
	switch {
	case len(lw) == 3 && lw[1:] == "xx":
		cl, ok = classOf(lw[0])
		return cl, -1, ok && cl > 0
	case len(lw) == 5 && lw[1] == '.' && lw[3] == '.' && lw[4] == 'x':
		if cl, ok = classOf(lw[0]); !ok {
			return 0, 0, false
		}
		if lw[2] == 'x' {
			return cl, -1, cl > 0
		}
		if lw[2] >= '0' && lw[2] <= '9' {
			return cl, int(lw[2] - '0'), true
		}
	}
	return 0, 0, false
}

// ExplainReply picks the most specific entry for a logged reply: a known
// ATTRnn tag or the word TenantAttribution in the text wins over the
// enhanced code (so "550 5.7.64 ... ATTR36" gives ATTR36, and "550 5.7.64
// TenantAttribution; Relay Access Denied" the TenantAttribution entry);
// then the exact enhanced code, then a range, then the basic code, then the
// class. Transient follows the basic code when there is one. It does not
// allocate, so it can run for every failed session.
func ExplainReply(code int, enhanced, text string) CodeInfo {
	ix := codeIdx
	token := -1
	if i, ok := ix.replyToken(text); ok {
		token = i
	}
	if ci, ok := ix.resolve(code, enhanced, token); ok {
		return ci
	}
	return ix.infos[ix.unknown]
}

// Codes lists every status entry, in a stable order: the hybrid
// attribution failures first, then other specific codes, then basic reply
// codes, then the classes. The slice is a copy.
func Codes() []CodeInfo {
	return append([]CodeInfo(nil), codeIdx.infos...)
}

// tlsTable explains the error names of "TLS negotiation failed with error
// X" rows. The names are Schannel's security status names; Exchange
// writes them after a failed STARTTLS handshake and queues the message for
// retry. The last entry is the fallback.
var tlsTable = []struct {
	CodeInfo
	aliases []string
}{
	{CodeInfo: CodeInfo{
		Key:   "NoCredentials",
		Title: "NoCredentials: Exchange had no usable certificate for the TLS handshake",
		Meaning: "Schannel could not use any credentials for the handshake: the certificate Exchange picked for this " +
			"connection cannot serve as a TLS credential.",
		Cause: "Usually the certificate has no private key (imported without it, or the key was lost) or the transport " +
			"service cannot read the key. Seen after renewals where the Send connector's TlsCertificateName " +
			"(<I>issuer<S>subject) points at a copy of the certificate without its key.",
		Remedy: "Take the thumbprint from the 'Certificate thumbprint' row of the session and run " +
			"Get-ChildItem Cert:\\LocalMachine\\My\\<thumbprint> | fl Subject,NotAfter,HasPrivateKey (Get-ExchangeCertificate " +
			"only lists certificates that have a private key). Import the certificate again from a PFX with its key, " +
			"Enable-ExchangeCertificate -Thumbprint <thumbprint> -Services SMTP (answer No to replacing the default " +
			"certificate), remove the copy without a key, then Retry-Queue.",
		Link:      linkNoCreds,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:   "UnknownCredentials",
		Title: "UnknownCredentials: the certificate chosen for TLS is not usable for SMTP",
		Meaning: "Schannel did not recognise the credentials it was handed: the certificate Exchange selected, from the " +
			"connector's TlsCertificateName or by matching its FQDN, is not one it can use for SMTP TLS.",
		Cause: "The (usually third-party) certificate is installed but not enabled for the SMTP service; or the Send " +
			"connector's TlsCertificateName still names a certificate that was renewed or replaced, or its <I>issuer<S>subject " +
			"string does not match the installed certificate exactly.",
		Remedy: "Find the thumbprint in the session's 'Certificate thumbprint' row, then Get-ExchangeCertificate -Thumbprint " +
			"<thumbprint> | fl Services,Status,NotAfter. Enable it for SMTP, keeping its other services: " +
			"Enable-ExchangeCertificate -Thumbprint <thumbprint> -Services SMTP,IIS. Point the connector at it: $c = " +
			"Get-ExchangeCertificate -Thumbprint <thumbprint>; Set-SendConnector <name> -TlsCertificateName " +
			"\"<I>$($c.Issuer)<S>$($c.Subject)\". Restart MSExchangeTransport and retry the queue.",
		Link:      linkUnknownCreds,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:     "SocketError",
		Title:   "SocketError: the connection closed during the TLS handshake",
		Meaning: "The other side, or something in between, closed the TCP connection while TLS was being negotiated.",
		Cause: "Most often no common TLS version: Exchange Online accepts only TLS 1.2 and later, and older Windows or Exchange " +
			"builds still offer TLS 1.0 or 1.1. Also firewalls doing SMTP inspection, or cipher suites removed by hardening.",
		Remedy: "Enable TLS 1.2 for Schannel (client and server) and for .NET (SystemDefaultTlsVersions and SchUseStrongCrypto), " +
			"install current Windows and Exchange updates, and restart. Switch off SMTP inspection on firewalls in the path. " +
			"Expect '421 4.4.2 Connection dropped due to SocketError' in the queue for the same cause.",
		Link:      linkTLS12,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:       "IllegalMessage",
		Title:     "IllegalMessage: the other side sent a TLS alert or an unexpected handshake message",
		Meaning:   "Schannel received a TLS message it could not accept, usually a fatal alert from the peer (handshake failure, illegal parameter, decode error).",
		Cause:     "No common protocol or cipher suite after hardening on either side, the peer refusing the client certificate Exchange offered, or a middlebox altering the handshake.",
		Remedy:    "Compare enabled protocols and cipher suites on both sides (Get-TlsCipherSuite, the Schannel registry keys); the System log's Schannel events (36874, 36887) name the alert. Test with SMTP inspection off.",
		Link:      linkSchannel,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:       "AlgorithmMismatch",
		Title:     "AlgorithmMismatch: no cipher suite in common",
		Meaning:   "Client and server could not agree on any cipher suite, so no secure channel could be built.",
		Cause:     "Hardening that removed the suites the other side needs (for example only TLS 1.3 or only a few suites left), or an old server without the ECDHE/AES-GCM suites Exchange Online uses with TLS 1.2.",
		Remedy:    "List the suites with Get-TlsCipherSuite on the Exchange server, enable the TLS 1.2 ECDHE AES-GCM suites, and review any hardening template applied to the server.",
		Link:      linkSchannel,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:       "UnsupportedFunction",
		Title:     "UnsupportedFunction: the TLS version is not supported by the other side",
		Meaning:   "The peer answered with a protocol-version alert: the TLS version offered is one it does not accept.",
		Cause:     "TLS 1.2 disabled or missing on the Exchange server, or only older versions enabled on the destination.",
		Remedy:    "Enable TLS 1.2 for Schannel client and server and for .NET, then restart the server.",
		Link:      linkTLS12,
		Transient: true,
	}, aliases: []string{"Unsupported"}},
	{CodeInfo: CodeInfo{
		Key:       "TargetUnknown",
		Title:     "TargetUnknown: Schannel could not work with the target it was given",
		Meaning:   "The security package reported the target of the handshake as unknown or unreachable.",
		Cause:     "Rare on SMTP; seen together with name or credential problems in the same session, such as a connector FQDN or TlsDomain that fits no certificate, or a smart host name that does not resolve as expected.",
		Remedy:    "Check the Send connector's Fqdn, TlsDomain and smart host names against the certificates involved, and read the other rows of the session for the first error.",
		Link:      linkSchannel,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:       "IncompleteCredentials",
		Title:     "IncompleteCredentials: the server wanted a client certificate and got none or an incomplete one",
		Meaning:   "The remote server asked for a client certificate and Exchange could not present a complete one.",
		Cause:     "No certificate was selected for the connector (no TlsCertificateName and none matching its Fqdn), so EOP cannot attribute mail by certificate; or the intermediate CA certificates are missing, so the chain is incomplete.",
		Remedy:    "Set Set-SendConnector <name> -TlsCertificateName \"<I>issuer<S>subject\" to a valid certificate enabled for SMTP, and install the intermediates on every source server. Then look for the 'Sending certificate' rows in new sessions.",
		Link:      linkSendConn,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:       "CertificateExpired",
		Title:     "CertificateExpired: a certificate in the handshake has expired",
		Meaning:   "Either the certificate Exchange presented or the one the peer presented is past its end date.",
		Cause:     "A renewal that was installed but not enabled for SMTP or not set on the connectors, or a renewal that never happened.",
		Remedy:    "Check 'Not after' in the session's certificate rows and Get-ExchangeCertificate | fl Thumbprint,NotAfter,Services. Enable the new certificate for SMTP, update TlsCertificateName on the connectors and, if the name changed, TlsSenderCertificateName on the inbound connector in Exchange Online.",
		Link:      linkHybridTLS,
		Transient: true,
	}, aliases: []string{"CertExpired"}},
	{CodeInfo: CodeInfo{
		Key:       "UntrustedRoot",
		Title:     "UntrustedRoot: the certificate chain ends at a root that is not trusted",
		Meaning:   "The certificate could not be chained to a trusted root certification authority.",
		Cause:     "The Exchange self-signed certificate or one from an internal CA is used towards Exchange Online or a partner; or the intermediate CA certificate is missing, so the chain stops short.",
		Remedy:    "Use a certificate from a public CA for mail to and from Exchange Online, install its intermediates in the Intermediate Certification Authorities store, and check the chain with Test-Certificate.",
		Link:      linkUntrustedNDR,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:       "CertUnknown",
		Title:     "CertUnknown: the other side rejected the certificate",
		Meaning:   "The peer sent an alert saying the certificate was bad, unsupported or unknown.",
		Cause:     "A certificate with the wrong key usage, an unusual key type, a broken chain, or one the peer's policy does not accept.",
		Remedy:    "Check the certificate in the session's certificate rows (issuer, key usage, chain) and replace it with a standard server/client authentication certificate from a public CA.",
		Link:      linkSchannel,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:       "WrongPrincipal",
		Title:     "WrongPrincipal: the certificate does not carry the expected name",
		Meaning:   "The name Exchange expected (the smart host or TlsDomain) is not on the certificate the peer presented.",
		Cause:     "A smart host given by IP address or an alias not on the certificate, or TlsDomain set to a name the peer's certificate does not list.",
		Remedy:    "Use a smart host name that is on the peer's certificate and check Get-SendConnector | fl Name,SmartHosts,TlsAuthLevel,TlsDomain.",
		Link:      linkSchannel,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:       "InternalError",
		Title:     "InternalError: Schannel failed internally",
		Meaning:   "The local security subsystem failed while building the TLS credentials or context.",
		Cause:     "Often a private key Schannel cannot use: stored with an unsuitable key provider, unreadable because of permissions, or damaged. Sometimes a peer's internal-error alert.",
		Remedy:    "Check the System log for Schannel errors, re-import the certificate from a PFX (certutil -repairstore my <thumbprint> for key links), and enable it for SMTP again.",
		Link:      linkSchannel,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:       "DecryptFailure",
		Title:     "DecryptFailure: data in the TLS session could not be decrypted or verified",
		Meaning:   "A TLS record failed decryption or its integrity check.",
		Cause:     "A device in the path altering traffic (SMTP inspection, IPS), faulty NIC offloading, or a peer-side error.",
		Remedy:    "Take the firewalls and inspection devices out of the path to test, and update network drivers.",
		Link:      linkSchannel,
		Transient: true,
	}, aliases: []string{"MessageAltered"}},
	{CodeInfo: CodeInfo{
		Key:       "LogonDenied",
		Title:     "LogonDenied: the other side refused access after checking the certificate",
		Meaning:   "The peer sent an access-denied alert: it validated the certificate but will not accept it.",
		Cause:     "The peer allows only certain certificates (for example a partner connector bound to another certificate name).",
		Remedy:    "Ask the receiving side which certificate it expects and compare with the 'Sending certificate' rows.",
		Link:      linkSchannel,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:       "InvalidToken",
		Title:     "InvalidToken: the handshake data was not valid TLS",
		Meaning:   "Schannel received handshake data it could not read as TLS.",
		Cause:     "A proxy or firewall answering instead of the real server, or a server that accepted STARTTLS but then spoke plain text.",
		Remedy:    "Check what really answers on port 25 (the banner in the log) and remove SMTP proxies or inspection from the path.",
		Link:      linkSchannel,
		Transient: true,
	}},
	{CodeInfo: CodeInfo{
		Key:       "TLS",
		Title:     "TLS negotiation failed",
		Meaning:   "STARTTLS was accepted but the TLS handshake did not complete; Exchange either retries or sends without encryption, depending on the connector.",
		Cause:     "Certificate selection or validation problems on either side, no common TLS version or cipher, or middleboxes interfering.",
		Remedy:    "Read the certificate rows just before the failure, check Get-ExchangeCertificate and the connector's TlsCertificateName, and make sure TLS 1.2 is enabled.",
		Link:      linkSchannel,
		Transient: true,
	}},
}

// winsockTable explains "Failed to connect. Winsock error code: N" rows.
// The last entry is the fallback.
var winsockTable = []struct {
	code int
	CodeInfo
}{
	{10060, CodeInfo{
		Title:   "Winsock 10060: connection timed out",
		Meaning: "Exchange tried to open a TCP connection and got no answer in time (WSAETIMEDOUT).",
		Cause:   "A firewall that silently drops TCP 25 (outbound on your side, or inbound at the destination), an ISP that blocks outbound port 25, a wrong smart host or MX address, or a destination that is down.",
		Remedy:  "From the sending server run Test-NetConnection <host> -Port 25 against the address in the log row; check outbound firewall and NAT rules for TCP 25 and the smart hosts (Get-SendConnector | fl Name,SmartHosts). SMTP does not go through web proxies.",
	}},
	{10061, CodeInfo{
		Title:   "Winsock 10061: connection refused",
		Meaning: "The destination host answered but refused the TCP connection (WSAECONNREFUSED): nothing accepts connections on that port.",
		Cause:   "The SMTP service is stopped or not listening on that address or port, a firewall actively rejects the connection, or the smart host port is wrong.",
		Remedy:  "Check that the destination's SMTP service runs and listens (Receive connector Bindings, Get-Service MSExchangeFrontEndTransport), the port configured on the Send connector (Port), and firewall rules.",
	}},
	{10051, CodeInfo{
		Title:   "Winsock 10051: network unreachable",
		Meaning: "The server has no route to the destination network (WSAENETUNREACH).",
		Cause:   "A missing or wrong default gateway, a wrong route on a multi-homed server, or an IPv6 destination chosen while the server has no IPv6 route.",
		Remedy:  "Check route print and the gateway on the sending server; if the destination is an IPv6 address, fix IPv6 routing or make the server prefer IPv4.",
	}},
	{10065, CodeInfo{
		Title:   "Winsock 10065: host unreachable",
		Meaning: "The destination host could not be reached (WSAEHOSTUNREACH).",
		Cause:   "Routing or firewall problems on the way, or a destination address that is not in use.",
		Remedy:  "Trace the path (Test-NetConnection <host> -TraceRoute) and check routing and firewalls; confirm the address in the log row is the right one.",
	}},
	{10064, CodeInfo{
		Title:   "Winsock 10064: host is down",
		Meaning: "The destination host appears to be down (WSAEHOSTDOWN).",
		Cause:   "The destination server is off or disconnected.",
		Remedy:  "Check the destination server; messages stay queued and are retried.",
	}},
	{10054, CodeInfo{
		Title:   "Winsock 10054: connection reset by the other side",
		Meaning: "The remote host or a device in between forcibly closed the connection (WSAECONNRESET).",
		Cause:   "During TLS usually no common TLS version (TLS 1.2 missing on older servers); otherwise an IPS, SMTP inspection or load balancer resetting the session, or the destination rejecting the connection.",
		Remedy:  "Look for 'TLS negotiation failed' in the same session and enable TLS 1.2 if so; otherwise check firewalls and inspection devices in the path.",
	}},
	{10053, CodeInfo{
		Title:   "Winsock 10053: connection aborted on this server",
		Meaning: "Software on the sending server aborted the connection (WSAECONNABORTED).",
		Cause:   "A local firewall or antivirus agent cutting SMTP, or a timeout on the local side.",
		Remedy:  "Check the antivirus and host firewall on the Exchange server for rules on port 25, and exclude Exchange as its documentation recommends.",
	}},
	{10013, CodeInfo{
		Title:   "Winsock 10013: access to the socket denied",
		Meaning: "The server's own policy forbade opening the connection (WSAEACCES).",
		Cause:   "An antivirus or host firewall rule on the Exchange server that blocks outbound port 25 (anti mass-mailing rules), or a port reserved by another service.",
		Remedy:  "Allow the Exchange transport process (EdgeTransport.exe) to connect on TCP 25 in the antivirus and Windows Firewall, and check for port exclusions (netsh int ipv4 show excludedportrange tcp).",
	}},
	{10049, CodeInfo{
		Title:   "Winsock 10049: address not available",
		Meaning: "The requested address cannot be used (WSAEADDRNOTAVAIL).",
		Cause:   "A source IP configured for sending that is not on this server, or a destination address that is not valid (such as 0.0.0.0).",
		Remedy:  "Check the source IP settings of the Send connector or transport service and the destination address in the log row.",
	}},
	{10050, CodeInfo{
		Title:   "Winsock 10050: network is down",
		Meaning: "The server's network stack reported the network as down (WSAENETDOWN).",
		Cause:   "A disconnected or failed network adapter or network stack problem on the sending server.",
		Remedy:  "Check the network adapters and the System event log of the sending server.",
	}},
	{10055, CodeInfo{
		Title:   "Winsock 10055: no buffer space",
		Meaning: "The server ran out of socket resources (WSAENOBUFS).",
		Cause:   "Outbound port exhaustion or memory pressure, often from a process leaking connections.",
		Remedy:  "Count connections with netstat -ano, find the process holding them, and widen the dynamic port range if needed.",
	}},
	{11001, CodeInfo{
		Title:   "Winsock 11001: host not found",
		Meaning: "DNS could not find the host name Exchange tried to connect to (WSAHOST_NOT_FOUND).",
		Cause:   "A typo in the smart host, an internal DNS server that cannot resolve internet names, or the transport service set to use external DNS servers that do not answer.",
		Remedy:  "Resolve-DnsName <host> on the sending server; check Get-SendConnector | fl Name,SmartHosts,UseExternalDNSServersEnabled and Get-TransportService | fl Name,ExternalDNS*.",
	}},
	{11002, CodeInfo{
		Title:   "Winsock 11002: temporary DNS failure",
		Meaning: "The DNS lookup failed for now, without a definite answer (WSATRY_AGAIN).",
		Cause:   "A DNS server that timed out or could not reach the authoritative servers.",
		Remedy:  "Check the DNS servers the Exchange server uses (Get-TransportService | fl Name,ExternalDNS*,InternalDNS*) and their forwarders.",
	}},
	{11004, CodeInfo{
		Title:   "Winsock 11004: name has no address record",
		Meaning: "The name exists but has no record of the type asked for (WSANO_DATA).",
		Cause:   "A smart host name with only an MX or CNAME chain that ends nowhere, or IPv4/IPv6 records missing for the family in use.",
		Remedy:  "Check the A and AAAA records of the smart host or MX host with Resolve-DnsName.",
	}},
	{0, CodeInfo{
		Title:   "Winsock error while connecting",
		Meaning: "Exchange could not open a TCP connection to the next hop.",
		Cause:   "Network, firewall or DNS problems between the sending server and the destination.",
		Remedy:  "Run Test-NetConnection <host> -Port 25 from the sending server and check firewalls, routing and DNS.",
	}},
}

// tlsIdx and winsockIdx are the lookups over tlsTable and winsockTable.
var tlsIdx, winsockIdx = buildTLSIndex(), buildWinsockIndex()

func buildTLSIndex() map[string]int {
	m := make(map[string]int)
	for i, e := range tlsTable {
		m[strings.ToLower(e.Key)] = i
		for _, a := range e.aliases {
			m[strings.ToLower(a)] = i
		}
	}
	return m
}

func buildWinsockIndex() map[int]int {
	m := make(map[int]int)
	for i, e := range winsockTable {
		m[e.code] = i
	}
	return m
}

// ExplainTLSError explains the X of "TLS negotiation failed with error X":
// NoCredentials, UnknownCredentials, SocketError, IllegalMessage,
// AlgorithmMismatch, TargetUnknown, IncompleteCredentials,
// CertificateExpired, UntrustedRoot and others. The whole row text is
// accepted too. Unknown names get a general explanation whose Title
// carries the name.
func ExplainTLSError(name string) CodeInfo {
	name = strings.TrimSpace(name)
	if i := strings.LastIndexByte(name, ' '); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Trim(name, ".,;'\"")
	if i, ok := tlsIdx[strings.ToLower(name)]; ok {
		return tlsTable[i].CodeInfo
	}
	ci := tlsTable[len(tlsTable)-1].CodeInfo
	if name != "" {
		ci.Title += " (" + name + ")"
	}
	return ci
}

// ExplainWinsock explains the Winsock code of "Failed to connect. Winsock
// error code: 10060, ...": 10060 timeout, 10061 refused, 10051 and 10065
// unreachable, 11001 host not found, 10054 reset, 10013 access denied and
// others. Unknown codes get a general explanation. Key is the code.
func ExplainWinsock(code int) CodeInfo {
	i, ok := winsockIdx[code]
	if !ok || code == 0 {
		i = len(winsockTable) - 1
	}
	ci := winsockTable[i].CodeInfo
	ci.Key = strconv.Itoa(code)
	ci.Link = linkWinsock
	ci.Transient = true
	if !ok {
		ci.Title = "Winsock error " + ci.Key + " while connecting"
	}
	return ci
}
