package analyze

// interner shares the strings of texts that recur in every session (the
// subject, issuer and thumbprint of the certificate a connector presents),
// so that reading them allocates only for text not seen before. It is
// bounded: past maxInterned entries new texts are allocated as usual.
type interner struct {
	m map[string]string
}

const (
	maxInterned    = 4096
	maxInternedLen = 256
)

func newInterner() *interner { return &interner{m: make(map[string]string)} }

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
