package parser

import "golang.org/x/sys/cpu"

func hasAVX2() bool { return cpu.X86.HasAVX2 && cpu.X86.HasPOPCNT }

// setAVX2 chooses the AVX2 or the SSE2 code and returns the choice before.
func setAVX2(on bool) bool {
	old := useAVX2
	useAVX2 = on
	return old
}
