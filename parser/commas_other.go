//go:build !amd64

package parser

func indexCommas(line []byte, ends *[maxCommas]int32) int {
	return indexCommasGeneric(line, ends)
}
