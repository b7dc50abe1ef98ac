package main

import (
	"os"
	"runtime"
	"strings"
	"syscall"
	"unsafe"
)

// hugeHeap asks Linux to back the first part of the heap with transparent
// huge pages. Go maps its heap with ordinary 4 KB pages and, where the
// kernel leaves huge pages to madvise (the default of most distributions),
// every page is faulted in on first touch: about 10,000 faults for the
// 40 MB a run grows to, which cost a tenth of a 100 MB run on a virtual
// machine, where faults are dear. The heap is made to map heapHuge bytes
// (an allocation the collector frees) and those are marked MADV_HUGEPAGE,
// so the heap that reuses them faults 2 MB at a time: 13,000 faults became
// 1,900 on the 1 GiB benchmark, with the same peak RSS. The mark is only
// advice (nothing happens where huge pages are off); GODEBUG=disablethp=1
// skips it, as it does the runtime's own use of huge pages.
func hugeHeap() {
	if strings.Contains(os.Getenv("GODEBUG"), "disablethp=1") {
		return
	}
	b := make([]byte, heapHuge)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	const huge = 2 << 20
	start := (p + huge - 1) &^ (huge - 1)
	end := (p + heapHuge) &^ (huge - 1)
	if end > start {
		_ = syscall.Madvise(b[start-p:end-p], madvHugepage)
	}
	runtime.KeepAlive(b)
}

const (
	// heapHuge is how much of the heap hugeHeap marks: about what a run
	// grows to (the memory limit bounds it).
	heapHuge     = 48 << 20
	madvHugepage = 14 // MADV_HUGEPAGE, <asm-generic/mman-common.h>
)
