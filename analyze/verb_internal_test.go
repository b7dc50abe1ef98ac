package analyze

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// verbRef is verb as first written (bytes.IndexByte, then bytes.TrimLeft
// and a copy): the oracle of the one that looks and copies at once.
func verbRef(d []byte, buf *[16]byte) (string, []byte) {
	i := bytes.IndexByte(d, ' ')
	w, arg := d, []byte(nil)
	if i >= 0 {
		w, arg = d[:i], bytes.TrimLeft(d[i+1:], " ")
	}
	if len(w) > len(buf) {
		return "", arg
	}
	for j, c := range w {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[j] = c
	}
	return string(buf[:len(w)]), arg
}

func checkVerb(t *testing.T, d []byte) {
	t.Helper()
	var b1, b2 [16]byte
	v, arg := verb(d, &b1)
	wv, warg := verbRef(d, &b2)
	if v != wv || !bytes.Equal(arg, warg) || (arg == nil) != (warg == nil) {
		t.Fatalf("verb(%q) = %q, %q (nil %v); want %q, %q (nil %v)", d, v, arg, arg == nil, wv, warg, warg == nil)
	}
}

// verb reads the command word and its argument as the plain way does,
// for every length around its sixteen-byte buffer.
func TestVerb(t *testing.T) {
	for _, s := range []string{"", " ", "EHLO", "ehlo mail.contoso.com", "MAIL FROM:<a@b> SIZE=1", "rcpt  TO:<x@y>",
		"DATA", "DATA ", "DATA   ", "X-ANONYMOUSTLS", "XEXCH50 1 2", "ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOPQ",
		"ABCDEFGHIJKLMNOPQ arg", "ABCDEFGHIJKLMNOP arg", " lead", "STARTTLS", "noop\t1", "héllo x"} {
		checkVerb(t, []byte(s))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("aZ ,:<>\t\xff\x00")
	for n := 0; n < 40; n++ {
		for try := 0; try < 300; try++ {
			d := make([]byte, n)
			for i := range d {
				d[i] = alphabet[rng.IntN(len(alphabet))]
			}
			checkVerb(t, d)
		}
	}
}

func FuzzVerb(f *testing.F) {
	f.Add([]byte("MAIL FROM:<a@b>"))
	f.Fuzz(func(t *testing.T, d []byte) { checkVerb(t, d) })
}
