package analyze

import "testing"

func TestContainsFold(t *testing.T) {
	for _, c := range []struct {
		s, sub string
		want   bool
	}{
		{"550 5.7.64 Relay Access Denied ATTR36. For more", "ATTR36", true},
		{"relay denied attr36", "ATTR36", true},
		{"550 5.7.64 TenantAttribution; Relay Access Denied", "tenantattribution", true},
		{"ATTR3", "ATTR36", false},
		{"", "ATTR", false},
		{"xATTR35", "attr35", true},
		{"ATTR35", "ATTR36", false},
	} {
		if got := containsFold(c.s, c.sub); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v", c.s, c.sub, got)
		}
	}
}
