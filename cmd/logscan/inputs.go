package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/logscan/logscan/analyze"
)

// input is one stream to read: a file, or standard input ("-").
type input struct {
	path string
	size int64
}

// collect expands the paths given into the log files to read, in the order
// sessions need: by folder, then rollover order. Folders are searched
// recursively for *.log files (any case); files named explicitly are read
// whatever their name. Paths that cannot be read are returned as errors
// and the rest go on.
func collect(paths []string) ([]input, []error) {
	var ins []input
	var errs []error
	seen := map[string]bool{}
	add := func(p string, size int64) {
		if !seen[p] {
			seen[p] = true
			ins = append(ins, input{path: p, size: size})
		}
	}
	for _, p := range paths {
		if p == "-" {
			add("-", -1)
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !fi.IsDir() {
			add(p, fi.Size())
			continue
		}
		var found int
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, err)
				if d != nil && d.IsDir() && q != p {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !strings.EqualFold(filepath.Ext(q), ".log") {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				errs = append(errs, err)
				return nil
			}
			found++
			add(q, info.Size())
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
		if found == 0 {
			errs = append(errs, &fs.PathError{Op: "search", Path: p, Err: errors.New("no *.LOG files in this folder")})
		}
	}
	files := make([]string, len(ins))
	bySize := make(map[string]int64, len(ins))
	for i, in := range ins {
		files[i] = in.path
		bySize[in.path] = in.size
	}
	analyze.SortFiles(files)
	for i, f := range files {
		ins[i] = input{path: f, size: bySize[f]}
	}
	return ins, errs
}

// describe turns an input error into a line for people.
func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, fs.ErrNotExist):
			return fmt.Sprintf("%s: no such file or folder", pe.Path)
		case errors.Is(pe.Err, fs.ErrPermission):
			return fmt.Sprintf("%s: permission denied", pe.Path)
		}
		return fmt.Sprintf("%s: %v", pe.Path, pe.Err)
	}
	return err.Error()
}
