// Package analyze rebuilds SMTP sessions from protocol-log records and
// summarises what they show: outcomes, response codes, TLS and the
// certificates presented.
//
// An [Assembler] takes records in file order and hands each [Session] on as
// soon as it ends, so memory holds only the sessions still open. A
// [Summary] accumulates finished sessions and input statistics and freezes
// into a [Result].
package analyze

import (
	"time"

	"github.com/logscan/logscan/parser"
)

// Outcome is how a session ended.
type Outcome string

// The outcomes, in the order reports list them (worst first).
const (
	Rejected   Outcome = "rejected"   // ended by a 5xx reply
	Deferred   Outcome = "deferred"   // ended by a 4xx reply
	Failed     Outcome = "failed"     // no mail transaction: connect or TLS failure
	Incomplete Outcome = "incomplete" // the logged rows end before anything decided it
	Idle       Outcome = "idle"       // connected and closed cleanly without sending mail
	Delivered  Outcome = "delivered"  // every message accepted
)

// Outcomes lists every outcome, worst first.
var Outcomes = []Outcome{Rejected, Deferred, Failed, Incomplete, Idle, Delivered}

// StartTLS says what became of STARTTLS in a session.
type StartTLS string

// STARTTLS states.
const (
	TLSUnknown    StartTLS = "unknown"     // no EHLO reply was logged
	TLSNotOffered StartTLS = "not-offered" // the server's EHLO reply did not offer it
	TLSOffered    StartTLS = "offered"     // offered but not used
	TLSUsed       StartTLS = "used"        // the client asked and the server agreed
	TLSRefused    StartTLS = "refused"     // the client asked and the server said no
)

// Pos is a place in the input.
type Pos struct {
	File string
	Line int // 1-based
}

// Reply is an SMTP response: "550 5.7.64 TenantAttribution; Relay Access Denied".
type Reply struct {
	Code     int    // 3-digit code
	Enhanced string // "5.7.64", or "" when the reply has none
	Text     string // what follows the codes
	Command  string // the command it answered: "MAIL", "RCPT", "DATA", "BDAT", "EHLO", "connect", "end of data" ...
	Pos      Pos
	// Raw is the row as logged, kept for error replies (code >= 400) only.
	Raw string
}

// TLS is a successful TLS negotiation.
type TLS struct {
	Protocol        string // Schannel name: SP_PROT_TLS1_2_CLIENT
	Version         string // TLS 1.2
	Cipher          string // CALG_AES_256
	CipherBits      int
	MAC             string // CALG_SHA_384
	KeyExchange     string // CALG_ECDH_EPHEM
	KeyExchangeBits int
	At              Line // the row that reported it
}

// Certificate is a certificate as logged. Fields the log did not carry are
// empty (the thumbprint-only layout has just the thumbprint).
type Certificate struct {
	Subject    string
	Issuer     string
	Serial     string
	Thumbprint string
	SANs       []string
	NotBefore  time.Time
	NotAfter   time.Time
	Pos        Pos    // the first row of the certificate
	Rows       []Line // the rows that described it, as logged (evidence)
}

// Message is one mail transaction.
type Message struct {
	RecordID  string // from "sending message with RecordId N ..."
	MessageID string // InternetMessageId
	From      string
	To        []string
	Refused   []Refusal // recipients the server would not take
	XOORG     string
	Size      int64 // from SIZE=, -1 when absent
	// Reply decided the message: the reply at end of data, or the first
	// failure (MAIL, every RCPT, DATA). Nil while undecided.
	Reply    *Reply
	Accepted bool
}

// Refusal is a recipient the server refused.
type Refusal struct {
	To    string
	Reply *Reply
}

// Session is one SMTP session rebuilt from its rows.
type Session struct {
	Source    string // the folder its files came from ("-" for standard input)
	Server    string // server and service derived from the path, when known
	Service   string
	LogType   parser.LogType
	Connector string
	ID        string

	Start, End time.Time
	// Complete is true when both the start and the end of the session were
	// logged in the input given.
	Complete bool
	// Started is true when the session's first rows were seen (it did not
	// begin in a file that was not given).
	Started bool
	// MaxGap is the longest pause between two consecutive rows, GapFrom
	// the row before it and GapTo the row after it.
	MaxGap  time.Duration
	GapFrom Pos
	GapTo   Line
	// Evicted is true when the session was closed early to bound memory.
	Evicted bool

	Local, Remote  string // endpoints, ip:port
	RemoteHost     string // send: host in the 220 banner; receive: the client's EHLO name
	EHLO           string // the EHLO/HELO name the client sent
	SeenIP         string // the IP the server said it saw: "Hello [x]"
	SeenIPAt       Line
	StartTLS       StartTLS
	TLS            *TLS
	TLSError       string // "UnknownCredentials" from "TLS negotiation failed with error ..."
	TLSErrorAt     Line
	ConnectError   string // the "Failed to connect ..." text
	ConnectErrorAt Line
	LocalCert      *Certificate
	RemoteCert     *Certificate
	Messages       []Message
	// MessagesDropped counts messages beyond the per-session cap.
	MessagesDropped int
	Replies         []Reply // every reply, up to a cap
	RepliesDropped  int
	Final           *Reply // the reply that decided the outcome
	Outcome         Outcome
	Disconnect      string // context of the "-" row
	Findings        []string

	First, Last Pos
	Rows        int // rows seen

	transcript transcript
	tls        TLS                // TLS points here when the negotiation succeeded
	spare      spares             // room left by the session this one reuses
	txt        []byte             // the text the session keeps (keepText)
	toBuf      []string           // the messages' recipients (addRecipient)
	attr       attributionReplies // the first failure replies of each attribution kind among Replies
	kept       bool               // Keep was called: release leaves the session whole
	state      state
	msgStates  []msgState // parallel to Messages
	lastNS     int64      // the previous row's time (Record.Nanos)
	startNS    int64      // Start and End as Record.Nanos
	endNS      int64
	lastPos    Pos
	keyType    parser.LogType // the log type the session is keyed under
	head       bool           // began before the file it was read from (KeepHeads)
}

// Duration is End - Start.
func (s *Session) Duration() time.Duration { return s.End.Sub(s.Start) }
