package parser

// maxCommas is how many commas indexCommas records; a row has eight, and
// a row with more than maxCommas takes the general path.
const maxCommas = 32

// Results of indexCommas other than a count.
const (
	commasQuoted = -1 // the line has a '"': it needs the quote-aware split
	commasMany   = -2 // more than maxCommas commas
)

// indexCommasGeneric is indexCommas in plain Go: it stores the index of
// each ',' of line in ends and returns how many there are, commasQuoted
// when line has a '"' anywhere, or commasMany past maxCommas commas.
func indexCommasGeneric(line []byte, ends *[maxCommas]int32) int {
	n := 0
	for i, c := range line {
		switch c {
		case ',':
			if n == maxCommas {
				// A quote further on still decides.
				for _, c := range line[i:] {
					if c == '"' {
						return commasQuoted
					}
				}
				return commasMany
			}
			ends[n] = int32(i)
			n++
		case '"':
			return commasQuoted
		}
	}
	return n
}
