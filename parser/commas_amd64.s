#include "textflag.h"

// func indexCommasSSE2(line []byte, ends *[32]int32) int
// len(line) >= 16.
//
// Registers: SI line, BX len, DI ends, R12 count, R8 offset of the block,
// X1 sixteen ',', X4 sixteen '"'.
TEXT ·indexCommasSSE2(SB), NOSPLIT, $0-40
	MOVQ line_base+0(FP), SI
	MOVQ line_len+8(FP), BX
	MOVQ ends+24(FP), DI
	XORQ R12, R12
	XORQ R8, R8

	MOVQ $0x2c, AX
	MOVQ AX, X1
	PUNPCKLBW X1, X1
	PUNPCKLBW X1, X1
	PSHUFL $0, X1, X1
	MOVQ $0x22, AX
	MOVQ AX, X4
	PUNPCKLBW X4, X4
	PUNPCKLBW X4, X4
	PSHUFL $0, X4, X4

	// Any quote makes the whole line the general path's: look for one
	// first, in the whole line, so that a quote after the maxCommas-th
	// comma is not missed.
quotes:
	LEAQ 16(R8), R9
	CMPQ R9, BX
	JA quotestail
	MOVOU (SI)(R8*1), X2
	PCMPEQB X4, X2
	PMOVMSKB X2, DX
	TESTL DX, DX
	JNZ quoted
	MOVQ R9, R8
	JMP quotes
quotestail:
	MOVOU -16(SI)(BX*1), X2 // the last sixteen bytes, some seen already
	PCMPEQB X4, X2
	PMOVMSKB X2, DX
	TESTL DX, DX
	JNZ quoted

	XORQ R8, R8
blocks:
	LEAQ 16(R8), R9
	CMPQ R9, BX
	JA tail
	MOVOU (SI)(R8*1), X2
	PCMPEQB X1, X2
	PMOVMSKB X2, DX
bits:
	TESTL DX, DX
	JZ next
	BSFL DX, R10
	ADDQ R8, R10
	CMPQ R12, $32
	JAE many
	MOVL R10, (DI)(R12*4)
	INCQ R12
	LEAL -1(DX), R10
	ANDL R10, DX
	JMP bits
next:
	MOVQ R9, R8
	JMP blocks

tail:
	// rem = len - R8 bytes (0 to 15) are left: take the last sixteen
	// bytes of the line and drop the bits of those already looked at.
	MOVQ BX, CX
	SUBQ R8, CX
	JZ done
	MOVOU -16(SI)(BX*1), X2
	PCMPEQB X1, X2
	PMOVMSKB X2, DX
	NEGQ CX
	ADDQ $16, CX // 16 - rem bytes seen already
	SHRL CX, DX
	MOVQ BX, R9 // so that next ends the loop
tailbits:
	TESTL DX, DX
	JZ done
	BSFL DX, R10
	ADDQ R8, R10
	CMPQ R12, $32
	JAE many
	MOVL R10, (DI)(R12*4)
	INCQ R12
	LEAL -1(DX), R10
	ANDL R10, DX
	JMP tailbits

done:
	MOVQ R12, ret+32(FP)
	RET
quoted:
	MOVQ $-1, ret+32(FP)
	RET
many:
	MOVQ $-2, ret+32(FP)
	RET
