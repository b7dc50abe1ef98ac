package analyze

import (
	"bytes"
	"strconv"
	"strings"
	"time"
)

// parseTLS reads "TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded
// using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC
// hash algorithm CALG_SHA_384 with strength 0 bits and key exchange
// algorithm CALG_ECDH_EPHEM with strength 384 bits".
func parseTLS(text []byte) TLS {
	var t TLS
	t.Protocol = algorithmName(firstWord(text[len(txtTLSOK):]))
	t.Version = tlsVersion(t.Protocol)
	t.Cipher, t.CipherBits = algorithm(text, "bulk encryption algorithm ")
	t.MAC, _ = algorithm(text, "MAC hash algorithm ")
	t.KeyExchange, t.KeyExchangeBits = algorithm(text, "key exchange algorithm ")
	return t
}

// algorithm returns the word after label and the number after the
// following "with strength ".
func algorithm(text []byte, label string) (string, int) {
	i := bytes.Index(text, []byte(label))
	if i < 0 {
		return "", 0
	}
	rest := text[i+len(label):]
	name := algorithmName(bytes.TrimRight(firstWord(rest), ","))
	bits := 0
	if j := bytes.Index(rest, []byte("with strength ")); j >= 0 && j < len(name)+8 {
		n := firstWord(rest[j+len("with strength "):])
		if b, err := strconv.Atoi(string(n)); err == nil && b > 0 && b <= 1<<16 {
			bits = b
		}
	}
	return name, bits
}

// tlsVersion turns an Schannel protocol name into "TLS 1.2".
func tlsVersion(p string) string {
	u := strings.ToUpper(p)
	switch {
	case strings.Contains(u, "TLS1_3"):
		return "TLS 1.3"
	case strings.Contains(u, "TLS1_2"):
		return "TLS 1.2"
	case strings.Contains(u, "TLS1_1"):
		return "TLS 1.1"
	case strings.Contains(u, "TLS1"):
		return "TLS 1.0"
	case strings.Contains(u, "SSL3"):
		return "SSL 3.0"
	case strings.Contains(u, "SSL2"):
		return "SSL 2.0"
	}
	return p
}

// parseCertLine reads the one-row certificate layout of Exchange 2016 and
// later: " <Subject> <Issuer> <Serial> <Thumbprint> <NotBefore> <NotAfter>
// <SAN;SAN...>". Subject and issuer may contain spaces, so it is read from
// the right, and the two names are split where a new distinguished name
// begins.
func parseCertLine(c *Certificate, data []byte) {
	s := strings.TrimSpace(string(data))
	last := func() string {
		i := strings.LastIndexByte(s, ' ')
		w := s[i+1:]
		if i < 0 {
			s = ""
		} else {
			s = strings.TrimRight(s[:i], " ")
		}
		return w
	}
	w := last()
	if _, ok := certTime(w); !ok && !strings.Contains(w, "=") {
		c.SANs = splitSANs(w)
		w = last()
	}
	if t, ok := certTime(w); ok {
		c.NotAfter = t
		w = last()
		if t, ok := certTime(w); ok {
			c.NotBefore = t
			w = last()
		}
	}
	if isHex(w) {
		c.Thumbprint = strings.ToUpper(w)
		w = last()
		if isHex(w) {
			c.Serial = w
		} else {
			s = strings.TrimSpace(s + " " + w)
		}
	} else {
		s = strings.TrimSpace(s + " " + w)
	}
	c.Subject, c.Issuer = splitNames(s)
}

func certTime(w string) (time.Time, bool) {
	if len(w) < 10 || !isDigit(w[0]) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, w)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

func isHex(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !isDigit(c) && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

// splitNames splits "CN=a, O=b CN=c, O=d" into the subject and the issuer.
// Inside one distinguished name the parts are joined by ", "; a space that
// does not follow a comma and is followed by "KEY=" starts the issuer. When
// several places qualify, a split into two equal names (a self-signed
// certificate) wins, then one whose issuer starts with CN=, then the first.
func splitNames(s string) (subject, issuer string) {
	var cands []int
	for i := 1; i < len(s)-1; i++ {
		if s[i] == ' ' && s[i-1] != ',' && startsRDN(s[i+1:]) {
			cands = append(cands, i)
		}
	}
	switch len(cands) {
	case 0:
		return s, ""
	case 1:
		return s[:cands[0]], s[cands[0]+1:]
	}
	for _, i := range cands {
		if s[:i] == s[i+1:] {
			return s[:i], s[i+1:]
		}
	}
	for _, i := range cands {
		if strings.HasPrefix(s[i+1:], "CN=") {
			return s[:i], s[i+1:]
		}
	}
	return s[:cands[0]], s[cands[0]+1:]
}

// startsRDN reports whether s starts with an attribute type and '='
// ("CN=", "OU=", "O=", "E=", "OID.2.5.4.97=").
func startsRDN(s string) bool {
	for i := 0; i < len(s) && i < 24; i++ {
		c := s[i]
		switch {
		case c == '=':
			return i > 0
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', isDigit(c), c == '.':
		default:
			return false
		}
	}
	return false
}

// CommonName returns the CN of a distinguished name, or "".
func CommonName(dn string) string {
	for dn != "" {
		part, rest, _ := strings.Cut(dn, ",")
		part = strings.TrimSpace(part)
		if len(part) > 3 && strings.EqualFold(part[:3], "CN=") {
			return part[3:]
		}
		dn = rest
	}
	return ""
}

// algorithmName returns a Schannel algorithm name, the usual ones without
// allocating (every TLS row names three).
func algorithmName(b []byte) string {
	for _, k := range knownAlgorithms {
		if string(b) == k {
			return k
		}
	}
	return string(b)
}

var knownAlgorithms = []string{"SP_PROT_TLS1_2_CLIENT", "SP_PROT_TLS1_2_SERVER", "SP_PROT_TLS1_3_CLIENT", "SP_PROT_TLS1_3_SERVER",
	"SP_PROT_TLS1_1_CLIENT", "SP_PROT_TLS1_0_CLIENT", "CALG_AES_256", "CALG_AES_128", "CALG_SHA_384", "CALG_SHA_256", "CALG_SHA1", "CALG_ECDH_EPHEM",
	"CALG_ECDHE", "CALG_DH_EPHEM", "CALG_RSA_KEYX", "CALG_3DES", "CALG_RC4"}
