//go:build !windows

package main

import "os"

// enableVT: terminals outside Windows handle ANSI escapes.
func enableVT(*os.File) bool { return true }
