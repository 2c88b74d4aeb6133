package kernel

import (
	"regexp"
	"strings"
	"testing"
)

// checkStreamingDisplays checks what notebooks/streaming-displays.ipynb
// shows once executed: the titled table kept on the last batch with
// records, the last two Print blocks and the metrics chart with its time
// axis and batch interval.
func checkStreamingDisplays(t *testing.T, cells []cellOutput) {
	if len(cells) != 2 {
		t.Fatalf("got %d code cells, want 2", len(cells))
	}
	start := cells[0]
	if start.stdout != "" {
		t.Errorf("the stream cell printed %q; its outputs belong in the displays", start.stdout)
	}
	if len(start.displays) != 3 {
		t.Fatalf("the stream cell shows %d displays, want the table, the Print blocks and the chart: %v", len(start.displays), start.displays)
	}
	table, blocks, chart := start.displays[0], start.displays[1], start.displays[2]

	clock := `\d\d:\d\d:\d\d(\.\d{3})?`
	kept := regexp.MustCompile(`^Word counts · batch ` + clock + `, the last with elements; empty batches since ` + clock + `\nkey +value\n`)
	if !kept.MatchString(table["text/plain"]) {
		t.Errorf("table text %q, want the titled last non-empty batch", table["text/plain"])
	}
	for _, w := range []string{"question", "that", "is", "the"} {
		if !regexp.MustCompile(`(?m)^` + w + ` +1$`).MatchString(table["text/plain"]) {
			t.Errorf("table lacks the row %q 1 of the second batch:\n%s", w, table["text/plain"])
		}
	}
	if !strings.Contains(table["text/html"], "<b>Word counts</b>") || !strings.Contains(table["text/html"], "white-space:nowrap") {
		t.Errorf("table HTML %.400s", table["text/html"])
	}

	text := blocks["text/plain"]
	if !strings.HasPrefix(text, "Latest batches\n") {
		t.Errorf("Print display %q, want its title first", text)
	}
	if n := len(printBlocks(text)); n != 2 {
		t.Errorf("Print display keeps %d blocks, want the last 2:\n%s", n, text)
	}
	if !strings.Contains(blocks["text/html"], "<pre") {
		t.Errorf("Print display HTML %.300s", blocks["text/html"])
	}

	h := chart["text/html"]
	if !strings.Contains(h, "batch interval 200ms</text>") || !strings.Contains(h, `stroke-dasharray="6 4"`) {
		t.Errorf("chart lacks the batch interval line: %.300s", h)
	}
	if ticks := regexp.MustCompile(`>`+clock+`</text>`).FindAllString(h, -1); len(ticks) < 4 {
		t.Errorf("chart has %d time-of-day ticks, want a time axis under both panels", len(ticks))
	}
	if !strings.HasPrefix(chart["text/plain"], "Displays: batch ") {
		t.Errorf("chart text %q", chart["text/plain"])
	}
	if len(cells[1].results) != 1 || cells[1].results[0]["text/plain"] != "STOPPED" {
		t.Errorf("last cell: %+v, want STOPPED", cells[1])
	}
}
