package analyze

import (
	"slices"
	"time"
)

// interner shares what recurs in every session: the strings of texts such
// as the subject, issuer and thumbprint of the certificate a connector
// presents, and what was read from a whole certificate or TLS row, so that
// reading them again allocates and parses nothing. It is bounded: past
// maxInterned entries new texts are allocated and parsed as usual.
type interner struct {
	m     map[string]string
	tls   map[string]TLS        // "TLS protocol ..." texts, read
	certs map[string]certValues // one-row certificate layouts, read
	sans  map[string][]string   // "alternate names" values, split
}

// certValues is what parseCertLine reads from a one-row certificate.
type certValues struct {
	subject, issuer, serial, thumbprint string
	sans                                []string // shared: never changed (slices.Clip)
	notBefore, notAfter                 time.Time
}

const (
	maxInterned    = 4096
	maxInternedLen = 256
	maxMemo        = 256 // rows read (TLS, certificates) remembered
)

func newInterner() *interner {
	return &interner{m: make(map[string]string), tls: make(map[string]TLS),
		certs: make(map[string]certValues), sans: make(map[string][]string)}
}

func (in *interner) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > maxInternedLen {
		return string(b)
	}
	if s, ok := in.m[string(b)]; ok { // no allocation for the lookup
		return s
	}
	s := string(b)
	if len(in.m) < maxInterned {
		in.m[s] = s
	}
	return s
}

// remember returns m's value for key, or makes it with read and keeps it
// while m has room (the lookup allocates nothing).
func remember[V any](m map[string]V, key []byte, read func() V) V {
	if v, ok := m[string(key)]; ok {
		return v
	}
	v := read()
	if len(m) < maxMemo {
		m[string(key)] = v
	}
	return v
}

// parseTLS is parseTLS, remembered.
func (in *interner) parseTLS(text []byte) TLS {
	return remember(in.tls, text, func() TLS { return parseTLS(text) })
}

// parseCertLine is parseCertLine, remembered.
func (in *interner) parseCertLine(c *Certificate, data []byte) {
	remember(in.certs, data, func() certValues {
		parseCertLine(c, data)
		return certValues{c.Subject, c.Issuer, c.Serial, c.Thumbprint, slices.Clip(c.SANs), c.NotBefore, c.NotAfter}
	}).set(c)
}

func (v certValues) set(c *Certificate) {
	c.Subject, c.Issuer, c.Serial, c.Thumbprint = v.subject, v.issuer, v.serial, v.thumbprint
	c.SANs, c.NotBefore, c.NotAfter = v.sans, v.notBefore, v.notAfter
}

// splitSANs is splitSANs, remembered.
func (in *interner) splitSANs(v string) []string {
	return remember(in.sans, []byte(v), func() []string { return slices.Clip(splitSANs(v)) })
}
