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
	m      map[string]string
	recent [32]string       // the strings last returned, by recentSlot: most lookups end here
	tls    memo[TLS]        // "TLS protocol ..." texts, read
	certs  memo[certValues] // one-row certificate layouts, read
	sans   memo[[]string]   // "alternate names" values, split
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
	return &interner{m: make(map[string]string), tls: newMemo[TLS](),
		certs: newMemo[certValues](), sans: newMemo[[]string]()}
}

// recentSlot picks b's place in interner.recent from its length and two
// of its bytes (b is not empty).
func recentSlot(b []byte) int {
	return (len(b)*7 + int(b[len(b)-1]) + int(b[len(b)/2])*3) & 31
}

func (in *interner) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	slot := &in.recent[recentSlot(b)]
	if *slot == string(b) { // the same certificate's values, session after session
		return *slot
	}
	if len(b) > maxInternedLen {
		return string(b)
	}
	s, ok := in.m[string(b)] // no allocation for the lookup
	if !ok {
		s = string(b)
		if len(in.m) < maxInterned {
			in.m[s] = s
		}
	}
	*slot = s
	return s
}

// memo remembers what was read from texts, up to maxMemo of them; the
// last one is compared first, without hashing (the same certificate and
// TLS rows come session after session).
type memo[V any] struct {
	m    map[string]memoEntry[V]
	last memoEntry[V]
}

type memoEntry[V any] struct {
	key string
	v   V
}

func newMemo[V any]() memo[V] { return memo[V]{m: make(map[string]memoEntry[V])} }

// memoGet returns m's value for key, or makes it with read and keeps it
// while there is room (the lookup allocates nothing).
func memoGet[V any, K ~string | ~[]byte](m *memo[V], key K, read func() V) V {
	if len(key) > 0 && m.last.key == string(key) {
		return m.last.v
	}
	e, ok := m.m[string(key)]
	if !ok {
		e = memoEntry[V]{key: string(key), v: read()}
		if len(m.m) < maxMemo {
			m.m[e.key] = e
		}
	}
	m.last = e
	return e.v
}

// parseTLS is parseTLS, remembered.
func (in *interner) parseTLS(text []byte) TLS {
	return memoGet(&in.tls, text, func() TLS { return parseTLS(text) })
}

// parseCertLine is parseCertLine, remembered.
func (in *interner) parseCertLine(c *Certificate, data []byte) {
	memoGet(&in.certs, data, func() certValues {
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
	return memoGet(&in.sans, v, func() []string { return slices.Clip(splitSANs(v)) })
}
