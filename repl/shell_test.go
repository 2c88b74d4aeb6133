package repl

import "testing"

func TestCutValue(t *testing.T) {
	for _, c := range []struct {
		text string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"abcdefghijkl", 0, "abcdefghijkl"},
		{"abcdefghijkl", 5, "abcde\n... (5 of 12 bytes shown; fmt.Println(...) shows the whole value)"},
		// "é" is two bytes: the cut does not split it.
		{"ééé", 3, "é\n... (2 of 6 bytes shown; fmt.Println(...) shows the whole value)"},
	} {
		if got := cutValue(c.text, c.max); got != c.want {
			t.Errorf("cutValue(%q, %d) = %q; want %q", c.text, c.max, got, c.want)
		}
	}
}
