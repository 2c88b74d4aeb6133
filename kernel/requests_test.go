package kernel

import "testing"

func TestCursorOffsets(t *testing.T) {
	for _, tc := range []struct {
		name         string
		code         string
		runes, bytes int
	}{
		{"ascii", "fmt.Pri", 7, 7},
		{"start", "héllo", 0, 0},
		{"after a two-byte rune", "héllo", 2, 3},
		{"end", "héllo", 5, 6},
		{"past the end", "héllo", 9, 6},
		{"emoji", "s := \"🙂\"; fmt.P", 15, 18},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := byteOffset(tc.code, tc.runes); got != tc.bytes {
				t.Errorf("byteOffset(%q, %d) = %d, want %d", tc.code, tc.runes, got, tc.bytes)
			}
			if tc.runes <= len([]rune(tc.code)) {
				if got := runeOffset(tc.code, tc.bytes); got != tc.runes {
					t.Errorf("runeOffset(%q, %d) = %d, want %d", tc.code, tc.bytes, got, tc.runes)
				}
			}
		})
	}
}

func TestCompleteWithUnicode(t *testing.T) {
	_, c := startKernel(t)
	code := "s := \"héllo\"; strings.Fie"
	rep := c.request(c.shell, "complete_request", map[string]any{"code": code, "cursor_pos": len([]rune(code))})
	if rep["cursor_start"] != float64(len([]rune(code))-3) || rep["cursor_end"] != float64(len([]rune(code))) {
		t.Errorf("complete_reply cursor_start %v cursor_end %v, want code points %d..%d", rep["cursor_start"], rep["cursor_end"], len([]rune(code))-3, len([]rune(code)))
	}
	if m, _ := rep["matches"].([]any); len(m) != 2 || m[0] != "Fields" {
		t.Errorf("matches %v", rep["matches"])
	}
}

// TestIsCompleteIndentIsSpaces: jupyter-console inserts the indent on the
// next line as typed text, where a tab shows as "^I".
func TestIsCompleteIndentIsSpaces(t *testing.T) {
	_, c := startKernel(t)
	for _, tc := range []struct {
		name, code, want string
	}{
		{"func body", "func f() {", "    "},
		{"nested block", "func f() {\n\tif true {", "        "},
		{"open call", "fmt.Println(", "    "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := c.request(c.shell, "is_complete_request", map[string]any{"code": tc.code})
			if rep["status"] != "incomplete" || rep["indent"] != tc.want {
				t.Errorf("is_complete(%q) = %v; want incomplete with indent %q", tc.code, rep, tc.want)
			}
		})
	}
}
