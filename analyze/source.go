package analyze

import (
	"path"
	"sort"
	"strconv"
	"strings"
)

// services are the transport services whose folders sit above ProtocolLog.
var services = map[string]string{
	"hub": "Hub", "frontend": "FrontEnd", "mailbox": "Mailbox", "edge": "Edge",
}

// plumbing are folder names of an Exchange install that never name a server.
var plumbing = map[string]bool{
	"logs": true, "transportroles": true, "v14": true, "v15": true, "exchange server": true,
	"microsoft": true, "program files": true, "exchange": true, "protocollog": true,
	"smtpsend": true, "smtpreceive": true, "c$": true, "d$": true, "e$": true,
	"c:": true, "d:": true, "e:": true, "": true, ".": true, "..": true,
}

// SourceOf derives the source of a log file from its path: the folder it
// is in, and where the path shows them, the server and the transport
// service (…\EXCH01\…\Logs\Hub\ProtocolLog\SmtpSend\SEND….LOG gives
// server EXCH01, service Hub). Both / and \ separate folders; a UNC path
// \\server\share\… names its server.
func SourceOf(file string) Source {
	if file == "-" || file == "" {
		return Source{Key: "-"}
	}
	p := strings.ReplaceAll(file, `\`, "/")
	unc := strings.HasPrefix(p, "//")
	dir := path.Dir(p)
	src := Source{Key: dir}
	parts := strings.Split(strings.Trim(dir, "/"), "/")
	// Find the log folder: the last SmtpSend/SmtpReceive or ProtocolLog.
	logAt := -1
	for i := len(parts) - 1; i >= 0; i-- {
		l := strings.ToLower(parts[i])
		if l == "smtpsend" || l == "smtpreceive" || l == "protocollog" {
			logAt = i
			if l == "protocollog" {
				break
			}
		}
	}
	if logAt < 0 {
		if unc && len(parts) > 0 {
			src.Server = parts[0]
		}
		return src
	}
	if logAt > 0 {
		if svc, ok := services[strings.ToLower(parts[logAt-1])]; ok {
			src.Service = svc
		}
	}
	// The server is the nearest folder above that is not part of an
	// Exchange install path (or the host of a UNC path).
	for i := logAt - 1; i >= 0; i-- {
		l := strings.ToLower(parts[i])
		if _, ok := services[l]; ok || plumbing[l] || strings.HasPrefix(l, "exchange") {
			continue
		}
		src.Server = parts[i]
		break
	}
	if unc && len(parts) > 0 && (src.Server == "" || src.Server == parts[1%len(parts)]) {
		src.Server = parts[0]
	}
	return src
}

// FileName is a protocol-log file name taken apart:
// SEND2024030520-2.LOG is prefix SEND, stamp 2024030520, number 2.
type FileName struct {
	Prefix string // SEND, RECV, or another prefix
	Stamp  string // yyyyMMddHH (hourly) or yyyyMMdd (daily)
	N      int    // the rollover number, from 1
}

// ParseFileName takes a protocol-log file name apart.
func ParseFileName(name string) (FileName, bool) {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	stem := base
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	i := 0
	for i < len(stem) && (stem[i] < '0' || stem[i] > '9') {
		i++
	}
	dash := strings.LastIndexByte(stem, '-')
	if i == 0 || dash < i {
		return FileName{}, false
	}
	stamp := stem[i:dash]
	n, err := strconv.Atoi(stem[dash+1:])
	if err != nil || (len(stamp) != 8 && len(stamp) != 10) {
		return FileName{}, false
	}
	for j := 0; j < len(stamp); j++ {
		if stamp[j] < '0' || stamp[j] > '9' {
			return FileName{}, false
		}
	}
	return FileName{Prefix: strings.ToUpper(stem[:i]), Stamp: stamp, N: n}, true
}

// LessFileName orders log files so that sessions continue across rolled
// over files: by folder, then by time stamp (a daily yyyyMMdd sorts before
// the hours of that day), then by rollover number as a number; names that
// are not log names sort by name.
func LessFileName(a, b string) bool {
	da, db := path.Dir(strings.ReplaceAll(a, `\`, "/")), path.Dir(strings.ReplaceAll(b, `\`, "/"))
	if da != db {
		return da < db
	}
	fa, oka := ParseFileName(a)
	fb, okb := ParseFileName(b)
	if !oka || !okb {
		if oka != okb {
			return oka // log names first
		}
		return a < b
	}
	if fa.Prefix != fb.Prefix {
		return fa.Prefix < fb.Prefix
	}
	if fa.Stamp != fb.Stamp {
		return fa.Stamp < fb.Stamp
	}
	if fa.N != fb.N {
		return fa.N < fb.N
	}
	return a < b
}

// SortFiles sorts paths with LessFileName.
func SortFiles(paths []string) {
	sort.SliceStable(paths, func(i, j int) bool { return LessFileName(paths[i], paths[j]) })
}
