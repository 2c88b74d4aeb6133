package graph

import "testing"

func TestSameSlide(t *testing.T) {
	g := New[string]()
	a, b, c := g.Add("A", nil, 1000), g.Add("B", nil, 1000), g.Add("C", nil, 2000)
	if err := SameSlide(a, b); err != nil {
		t.Errorf("same slides: %v", err)
	}
	want := "the DStreams have different slide durations (1s and 2s)"
	if err := SameSlide(a, c); err == nil || err.Error() != want {
		t.Errorf("different slides: %v, want %q", err, want)
	}
}

func TestCheckSlice(t *testing.T) {
	n := New[string]().Add("A", nil, 2000)
	n.Zero = 1000
	for _, tc := range []struct {
		from, to int64
		want     string
	}{
		{1000, 5000, ""},
		{2000, 5000, "from time 2000 ms is not a multiple of the slide duration 2s"},
		{3000, 4000, "to time 4000 ms is not a multiple of the slide duration 2s"},
	} {
		got := ""
		if err := n.CheckSlice(tc.from, tc.to); err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("CheckSlice(%d, %d) = %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
}
