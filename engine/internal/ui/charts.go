package ui

import (
	"fmt"
	"github.com/gostream/gostream/internal/chart"
	"math"
	"strings"
	"time"
)

// point is one batch on a time line.
type point struct {
	t      int64 // batch time, ms
	y      float64
	failed bool
	href   string
}

const (
	tlWidth, tlHeight = 560, 170
	hgWidth           = 300
	padLeft, padRight = 56, 14
	padTop, padBottom = 22, 30
)

// timeline draws pts as an SVG line chart over batch time, with a y axis
// from 0 to hi labelled in unit. A positive mark draws a dashed line at that
// value (the batch interval: keep delays under it).
func timeline(b *strings.Builder, id string, pts []point, hi float64, unit string, mark float64, markLabel string) {
	plotW := float64(tlWidth - padLeft - padRight)
	plotH := float64(tlHeight - padTop - padBottom)
	fmt.Fprintf(b, `<svg class="chart timeline" id="%s" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`, id, tlWidth, tlHeight, tlWidth, tlHeight)
	fmt.Fprintf(b, `<rect class="plot" x="%d" y="%d" width="%.0f" height="%.0f"/>`, padLeft, padTop, plotW, plotH)
	// y axis: 5 ticks
	for i := 0; i <= 4; i++ {
		v := hi * float64(i) / 4
		y := float64(padTop) + plotH - plotH*float64(i)/4
		fmt.Fprintf(b, `<line class="grid" x1="%d" x2="%.0f" y1="%.1f" y2="%.1f"/>`, padLeft, float64(padLeft)+plotW, y, y)
		fmt.Fprintf(b, `<text class="tick" x="%d" y="%.1f" text-anchor="end">%s</text>`, padLeft-6, y+4, chart.Number(v))
	}
	fmt.Fprintf(b, `<text class="unit" x="%d" y="%d">%s</text>`, padLeft, padTop-8, esc(unit))
	if len(pts) == 0 {
		fmt.Fprintf(b, `<text class="empty" x="%.0f" y="%.0f" text-anchor="middle">no completed batches yet</text></svg>`, float64(padLeft)+plotW/2, float64(padTop)+plotH/2)
		return
	}
	t0, t1 := pts[0].t, pts[len(pts)-1].t
	span := float64(t1 - t0)
	x := func(t int64) float64 {
		if span == 0 {
			return float64(padLeft) + plotW/2
		}
		return float64(padLeft) + plotW*float64(t-t0)/span
	}
	y := func(v float64) float64 { return float64(padTop) + plotH - plotH*math.Min(v, hi)/hi }
	// x axis: up to 5 time ticks
	ticks := 5
	if span == 0 {
		ticks = 1
	}
	for i := 0; i < ticks; i++ {
		t := t0
		if ticks > 1 {
			t = t0 + int64(span*float64(i)/float64(ticks-1))
		}
		anchor := "middle"
		switch {
		case ticks > 1 && i == 0:
			anchor = "start"
		case ticks > 1 && i == ticks-1:
			anchor = "end"
		}
		fmt.Fprintf(b, `<text class="tick" x="%.1f" y="%d" text-anchor="%s">%s</text>`, x(t), tlHeight-padBottom+16, anchor, clockTime(t, span < 10000))
	}
	if mark > 0 {
		my := y(mark)
		fmt.Fprintf(b, `<line class="mark" x1="%d" x2="%.0f" y1="%.1f" y2="%.1f"/>`, padLeft, float64(padLeft)+plotW, my, my)
		fmt.Fprintf(b, `<text class="marklabel" x="%.0f" y="%.1f" text-anchor="end">%s</text>`, float64(padLeft)+plotW-4, my-4, esc(markLabel))
	}
	var line strings.Builder
	for i, p := range pts {
		if i > 0 {
			line.WriteByte(' ')
		}
		fmt.Fprintf(&line, "%.1f,%.1f", x(p.t), y(p.y))
	}
	fmt.Fprintf(b, `<polyline class="series" points="%s"/>`, line.String())
	// Dots (with a tooltip and a link to the batch) for the last batches.
	from := max(0, len(pts)-120)
	for _, p := range pts[from:] {
		class := "dot"
		if p.failed {
			class = "dot failed"
		}
		if p.href != "" {
			fmt.Fprintf(b, `<a href="%s">`, esc(p.href))
		}
		fmt.Fprintf(b, `<circle class="%s" cx="%.1f" cy="%.1f" r="%s"><title>%s: %s %s</title></circle>`,
			class, x(p.t), y(p.y), dotRadius(len(pts)-from, p.failed), clockTime(p.t, true), axisNumberExact(p.y), esc(unit))
		if p.href != "" {
			b.WriteString(`</a>`)
		}
	}
	b.WriteString(`</svg>`)
}

func dotRadius(n int, failed bool) string {
	switch {
	case failed:
		return "4"
	case n > 60:
		return "1.8"
	}
	return "2.8"
}

func axisNumberExact(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return chart.TrimZeros(fmt.Sprintf("%.2f", v))
}

// histogram draws the distribution of ys as horizontal bars, with the same
// y axis (0 to hi) as the time line beside it.
func histogram(b *strings.Builder, id string, ys []float64, hi float64, unit string) {
	const bins = 10
	plotW := float64(hgWidth - padLeft - padRight)
	plotH := float64(tlHeight - padTop - padBottom)
	counts := make([]int, bins)
	for _, v := range ys {
		i := int(math.Min(v, hi) / hi * bins)
		counts[min(max(i, 0), bins-1)]++
	}
	most := 1
	for _, c := range counts {
		most = max(most, c)
	}
	fmt.Fprintf(b, `<svg class="chart histogram" id="%s" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`, id, hgWidth, tlHeight, hgWidth, tlHeight)
	fmt.Fprintf(b, `<rect class="plot" x="%d" y="%d" width="%.0f" height="%.0f"/>`, padLeft, padTop, plotW, plotH)
	for i := 0; i <= 4; i++ {
		yy := float64(padTop) + plotH - plotH*float64(i)/4
		fmt.Fprintf(b, `<text class="tick" x="%d" y="%.1f" text-anchor="end">%s</text>`, padLeft-6, yy+4, chart.Number(hi*float64(i)/4))
	}
	bh := plotH / bins
	for i, c := range counts {
		if c == 0 {
			continue
		}
		w := plotW * float64(c) / float64(most)
		top := float64(padTop) + plotH - bh*float64(i+1)
		lo, up := hi*float64(i)/bins, hi*float64(i+1)/bins
		fmt.Fprintf(b, `<rect class="bar" x="%d" y="%.1f" width="%.1f" height="%.1f"><title>%s–%s %s: %d batches</title></rect>`,
			padLeft, top+1, math.Max(w, 1), bh-2, chart.Number(lo), chart.Number(up), esc(unit), c)
	}
	fmt.Fprintf(b, `<text class="tick" x="%d" y="%d" text-anchor="start">0</text>`, padLeft, tlHeight-padBottom+16)
	fmt.Fprintf(b, `<text class="tick" x="%d" y="%d" text-anchor="end">%d batches</text>`, hgWidth-padRight, tlHeight-padBottom+16, most)
	b.WriteString(`</svg>`)
}

// clockTime formats a batch time on a chart: the local time of day, with
// milliseconds when asked; a manual clock's times (from 0) as offsets.
func clockTime(ms int64, millis bool) string {
	if ms < manualClockLimit {
		return (time.Duration(ms) * time.Millisecond).String()
	}
	t := time.UnixMilli(ms)
	if millis && ms%1000 != 0 {
		return t.Format("15:04:05.000")
	}
	return t.Format("15:04:05")
}

// manualClockLimit: batch times below it (in 1973) come from a manual clock
// that started at 0.
const manualClockLimit = 100_000_000_000
