package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/logscan/logscan/analyze"
	"github.com/logscan/logscan/parser"
)

// maxExportBytes bounds an export file: real ones are kilobytes.
const maxExportBytes = 64 << 20

// loadConfig reads the configuration exports named by the flags. A broken
// export is an error naming its file and line: the checks it was given for
// would otherwise silently not run.
func loadConfig(o *options, now time.Time) (analyze.Config, []analyze.ExportInfo, error) {
	cfg := analyze.Config{Now: now}
	var infos []analyze.ExportInfo
	load := func(kind, path string, read func(b []byte) (int, []parser.ExportWarning, error)) error {
		if path == "" {
			return nil
		}
		b, err := readSmall(path)
		if err != nil {
			return err
		}
		form, ferr := parser.DetectExportForm(b)
		n, warns, err := read(b)
		if err != nil {
			return err
		}
		info := analyze.ExportInfo{Kind: kind, File: path, Records: n}
		if ferr == nil {
			info.Form = string(form)
		}
		for _, w := range warns {
			info.Warnings = append(info.Warnings, w.String())
		}
		infos = append(infos, info)
		return nil
	}
	err := load("connectors", o.connectors, func(b []byte) (int, []parser.ExportWarning, error) {
		v, w, err := parser.ReadInboundConnectors(bytes.NewReader(b), o.connectors)
		cfg.Inbound, cfg.HaveInbound = v, err == nil
		return len(v), w, err
	})
	if err == nil {
		err = load("accepted-domains", o.domains, func(b []byte) (int, []parser.ExportWarning, error) {
			v, w, err := parser.ReadAcceptedDomains(bytes.NewReader(b), o.domains)
			cfg.Domains, cfg.HaveDomains = v, err == nil
			return len(v), w, err
		})
	}
	if err == nil {
		err = load("send-connectors", o.sendConnectors, func(b []byte) (int, []parser.ExportWarning, error) {
			v, w, err := parser.ReadSendConnectors(bytes.NewReader(b), o.sendConnectors)
			cfg.SendConnectors, cfg.HaveSend = v, err == nil
			return len(v), w, err
		})
	}
	if err == nil {
		err = load("certificates", o.certificates, func(b []byte) (int, []parser.ExportWarning, error) {
			v, w, err := parser.ReadExchangeCertificates(bytes.NewReader(b), o.certificates)
			cfg.Certificates, cfg.HaveCerts = v, err == nil
			return len(v), w, err
		})
	}
	return cfg, infos, err
}

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s", describe(err))
	}
	defer f.Close()
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(f, maxExportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if n > maxExportBytes {
		return nil, fmt.Errorf("%s: larger than %d MB; is this really a PowerShell export?", path, maxExportBytes>>20)
	}
	return buf.Bytes(), nil
}
