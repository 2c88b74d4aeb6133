package kernel

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/gostream/gostream/kernel/wire"
)

// Jupyter counts cursor positions in Unicode code points; the evaluator in
// bytes.

func byteOffset(s string, runes int) int {
	if runes <= 0 {
		return 0
	}
	n := 0
	for i := range s {
		if n == runes {
			return i
		}
		n++
	}
	return len(s)
}

func runeOffset(s string, bytes int) int {
	if bytes > len(s) {
		bytes = len(s)
	}
	if bytes < 0 {
		bytes = 0
	}
	return utf8.RuneCountInString(s[:bytes])
}

type codeRequest struct {
	Code      string `json:"code"`
	CursorPos *int   `json:"cursor_pos"`
}

// cursor returns the request's cursor as a byte offset (the end of the
// code when the request has none).
func (r codeRequest) cursor() int {
	if r.CursorPos == nil {
		return len(r.Code)
	}
	return byteOffset(r.Code, *r.CursorPos)
}

func (k *Kernel) complete(ch wire.Channel, m *wire.Message) {
	var req codeRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.reply(ch, m, "complete_reply", errorContent("BadRequest", "complete_request: "+err.Error(), nil, 0))
		return
	}
	cur := req.cursor()
	matches, start, end := k.ev.Complete(req.Code, cur)
	if matches == nil {
		matches = []string{}
		start, end = cur, cur
	}
	k.reply(ch, m, "complete_reply", map[string]any{
		"status": "ok", "matches": matches,
		"cursor_start": runeOffset(req.Code, start), "cursor_end": runeOffset(req.Code, end),
		"metadata": map[string]any{},
	})
}

func (k *Kernel) inspect(ch wire.Channel, m *wire.Message) {
	var req codeRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.reply(ch, m, "inspect_reply", errorContent("BadRequest", "inspect_request: "+err.Error(), nil, 0))
		return
	}
	doc, found := k.ev.Inspect(req.Code, req.cursor())
	data := map[string]any{}
	if found {
		data["text/plain"] = doc
	}
	k.reply(ch, m, "inspect_reply", map[string]any{"status": "ok", "found": found, "data": data, "metadata": map[string]any{}})
}

func (k *Kernel) isComplete(ch wire.Channel, m *wire.Message) {
	var req codeRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.reply(ch, m, "is_complete_reply", map[string]any{"status": "unknown"})
		return
	}
	status, indent := k.ev.IsComplete(req.Code)
	content := map[string]any{"status": status}
	if status == "incomplete" {
		// Front ends insert the indent as typed text, and jupyter-console
		// shows a tab as "^I": indent with four spaces per level.
		content["indent"] = strings.ReplaceAll(indent, "\t", "    ")
	}
	k.reply(ch, m, "is_complete_reply", content)
}

func (k *Kernel) historyRequest(ch wire.Channel, m *wire.Message) {
	var req historyRequest
	err := json.Unmarshal(m.Content, &req)
	var items [][]any
	if err == nil {
		items, err = k.hist.query(req)
	}
	if err != nil {
		k.reply(ch, m, "history_reply", errorContent("BadRequest", "history_request: "+err.Error(), nil, 0))
		return
	}
	k.reply(ch, m, "history_reply", map[string]any{"status": "ok", "history": items})
}
