package parser

import "golang.org/x/sys/cpu"

// indexCommas stores the index of each ',' of line in ends and returns how
// many there are; commasQuoted when line has a '"' anywhere; commasMany
// past maxCommas commas (when there is no quote). It looks at thirty-two
// bytes at a time with AVX2 where the processor has it, else sixteen with
// SSE2 (which every amd64 processor has); indexCommasGeneric is the same in
// Go. Lines are at most MaxLineBytes long, so indexes fit.
func indexCommas(line []byte, ends *[maxCommas]int32) int {
	switch {
	case len(line) >= 32 && useAVX2:
		return indexCommasAVX2(line, ends)
	case len(line) >= 16:
		return indexCommasSSE2(line, ends)
	}
	return indexCommasGeneric(line, ends)
}

var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasPOPCNT

//go:noescape
func indexCommasSSE2(line []byte, ends *[maxCommas]int32) int

//go:noescape
func indexCommasAVX2(line []byte, ends *[maxCommas]int32) int

// scanRow finds the first line ending of b and the commas before it in
// one pass: it returns the index of the '\n' (-1 when b has none) and what
// indexCommas returns for the bytes before it. ok is false when it cannot
// (no AVX2, or b is shorter than 32 bytes): the caller looks the usual way.
func scanRow(b []byte, ends *[maxCommas]int32) (nl, n int, ok bool) {
	if len(b) >= 32 && useAVX2 {
		nl, n = scanRowAVX2(b, ends)
		return nl, n, true
	}
	return 0, 0, false
}

//go:noescape
func scanRowAVX2(b []byte, ends *[maxCommas]int32) (nl int, n int)
