package analyze

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logscan/logscan/parser"
)

// Fuzz targets for the sub-parsers that read row text, and for the whole
// row machine. Seeds come from the sample logs as well as the lists below.

// sampleRows returns the data and context fields of every row of the
// sample logs, for seeds.
func sampleRows(f *testing.F) (data, context [][]byte) {
	f.Helper()
	err := filepath.WalkDir("../testdata/samples", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".log") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		r := parser.NewReader(bytes.NewReader(b), path)
		for {
			rec, err := r.Read()
			if err == io.EOF {
				return nil
			}
			if err == nil {
				data = append(data, bytes.Clone(rec.Data))
				context = append(context, bytes.Clone(rec.Context))
			}
		}
	})
	if err != nil {
		f.Fatal(err)
	}
	return data, context
}

func FuzzParseReply(f *testing.F) {
	data, _ := sampleRows(f)
	for _, d := range data {
		if isReply(d) {
			f.Add(d)
		}
	}
	for _, s := range []string{"250", "250-", "250 ", "550 5.7.64", "550 5.7.64 ", "451 4.4.62 Mail sent", "250  EXCH01 Hello",
		"550 4.7.1 x", "999 9.999.9999 x", "550 5..64 x", "550 5.7.641234 x", "220 2.0.0"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, d []byte) {
		if n := enhancedLen(d); n < 0 || n > len(d) {
			t.Fatalf("enhancedLen(%q) = %d", d, n)
		}
		if !isReply(d) {
			return
		}
		code, cont, enh, text := parseReply(d)
		if want := int(d[0]-'0')*100 + int(d[1]-'0')*10 + int(d[2]-'0'); code != want {
			t.Fatalf("parseReply(%q) code = %d", d, code)
		}
		if cont != (len(d) > 3 && d[3] == '-') {
			t.Fatalf("parseReply(%q) cont = %v", d, cont)
		}
		if len(enh) > 0 {
			if enh[0] != d[0] || enhancedLen(enh) != len(enh) || !bytes.Contains(d[4:], enh) || bytes.Count(enh, []byte(".")) != 2 {
				t.Fatalf("parseReply(%q) enh = %q", d, enh)
			}
		}
		if !bytes.HasSuffix(d, text) {
			t.Fatalf("parseReply(%q) text = %q", d, text)
		}
	})
}

func FuzzParseCertLine(f *testing.F) {
	data, ctx := sampleRows(f)
	for i := range data {
		if bytes.HasPrefix(ctx[i], ctxSending) || bytes.HasPrefix(ctx[i], ctxRemote) || bytes.HasPrefix(ctx[i], ctxCertAttr) {
			f.Add(data[i])
		}
	}
	for _, s := range []string{
		" CN=SERVER-HOSTNAME CN=SERVER-HOSTNAME 12DEABC6565646512346ABDC13456894 12DEABC6565646512346ABDC1345689413589876 2020-01-17T15:15:33.000Z 2025-01-17T15:15:33.000Z SERVER-HOSTNAME;SERVER-HOSTNAME.DOMAIN.TEST",
		" CN=a, O=b CN=c, OU=d CN=e 01 AB 2020-01-17T15:15:33.000Z",
		"CN=x CN=x", " ", "", "=", " a=b c=d", "OID.2.5.4.97=x CN=y", "2020-01-17T15:15:33Z", " ;;; ",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, d []byte) {
		c := &Certificate{}
		parseCertLine(c, d)
		if c.Thumbprint != strings.ToUpper(c.Thumbprint) || c.Thumbprint != "" && !isHex(c.Thumbprint) {
			t.Fatalf("parseCertLine(%q): thumbprint %q", d, c.Thumbprint)
		}
		if c.Serial != "" && !isHex(c.Serial) {
			t.Fatalf("parseCertLine(%q): serial %q", d, c.Serial)
		}
		for _, san := range c.SANs {
			if san == "" || san != strings.TrimSpace(san) || strings.Contains(san, ";") {
				t.Fatalf("parseCertLine(%q): SANs %q", d, c.SANs)
			}
		}
		// Every part comes from the data (parseCertLine reads words, so runs
		// of blanks may come back as one).
		words := strings.ToUpper(strings.Join(strings.Fields(string(d)), " "))
		for _, part := range []string{c.Subject, c.Issuer, c.Serial, c.Thumbprint} {
			if !strings.Contains(words, strings.ToUpper(strings.Join(strings.Fields(part), " "))) {
				t.Fatalf("parseCertLine(%q): %q is not in the data", d, part)
			}
		}
		// splitNames cuts at one blank: nothing is lost or invented.
		s := string(bytes.TrimSpace(d))
		subject, issuer := splitNames(s)
		if issuer == "" && subject != s || issuer != "" && subject+" "+issuer != s {
			t.Fatalf("splitNames(%q) = %q, %q", s, subject, issuer)
		}
		for _, dn := range []string{subject, issuer, s} {
			if cn := CommonName(dn); !strings.Contains(dn, cn) {
				t.Fatalf("CommonName(%q) = %q", dn, cn)
			}
		}
		_ = CertNames(c)
	})
}

func FuzzParseTLS(f *testing.F) {
	_, ctx := sampleRows(f)
	for _, c := range ctx {
		if bytes.HasPrefix(c, txtTLSOK) {
			f.Add(c[len(txtTLSOK):])
		}
	}
	for _, s := range []string{"SP_PROT_TLS1_3_CLIENT", "", " ", "x bulk encryption algorithm ", "x key exchange algorithm CALG_ECDHE with strength",
		"x MAC hash algorithm CALG_SHA1 with strength 99999999999999999999 bits", "SSL3 bulk encryption algorithm A with strength -1 bits"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, rest []byte) {
		text := append(append([]byte(nil), txtTLSOK...), rest...)
		tls := parseTLS(text)
		if strings.ContainsAny(tls.Protocol, " ") || !bytes.Contains(text, []byte(tls.Protocol)) {
			t.Fatalf("parseTLS(%q): protocol %q", text, tls.Protocol)
		}
		if tls.Protocol != "" && tls.Version == "" {
			t.Fatalf("parseTLS(%q): no version for %q", text, tls.Protocol)
		}
		for _, name := range []string{tls.Cipher, tls.MAC, tls.KeyExchange} {
			if strings.Contains(name, " ") || !bytes.Contains(text, []byte(name)) {
				t.Fatalf("parseTLS(%q): algorithm %q", text, name)
			}
		}
		for _, bits := range []int{tls.CipherBits, tls.KeyExchangeBits} {
			if bits < 0 || bits > 1<<16 {
				t.Fatalf("parseTLS(%q): strength %d bits", text, bits)
			}
		}
	})
}

func FuzzParseMailFrom(f *testing.F) {
	data, _ := sampleRows(f)
	var buf [16]byte
	for _, d := range data {
		if v, arg := verb(d, &buf); v == "MAIL" {
			f.Add(arg)
		}
	}
	for _, s := range []string{"FROM:<>", "FROM:<a@b> SIZE=1 XOORG=contoso.com", "FROM:a@b SIZE=x", "FROM:<a", "FROM:", ":", "",
		"FROM:<\"x y\"@z> SIZE=999999999999999999999", "FROM:<a@b>  SIZE=12  BODY=8BITMIME  =  XOORG=", "from:<a@b> size=5 xoorg=c"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, arg []byte) {
		s := &Session{}
		texts := newInterner()
		m := &Message{Size: -1}
		s.parseMailFrom(m, arg)
		if !bytes.Contains(arg, []byte(m.From)) || !bytes.Contains(arg, []byte(m.XOORG)) {
			t.Fatalf("parseMailFrom(%q): From %q XOORG %q", arg, m.From, m.XOORG)
		}
		if m.Size < -1 {
			t.Fatalf("parseMailFrom(%q): Size %d", arg, m.Size)
		}
		// The whole command, as the row machine sees it (the verb's
		// argument starts after the blanks that follow it).
		s.state.msg = -1
		s.command(append([]byte("MAIL "), arg...), texts)
		m = &Message{Size: -1}
		s.parseMailFrom(m, bytes.TrimLeft(arg, " "))
		if len(s.Messages) != 1 || s.Messages[0].From != m.From || s.Messages[0].Size != m.Size {
			t.Fatalf("command(MAIL %q) = %+v, want From %q Size %d", arg, s.Messages, m.From, m.Size)
		}
	})
}

// fuzzEvents maps a byte to an event column, valid or not.
var fuzzEvents = []string{"+", "-", ">", "<", "*", "*", ">", "<", "", "x"}

// fuzzIDs are the session ids rows are spread over.
var fuzzIDs = []string{"08DC3C8E5F1A2B41", "08DC3C8E5F1A2B42", "5A"}

// fuzzLog turns fuzz input into a log: each line is "data|context" and its
// first two bytes pick the event and the session; the rows are written as
// Exchange writes them (quoted when needed). Then the input itself follows
// as raw rows. kind picks the log type, a header or not, and CRLF or LF.
func fuzzLog(in []byte, kind uint8) (name, log string) {
	var b strings.Builder
	name = []string{"SEND2024030520-1.LOG", "RECV2024030520-1.LOG", "notes.txt"}[int(kind)%3]
	nl := "\r\n"
	if kind&8 != 0 {
		nl = "\n"
	}
	if kind&4 != 0 {
		lt := []string{"SMTP Send Protocol Log", "SMTP Receive Protocol Log", "SMTP Send Protocol Log"}[int(kind>>4)%3]
		b.WriteString("\xef\xbb\xbf#Software: Microsoft Exchange Server" + nl + "#Version: 15.0.0.0" + nl + "#Log-type: " + lt + nl +
			"#Date: 2024-03-05T20:00:00.000Z" + nl + "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context" + nl)
	}
	t := time.Date(2024, 3, 5, 20, 0, 0, 0, time.UTC)
	seq := map[string]int{}
	for i, line := range strings.Split(string(in), "\n") {
		if i >= 300 {
			break
		}
		ev, id := "*", fuzzIDs[0]
		if len(line) >= 2 {
			ev, id = fuzzEvents[int(line[0])%len(fuzzEvents)], fuzzIDs[int(line[1])%len(fuzzIDs)]
			line = line[2:]
		}
		data, ctx, _ := strings.Cut(line, "|")
		t = t.Add(time.Duration(i%7) * time.Millisecond)
		fmt.Fprintf(&b, "%s,Outbound to Office 365,%s,%d,192.0.2.21:52311,52.101.68.12:25,%s,%s,%s%s",
			t.Format("2006-01-02T15:04:05.000Z"), id, seq[id], ev, csvQuote(data), csvQuote(ctx), nl)
		seq[id]++
	}
	b.Write(in)
	return name, b.String()
}

func csvQuote(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	if strings.ContainsAny(s, ",\"") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// FuzzSession feeds rows built from the input, then the input itself,
// through parser.NewReader into an Assembler that holds at most two
// sessions open, and checks every session it hands on.
func FuzzSession(f *testing.F) {
	data, ctx := sampleRows(f)
	var seed strings.Builder
	for i := range data {
		seed.WriteString("\x03\x00")
		seed.Write(data[i])
		seed.WriteByte('|')
		seed.Write(ctx[i])
		seed.WriteByte('\n')
		if i%60 == 59 {
			f.Add([]byte(seed.String()), uint8(i))
			seed.Reset()
		}
	}
	for _, s := range []string{
		"\x03\x00220 x\n\x02\x00EHLO a\n\x03\x00250-x Hello [1.2.3.4]\n\x03\x00250 STARTTLS\n\x02\x00STARTTLS\n\x03\x00220 2.0.0\n" +
			"\x04\x00|sending message with RecordId 1 and InternetMessageId <a@b>\n\x02\x00MAIL FROM:<a@b> SIZE=5\n\x02\x00RCPT TO:<c@d>\n" +
			"\x03\x00550 5.7.64 TenantAttribution; Relay Access Denied\n\x02\x00QUIT\n\x01\x00|Local\n",
		"\x02\x00DATA\n\x03\x00354 go\n\x03\x00250 2.6.0 ok\n\x02\x00BDAT 1 LAST\n\x03\x00250 ok\n",
		"\x04\x00|Sending certificate\n\x04\x00CN=a|Certificate subject\n\x04\x00 CN=a CN=b 01 AB 2020-01-17T15:15:33.000Z|Remote certificate Subject\n",
		"2024-03-05T20:00:44.100Z,C,5A,0,,,-,,Local\n> 2024-03-05T20:00:44.100Z,C,5A,1,,,<,250 ok,\n",
		// a session with every certificate attribute, then one with fewer:
		// the second must not show the first one's (sessions are reused)
		"\x00\x00|\n\x04\x00|Sending certificate\n\x04\x00CN=a|Certificate subject\n\x04\x00CN=ca|Certificate issuer name\n" +
			"\x04\x0001|Certificate serial number\n\x04\x00AB12|Certificate thumbprint\n\x04\x00a.com;b.com|Certificate alternate names\n" +
			"\x02\x00MAIL FROM:<a@b>\n\x03\x00250 ok\n\x02\x00RCPT TO:<c@d>\n\x03\x00250 ok\n\x01\x00|Local\n" +
			"\x00\x00|\n\x04\x00|Sending certificate\n\x04\x00CN=b|Certificate subject\n" +
			"\x02\x00MAIL FROM:<e@f>\n\x03\x00550 5.7.64 TenantAttribution\n\x01\x00|Local\n",
	} {
		for k := range uint8(16) {
			f.Add([]byte(s), k*17)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte, kind uint8) {
		name, log := fuzzLog(in, kind)
		emitted := map[*Session]bool{}
		var kept []string // each session as handed on, kept
		rows := 0
		opts := Options{MaxOpen: 2, Transcripts: kind&2 != 0, MaxRows: 5}
		checker := NewChecker(Config{Now: time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC)})
		sum := NewSummary()
		opts.Emit = func(s *Session) {
			if emitted[s] {
				t.Fatalf("session %s emitted twice", s.ID)
			}
			emitted[s] = true
			s.Keep() // kept, so never reused: a second Emit of it is a bug
			rows += s.Rows
			checkSession(t, s)
			checker.Check(s)
			sum.AddSession(s)
			kept = append(kept, sessionPrint(t, s))
		}
		records := assemble(t, name, log, opts)
		if rows != records {
			t.Fatalf("%d rows in sessions, %d records read", rows, records)
		}
		_, _ = checker.Findings()
		_ = sum.Result()

		// Again, the sessions handed on reused for the next ones (their
		// replies, certificates and buffers too): each must come out as it
		// did when none was reused.
		var reused []string
		checker = NewChecker(Config{Now: time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC)})
		opts.Emit = func(s *Session) {
			checker.Check(s)
			reused = append(reused, sessionPrint(t, s))
		}
		assemble(t, name, log, opts)
		if len(reused) != len(kept) {
			t.Fatalf("%d sessions reusing, %d keeping", len(reused), len(kept))
		}
		for i := range kept {
			if reused[i] != kept[i] {
				t.Fatalf("session %d differs when sessions are reused:\n%s\nkept:\n%s", i, reused[i], kept[i])
			}
		}
	})
}

// assemble reads log through an Assembler with opts, flushes it and
// returns how many records it read.
func assemble(t *testing.T, name, log string, opts Options) int {
	t.Helper()
	a := NewAssembler(opts)
	r := parser.NewReader(strings.NewReader(log), name)
	r.DefaultLogType = parser.LogTypeFromName(name)
	src := SourceOf(name)
	records := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if _, ok := err.(*parser.ParseError); !ok {
				t.Fatal(err)
			}
			continue
		}
		records++
		a.Add(src, name, rec)
	}
	a.Flush()
	if a.Open() != 0 {
		t.Fatalf("%d sessions still open", a.Open())
	}
	return records
}

// sessionPrint is what a session holds, as JSON.
func sessionPrint(t *testing.T, s *Session) string {
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	lines, _ := s.Transcript()
	return fmt.Sprintf("%s\n%+v", b, lines)
}

func checkSession(t *testing.T, s *Session) {
	t.Helper()
	valid := false
	for _, o := range Outcomes {
		valid = valid || s.Outcome == o
	}
	if !valid {
		t.Fatalf("session %s: outcome %q", s.ID, s.Outcome)
	}
	switch s.StartTLS {
	case TLSUnknown, TLSNotOffered, TLSOffered, TLSUsed, TLSRefused:
	default:
		t.Fatalf("session %s: StartTLS %q", s.ID, s.StartTLS)
	}
	if s.Rows < 1 || s.First.Line < 1 || s.Last.Line < s.First.Line || s.End.Before(s.Start) {
		t.Fatalf("session %s: rows %d, lines %d-%d, %v-%v", s.ID, s.Rows, s.First.Line, s.Last.Line, s.Start, s.End)
	}
	if s.Complete && s.Evicted {
		t.Fatalf("session %s: complete and evicted", s.ID)
	}
	if len(s.Messages) > maxMessages || len(s.Replies) > maxReplies {
		t.Fatalf("session %s: %d messages, %d replies", s.ID, len(s.Messages), len(s.Replies))
	}
	for _, r := range s.Replies {
		if r.Code < 0 || r.Code > 999 {
			t.Fatalf("session %s: reply %+v", s.ID, r)
		}
	}
	switch s.Outcome {
	case Rejected:
		if s.Final == nil || s.Final.Code < 500 {
			t.Fatalf("session %s: rejected by %+v", s.ID, s.Final)
		}
	case Deferred:
		if s.Final == nil || s.Final.Code < 400 || s.Final.Code >= 500 {
			t.Fatalf("session %s: deferred by %+v", s.ID, s.Final)
		}
	case Delivered:
		if s.Final == nil || s.Final.Code >= 400 {
			t.Fatalf("session %s: delivered by %+v", s.ID, s.Final)
		}
	}
	for _, m := range s.Messages {
		if m.Accepted && (m.Reply == nil || m.Reply.Code >= 300) {
			t.Fatalf("session %s: message accepted by %+v", s.ID, m.Reply)
		}
		if len(m.To) > maxRecipients {
			t.Fatalf("session %s: %d recipients", s.ID, len(m.To))
		}
	}
	lines, _ := s.Transcript()
	if len(lines) > 5 {
		t.Fatalf("session %s: %d transcript rows", s.ID, len(lines))
	}
	_, _ = s.ParsedTranscript()
	for _, c := range []*Certificate{s.LocalCert, s.RemoteCert} {
		if c != nil {
			_ = CertNames(c)
		}
	}
}
