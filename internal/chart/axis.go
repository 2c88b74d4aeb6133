// Package chart holds what the streaming UI's charts and the notebook's
// metrics panels share: the top of a y axis and the text of its ticks.
package chart

import (
	"fmt"
	"math"
	"strings"
)

// NiceTop rounds v up to a top of the y axis whose quarters are round
// numbers: 4 times 1, 1.5, 2, 2.5, 3, 5 or 7.5 times a power of ten. It is 4
// for a v that is not positive.
func NiceTop(v float64) float64 {
	if v <= 0 || math.IsNaN(v) {
		return 4
	}
	q := v / 4
	p := math.Pow(10, math.Floor(math.Log10(q)))
	for _, m := range []float64{1, 1.5, 2, 2.5, 3, 5, 7.5, 10} {
		if q <= m*p*(1+1e-9) {
			return 4 * m * p
		}
	}
	return 40 * p
}

// Number is the short text of an axis value: 0, 0.25, 12.5, 250, 12.5k, 1.2M.
func Number(v float64) string {
	switch {
	case v == 0:
		return "0"
	case math.Abs(v) >= 1e6:
		return TrimZeros(fmt.Sprintf("%.1f", v/1e6)) + "M"
	case math.Abs(v) >= 1e4:
		return TrimZeros(fmt.Sprintf("%.1f", v/1e3)) + "k"
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return TrimZeros(fmt.Sprintf("%.1f", v))
	}
	return TrimZeros(fmt.Sprintf("%.2f", v))
}

// TrimZeros drops the trailing zeros of a decimal number's text, and its point
// when nothing follows it: "2.50" is "2.5", "3.00" is "3".
func TrimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
