package parser

import "testing"

func BenchmarkIndexCommas(b *testing.B) {
	line := []byte("2024-03-05T20:07:12.971Z,Outbound to Office 365,08DC3C801C401015,21,192.0.2.21:54235,52.101.73.28:25,<,250-AM2PEPF0001C716.mail.protection.outlook.com Hello [203.0.113.10],")
	var ends [maxCommas]int32
	b.Run("sse2", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		b.ReportAllocs()
		for b.Loop() {
			indexCommasSSE2(line, &ends)
		}
	})
	b.Run("avx2", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		b.ReportAllocs()
		for b.Loop() {
			indexCommasAVX2(line, &ends)
		}
	})
	b.Run("generic", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		b.ReportAllocs()
		for b.Loop() {
			indexCommasGeneric(line, &ends)
		}
	})
}
