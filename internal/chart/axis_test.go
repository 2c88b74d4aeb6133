package chart

import "testing"

func TestNiceTop(t *testing.T) {
	for _, c := range []struct{ v, want float64 }{
		{0, 4}, {-3, 4}, {1, 1}, {3.9, 4}, {4.1, 6}, {9, 10}, {11, 12}, {130, 200}, {1000, 1000}, {1001, 1200},
	} {
		if got := NiceTop(c.v); got != c.want {
			t.Errorf("NiceTop(%v) = %v, want %v", c.v, got, c.want)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {0.25, "0.25"}, {1.5, "1.5"}, {12.5, "12.5"}, {250, "250"}, {12500, "12.5k"}, {20000, "20k"}, {1.25e6, "1.2M"}, {3e6, "3M"},
	} {
		if got := Number(c.v); got != c.want {
			t.Errorf("Number(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
