//go:build !amd64

package parser

func hasAVX2() bool { return false }

func setAVX2(bool) bool { return false }
