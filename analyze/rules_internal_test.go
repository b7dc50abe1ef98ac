package analyze

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// attrMarks finds exactly what case-insensitive substring searches find.
func TestAttrMarks(t *testing.T) {
	want := func(s string) int {
		u, m := strings.ToUpper(s), 0
		for _, w := range []struct {
			word string
			mark int
		}{{"ATTR", markATTR}, {"ATTR35", markATTR35}, {"ATTR36", markATTR36}, {"TENANTATTRIBUTION", markTenant}} {
			if strings.Contains(u, w.word) {
				m |= w.mark
			}
		}
		return m
	}
	texts := []string{
		"550 5.7.64 Relay Access Denied ATTR36. For more", "relay denied attr36",
		"550 5.7.64 TenantAttribution; Relay Access Denied", "ATTR3", "", "xATTR35", "ATTR35",
		"tenantattr", "TenantAttributio", "Attr35Attr36", "tenant attribution", "ATT", "attr",
	}
	rng := rand.New(rand.NewPCG(5, 6))
	parts := []string{"a", "T", "t", "r", "R", "35", "36", "3", "tenant", "TENANT", "ibution", "IBUTION", "attr", " ", "x"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		texts = append(texts, b.String())
	}
	for _, s := range texts {
		if got, w := attrMarks(s), want(s); got != w {
			t.Fatalf("attrMarks(%q) = %04b, want %04b", s, got, w)
		}
	}
}
