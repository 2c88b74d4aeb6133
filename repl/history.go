package repl

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MaxHistory is how many inputs the history file keeps; older ones are
// dropped when the shell starts.
const MaxHistory = 2000

// HistoryFile returns where the shell keeps its history: $GOSTREAM_HISTORY
// ("off": nowhere, the history lasts as long as the shell), or
// shell-history.jsonl in $XDG_DATA_HOME/gostream (~/.local/share/gostream),
// beside the kernel's history.
func HistoryFile() string {
	if p := os.Getenv("GOSTREAM_HISTORY"); p != "" {
		if p == "off" {
			return ""
		}
		return p
	}
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "gostream", "shell-history.jsonl")
}

// history holds the inputs submitted, whole (an input of several lines is
// one entry), oldest first, and the file that keeps them across shells:
// one JSON string per line, appended to as each input is submitted, so
// that shells running at once lose none of each other's.
type history struct {
	entries []string
	path    string // "": not kept

	at    int    // the entry shown while moving through the history; len(entries): the new input
	draft string // the new input, while an entry is shown
}

// loadHistory reads the history file at path ("" for none). A file that
// cannot be read leaves the history empty, and the error says why.
func loadHistory(path string) (*history, error) {
	h := &history{path: path}
	if path == "" {
		return h, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("GOSTREAM_HISTORY") == "" {
			h.importOld()
		}
		return h, nil
	}
	if err != nil {
		return h, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var e string
		if json.Unmarshal(sc.Bytes(), &e) == nil && strings.TrimSpace(e) != "" {
			h.entries = append(h.entries, e)
		}
	}
	if err := sc.Err(); err != nil {
		return h, err
	}
	if len(h.entries) > MaxHistory {
		h.entries = h.entries[len(h.entries)-MaxHistory:]
		return h, h.rewrite()
	}
	return h, nil
}

// importOld takes the entries of ~/.gostream_history, where earlier
// versions kept one line per entry, into the new file.
func (h *history) importOld() {
	home, err := os.UserHomeDir()
	if err != nil {
		return
	}
	old, err := os.ReadFile(filepath.Join(home, ".gostream_history"))
	if err != nil {
		return
	}
	for _, l := range strings.Split(string(old), "\n") {
		if strings.TrimSpace(l) != "" {
			h.entries = append(h.entries, l)
		}
	}
	if len(h.entries) > MaxHistory {
		h.entries = h.entries[len(h.entries)-MaxHistory:]
	}
	h.rewrite()
}

// rewrite writes the whole file anew (replacing it at once).
func (h *history) rewrite() error {
	if err := os.MkdirAll(filepath.Dir(h.path), 0o755); err != nil {
		return err
	}
	var b strings.Builder
	for _, e := range h.entries {
		line, _ := json.Marshal(e)
		b.Write(line)
		b.WriteByte('\n')
	}
	tmp := h.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, h.path)
}

// add appends a submitted input, unless it is blank or the same as the
// last entry.
func (h *history) add(text string) error {
	if strings.TrimSpace(text) == "" || (len(h.entries) > 0 && h.entries[len(h.entries)-1] == text) {
		return nil
	}
	h.entries = append(h.entries, text)
	if h.path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	line, _ := json.Marshal(text)
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// startEdit starts a new input: moving through the history starts from
// the newest entry.
func (h *history) startEdit() { h.at, h.draft = len(h.entries), "" }

// move returns the entry before (dir -1) or after (+1) the one shown,
// current being what the buffer holds; false at either end.
func (h *history) move(dir int, current string) (string, bool) {
	n := h.at + dir
	if n < 0 || n > len(h.entries) {
		return "", false
	}
	if h.at == len(h.entries) {
		h.draft = current
	}
	h.at = n
	if n == len(h.entries) {
		return h.draft, true
	}
	return h.entries[n], true
}
