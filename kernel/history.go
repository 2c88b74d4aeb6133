package kernel

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// maxHistory bounds the entries kept in memory and loaded from the file.
const maxHistory = 10000

// historyEntry is one executed cell: Jupyter names it (session, line).
type historyEntry struct {
	Session int     `json:"session"`
	Line    int     `json:"line"`
	Input   string  `json:"input"`
	Output  *string `json:"output,omitempty"`
}

// history keeps executed cells in memory and, when it has a file, appends
// each one there as a JSON line so the next kernel sees them as an earlier
// session.
type history struct {
	mu      sync.Mutex
	file    string
	session int
	entries []historyEntry
}

// openHistory loads file (if any); the new session's number follows the
// last one recorded there.
func openHistory(file string) (*history, error) {
	h := &history{file: file, session: 1}
	if file == "" {
		return h, nil
	}
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return nil, fmt.Errorf("kernel: history: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var e historyEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Session < 1 {
			continue // a torn last line from a killed kernel
		}
		h.entries = append(h.entries, e)
		if e.Session >= h.session {
			h.session = e.Session + 1
		}
		if len(h.entries) > 2*maxHistory {
			h.entries = append([]historyEntry(nil), h.entries[len(h.entries)-maxHistory:]...)
		}
	}
	if len(h.entries) > maxHistory {
		h.entries = h.entries[len(h.entries)-maxHistory:]
	}
	return h, nil
}

// add records input (and its output, when it had one) as line of the
// current session.
func (h *history) add(line int, input string, output *string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := historyEntry{Session: h.session, Line: line, Input: input, Output: output}
	h.entries = append(h.entries, e)
	if len(h.entries) > 2*maxHistory {
		h.entries = append([]historyEntry(nil), h.entries[len(h.entries)-maxHistory:]...)
	}
	if h.file == "" {
		return nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(h.file), 0o700); err != nil {
		return fmt.Errorf("kernel: history: %w", err)
	}
	f, err := os.OpenFile(h.file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("kernel: history: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// historyRequest is the content of a history_request.
type historyRequest struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           *int   `json:"stop"`
	N              *int   `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// query answers a history request with Jupyter's [session, line, input]
// (or [session, line, [input, output]] when output is asked) triples.
func (h *history) query(r historyRequest) ([][]any, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var sel []historyEntry
	switch r.HistAccessType {
	case "tail":
		sel = h.entries
		if r.N != nil && *r.N >= 0 && *r.N < len(sel) {
			sel = sel[len(sel)-*r.N:]
		}
	case "range":
		session := r.Session
		if session <= 0 { // 0 is this session, -1 the one before, ...
			session += h.session
		}
		for _, e := range h.entries {
			if e.Session == session && e.Line >= r.Start && (r.Stop == nil || *r.Stop <= 0 || e.Line < *r.Stop) {
				sel = append(sel, e)
			}
		}
	case "search":
		re, err := globRegexp(r.Pattern)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		// Newest first so that unique keeps each input's latest run.
		for i := len(h.entries) - 1; i >= 0; i-- {
			e := h.entries[i]
			if !re.MatchString(e.Input) || (r.Unique && seen[e.Input]) {
				continue
			}
			seen[e.Input] = true
			sel = append(sel, e)
			if r.N != nil && *r.N > 0 && len(sel) == *r.N {
				break
			}
		}
		for i, j := 0, len(sel)-1; i < j; i, j = i+1, j-1 {
			sel[i], sel[j] = sel[j], sel[i]
		}
	default:
		return nil, fmt.Errorf("hist_access_type %q: want tail, range or search", r.HistAccessType)
	}
	out := make([][]any, 0, len(sel))
	for _, e := range sel {
		var item any = e.Input
		if r.Output {
			var o any
			if e.Output != nil {
				o = *e.Output
			}
			item = []any{e.Input, o}
		}
		out = append(out, []any{e.Session, e.Line, item})
	}
	return out, nil
}

// globRegexp compiles a glob as IPython's history search reads it (SQLite
// GLOB: * any run, ? one character, [...] a class; matching the whole input).
func globRegexp(pattern string) (*regexp.Regexp, error) {
	if pattern == "" {
		pattern = "*"
	}
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := strings.IndexByte(pattern[i+1:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			b.WriteString("[" + strings.ReplaceAll(pattern[i+1:i+1+j], `\`, `\\`) + "]")
			i += j + 1
		default:
			b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("history search pattern %q: %w", pattern, err)
	}
	return re, nil
}
