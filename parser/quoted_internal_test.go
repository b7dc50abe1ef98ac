package parser

import (
	"strings"
	"testing"
)

// generalRecord reads line the general way (split, unquote, fill): the
// oracle of fillQuoted.
func generalRecord(line []byte) (Record, *ParseError) {
	r := NewReader(strings.NewReader(""), "f")
	r.splitAt(line, indexCommas(line, &r.ends))
	perr := r.fill(line, 1)
	rec := r.rec
	// The fields alias the reader's buffers: copy them for comparing.
	for _, f := range []*[]byte{&rec.Connector, &rec.SessionID, &rec.Local, &rec.Remote, &rec.Data, &rec.Context} {
		*f = append([]byte(nil), *f...)
	}
	return rec, perr
}

// checkFillQuoted reports whether fillQuoted took line, and fails t when
// it took it and read it otherwise than the general way.
func checkFillQuoted(t *testing.T, line []byte) bool {
	t.Helper()
	r := NewReader(strings.NewReader(""), "f")
	if !r.fillQuoted(line, 1) {
		return false
	}
	got := r.rec
	want, perr := generalRecord(line)
	if perr != nil {
		t.Fatalf("fillQuoted took %q, which the general way rejects: %v", line, perr)
	}
	for _, f := range []struct {
		name      string
		got, want []byte
	}{
		{"connector", got.Connector, want.Connector}, {"session", got.SessionID, want.SessionID},
		{"local", got.Local, want.Local}, {"remote", got.Remote, want.Remote},
		{"data", got.Data, want.Data}, {"context", got.Context, want.Context},
	} {
		if string(f.got) != string(f.want) {
			t.Fatalf("fillQuoted(%q) %s = %q, the general way %q", line, f.name, f.got, f.want)
		}
	}
	if got.Seq != want.Seq || got.Event != want.Event || got.Nanos != want.Nanos || string(got.Raw) != string(want.Raw) {
		t.Fatalf("fillQuoted(%q) = seq %d event %c at %d, the general way seq %d event %c at %d",
			line, got.Seq, got.Event, got.Nanos, want.Seq, want.Event, want.Nanos)
	}
	return true
}

// fillQuoted takes the quoted fields Exchange writes and reads them as
// the general way does; anything else it leaves to the general way.
func TestFillQuoted(t *testing.T) {
	const pre = "2024-03-05T20:07:13.012Z,Outbound to Office 365,08DC3C801C40100F,36,192.0.2.21:54229,104.47.17.125:25,"
	for _, tc := range []struct {
		row  string
		fast bool
	}{
		{`<,"250 2.6.0 <a@b> [InternalId=1, Hostname=X] 8800 bytes",`, true},
		{`<,"220 host ready at Tue, 05 Mar 2024 20:07:12 +0000",`, true},
		{`*,"CN=R3, O=Let's Encrypt, C=US",Certificate issuer name`, true},
		{`*,,"TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384"`, true},
		{`*,"",`, true},
		{`*,,""`, true},
		{`<,"250 a ""quoted"" word, b",`, false},       // a doubled quote
		{`*,,"a, ""b"""`, false},                       // a doubled quote at the end
		{`<,"250 a, b" tail,`, false},                  // bytes after the closing quote
		{`<,"250 a, b"xctx`, false},                    // no comma after the closing quote
		{`<,"250 a, b",ctx, more`, false},              // a comma in the context
		{`<,"250 a, b","ctx"`, false},                  // both quoted
		{`<,x "250 a, b",`, false},                     // the quote inside the field
		{`"<",250,`, false},                            // an earlier field quoted
		{`<,"250 a, b`, false},                         // no closing quote
		{`*,,"TLS a, b" x`, false},                     // the context's quote is not last
		{`<,"250 a, b",` + "\"", false},                // a lone quote in the context
		{`?,"250 a, b",`, false},                       // no event: the general way reports it
		{`<,"250 a, b",,`, false},                      // one field too many
		{`<,"250 a, b"` + ",Certificate \"x\"", false}, // a quote in the context
	} {
		line := []byte(pre + tc.row)
		if got := checkFillQuoted(t, line); got != tc.fast {
			t.Errorf("fillQuoted(%q) = %v, want %v", line, got, tc.fast)
		}
	}
}

func FuzzFillQuoted(f *testing.F) {
	const pre = "2024-03-05T20:07:13.012Z,C,08DC3C801C40100F,36,,,"
	for _, s := range []string{`<,"250 a, b",`, `*,,"TLS a, b"`, `*,"CN=a, O=b",Certificate issuer name`, `<,"a""b",`} {
		f.Add([]byte(pre + s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if strings.ContainsAny(string(line), "\r\n") || !strings.Contains(string(line), `"`) {
			return
		}
		checkFillQuoted(t, line)
	})
}
