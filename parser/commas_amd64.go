package parser

// indexCommas stores the index of each ',' of line in ends and returns how
// many there are; commasQuoted when line has a '"' anywhere; commasMany
// past maxCommas commas (when there is no quote). It looks at sixteen bytes
// at a time (SSE2, which every amd64 processor has); indexCommasGeneric is
// the same in Go. Lines are at most MaxLineBytes long, so indexes fit.
func indexCommas(line []byte, ends *[maxCommas]int32) int {
	if len(line) < 16 {
		return indexCommasGeneric(line, ends)
	}
	return indexCommasSSE2(line, ends)
}

//go:noescape
func indexCommasSSE2(line []byte, ends *[maxCommas]int32) int
