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
	JMP bits

done:
	MOVQ R12, ret+32(FP)
	RET
quoted:
	MOVQ $-1, ret+32(FP)
	RET
many:
	MOVQ $-2, ret+32(FP)
	RET

// func indexCommasAVX2(line []byte, ends *[32]int32) int
// len(line) >= 32. Needs AVX2 and POPCNT.
//
// One pass, thirty-two bytes at a time: a block with a quote ends the
// search; the commas of a block are counted first, so that the ends never
// overflow.
TEXT ·indexCommasAVX2(SB), NOSPLIT, $0-40
	MOVQ line_base+0(FP), SI
	MOVQ line_len+8(FP), BX
	MOVQ ends+24(FP), DI
	XORQ R12, R12
	XORQ R8, R8

	VMOVDQU commas32<>(SB), Y1
	VMOVDQU quotes32<>(SB), Y4

blocks:
	LEAQ 32(R8), R9
	CMPQ R9, BX
	JA tail
	VMOVDQU (SI)(R8*1), Y2
	VPCMPEQB Y2, Y4, Y3
	VPMOVMSKB Y3, DX
	TESTL DX, DX
	JNZ quoted
	VPCMPEQB Y2, Y1, Y3
	VPMOVMSKB Y3, DX
	POPCNTL DX, AX
	ADDQ R12, AX
	CMPQ AX, $32
	JA many
bits:
	TESTL DX, DX
	JZ next
	BSFL DX, R10
	ADDQ R8, R10
	MOVL R10, (DI)(R12*4)
	INCQ R12
	LEAL -1(DX), R10
	ANDL R10, DX
	JMP bits
next:
	MOVQ R9, R8
	JMP blocks

tail:
	// rem = len - R8 bytes (0 to 31) are left: take the last thirty-two
	// bytes of the line. Those seen already had no quote; their commas
	// are shifted out.
	MOVQ BX, CX
	SUBQ R8, CX
	JZ done
	VMOVDQU -32(SI)(BX*1), Y2
	VPCMPEQB Y2, Y4, Y3
	VPMOVMSKB Y3, DX
	TESTL DX, DX
	JNZ quoted
	VPCMPEQB Y2, Y1, Y3
	VPMOVMSKB Y3, DX
	NEGQ CX
	ADDQ $32, CX
	SHRL CX, DX
	POPCNTL DX, AX
	ADDQ R12, AX
	CMPQ AX, $32
	JA manydone // no quote anywhere
	MOVQ BX, R9 // so that next ends the loop
	JMP bits

done:
	VZEROUPPER
	MOVQ R12, ret+32(FP)
	RET
quoted:
	VZEROUPPER
	MOVQ $-1, ret+32(FP)
	RET

many:
	// Too many commas; a quote further on still makes the line quoted.
	MOVQ R9, R8
	LEAQ 32(R8), R9
	CMPQ R9, BX
	JA manytail
	VMOVDQU (SI)(R8*1), Y2
	VPCMPEQB Y2, Y4, Y3
	VPMOVMSKB Y3, DX
	TESTL DX, DX
	JNZ quoted
	JMP many
manytail:
	CMPQ R8, BX
	JEQ manydone
	VMOVDQU -32(SI)(BX*1), Y2
	VPCMPEQB Y2, Y4, Y3
	VPMOVMSKB Y3, DX
	TESTL DX, DX
	JNZ quoted
manydone:
	VZEROUPPER
	MOVQ $-2, ret+32(FP)
	RET

DATA commas32<>+0(SB)/8, $0x2c2c2c2c2c2c2c2c
DATA commas32<>+8(SB)/8, $0x2c2c2c2c2c2c2c2c
DATA commas32<>+16(SB)/8, $0x2c2c2c2c2c2c2c2c
DATA commas32<>+24(SB)/8, $0x2c2c2c2c2c2c2c2c
GLOBL commas32<>(SB), RODATA|NOPTR, $32
DATA quotes32<>+0(SB)/8, $0x2222222222222222
DATA quotes32<>+8(SB)/8, $0x2222222222222222
DATA quotes32<>+16(SB)/8, $0x2222222222222222
DATA quotes32<>+24(SB)/8, $0x2222222222222222
GLOBL quotes32<>(SB), RODATA|NOPTR, $32

// func scanRowAVX2(b []byte, ends *[32]int32) (nl int, n int)
// len(b) >= 32. Needs AVX2 and POPCNT.
//
// It finds the first '\n' of b (nl, or -1 when there is none) and does
// for the bytes before it what indexCommasAVX2 does for a line, in the
// same pass: n is the count of commas, their indexes in ends, or -1 for a
// quote, or -2 for more than 32 commas without a quote.
//
// Registers: SI b, BX len, DI ends, R12 count, R8 offset of the block,
// R9 offset of the next block, R11 the bits of the block still to look
// at, R13 where the line ends in the block (-1: not in it), Y1 ',', Y4
// '"', Y5 '\n'. Once n is known to be -1 or -2 it is stored at once, and
// only the line ending is looked for.

// LOADBLOCK loads the thirty-two bytes at R8 into Y2, or, when fewer are
// left, the last thirty-two of b, with the bits of those looked at
// already cleared from R11; R9 is where the next block begins.
#define LOADBLOCK \
	LEAQ 32(R8), R9; \
	MOVQ R9, CX; \
	SUBQ BX, CX; \
	XORL AX, AX; \
	CMPQ CX, AX; \
	CMOVQLT AX, CX; \
	SUBQ CX, R8; \
	SUBQ CX, R9; \
	MOVL $0xffffffff, R11; \
	SHLL CX, R11; \
	VMOVDQU (SI)(R8*1), Y2

// ENDSLINE takes the line endings among the bits of AX: R13 is the first,
// and R11 keeps only the bits before it.
#define ENDSLINE \
	BSFL AX, R13; \
	MOVL AX, R10; \
	NEGL R10; \
	ANDL AX, R10; \
	DECL R10; \
	ANDL R10, R11

TEXT ·scanRowAVX2(SB), NOSPLIT, $0-48
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), BX
	MOVQ ends+24(FP), DI
	XORQ R12, R12
	XORQ R8, R8

	VMOVDQU commas32<>(SB), Y1
	VMOVDQU quotes32<>(SB), Y4
	VMOVDQU newlines32<>(SB), Y5

rblocks:
	CMPQ R8, BX
	JAE rnone
	LOADBLOCK
	MOVQ $-1, R13
	VPCMPEQB Y2, Y5, Y3
	VPMOVMSKB Y3, AX
	ANDL R11, AX
	JZ rquotes
	ENDSLINE
rquotes:
	VPCMPEQB Y2, Y4, Y3
	VPMOVMSKB Y3, DX
	ANDL R11, DX
	JNZ rquoted
	VPCMPEQB Y2, Y1, Y3
	VPMOVMSKB Y3, DX
	ANDL R11, DX
	POPCNTL DX, AX
	ADDQ R12, AX
	CMPQ AX, $32
	JA rmany
rbits:
	TESTL DX, DX
	JZ rnext
	BSFL DX, R10
	ADDQ R8, R10
	MOVL R10, (DI)(R12*4)
	INCQ R12
	LEAL -1(DX), R10
	ANDL R10, DX
	JMP rbits
rnext:
	TESTQ R13, R13
	JGE rret
	MOVQ R9, R8
	JMP rblocks

rret:
	MOVQ R12, n+40(FP)
rretnl:
	ADDQ R8, R13
	VZEROUPPER
	MOVQ R13, nl+32(FP)
	RET
rnone:
	VZEROUPPER
	MOVQ $-1, nl+32(FP)
	MOVQ $0, n+40(FP)
	RET

rquoted:
	MOVQ $-1, n+40(FP)
	JMP rsnext
rmany:
	// Too many commas; a quote before the line ending still makes the
	// line quoted.
	MOVQ $-2, n+40(FP)
	JMP rsnext

rsearch:
	CMPQ R8, BX
	JAE rnone
	LOADBLOCK
	MOVQ $-1, R13
	VPCMPEQB Y2, Y5, Y3
	VPMOVMSKB Y3, AX
	ANDL R11, AX
	JZ rsquotes
	ENDSLINE
rsquotes:
	VPCMPEQB Y2, Y4, Y3
	VPMOVMSKB Y3, DX
	ANDL R11, DX
	JZ rsnext
	MOVQ $-1, n+40(FP)
rsnext:
	TESTQ R13, R13
	JGE rretnl
	MOVQ R9, R8
	JMP rsearch

DATA newlines32<>+0(SB)/8, $0x0a0a0a0a0a0a0a0a
DATA newlines32<>+8(SB)/8, $0x0a0a0a0a0a0a0a0a
DATA newlines32<>+16(SB)/8, $0x0a0a0a0a0a0a0a0a
DATA newlines32<>+24(SB)/8, $0x0a0a0a0a0a0a0a0a
GLOBL newlines32<>(SB), RODATA|NOPTR, $32
