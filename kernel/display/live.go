package display

import (
	"fmt"
	"html"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/gostream/gostream/engine"
)

// formatter returns how ssc renders values: its Format method when the
// engine offers one (honouring user String methods), engine.Format
// otherwise.
func formatter(ssc *engine.StreamingContext) func(any) string {
	if f, ok := any(ssc).(interface{ Format(any) string }); ok {
		return f.Format
	}
	return engine.Format
}

// Table shows the first n elements of stream's latest batch as a table that
// is replaced in place every batch: Pairs as key and value columns, other
// elements in one column. Call it before the context starts, like any
// output operation.
func Table(stream *engine.DStream, n int) {
	if n <= 0 {
		n = 10
	}
	name := stream.Name()
	h := NewHandle(Data{
		"text/plain": fmt.Sprintf("%s: waiting for the first batch", name),
		"text/html":  fmt.Sprintf("<p><i>%s: waiting for the first batch</i></p>", html.EscapeString(name)),
	})
	format := formatter(stream.Context())
	stream.ForeachRDD(func(rdd *engine.RDD, t engine.Time) {
		rows := rdd.Take(n + 1)
		more := len(rows) > n
		if more {
			rows = rows[:n]
		}
		h.Update(tableData(name, t, rows, more, format))
	})
}

// tableData renders one batch's rows as text and HTML.
func tableData(name string, t engine.Time, rows []any, more bool, format func(any) string) Data {
	pairs := len(rows) > 0
	for _, r := range rows {
		if _, ok := r.(engine.Pair); !ok {
			pairs = false
			break
		}
	}
	header := []string{"value"}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		if pairs {
			p := r.(engine.Pair)
			cells[i] = []string{format(p.Key), format(p.Value)}
		} else {
			cells[i] = []string{format(r)}
		}
	}
	if pairs {
		header = []string{"key", "value"}
	}
	title := fmt.Sprintf("%s at Time: %v", name, t)
	if len(rows) == 0 {
		title += " (empty batch)"
	}

	// Text: aligned columns under the title.
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, cells...) {
		for j, c := range row {
			widths[j] = max(widths[j], len([]rune(c)))
		}
	}
	var tb strings.Builder
	tb.WriteString(title + "\n")
	line := func(row []string) {
		for j, c := range row {
			if j == len(row)-1 {
				tb.WriteString(c)
			} else {
				tb.WriteString(c + strings.Repeat(" ", widths[j]-len([]rune(c))+2))
			}
		}
		tb.WriteString("\n")
	}
	if len(rows) > 0 {
		line(header)
		for _, row := range cells {
			line(row)
		}
	}
	if more {
		tb.WriteString("...\n")
	}

	var hb strings.Builder
	fmt.Fprintf(&hb, "<table><caption style=\"text-align:left\">%s</caption>\n<thead><tr>", html.EscapeString(title))
	for _, h := range header {
		fmt.Fprintf(&hb, "<th>%s</th>", h)
	}
	hb.WriteString("</tr></thead>\n<tbody>\n")
	for _, row := range cells {
		hb.WriteString("<tr>")
		for _, c := range row {
			fmt.Fprintf(&hb, "<td>%s</td>", html.EscapeString(c))
		}
		hb.WriteString("</tr>\n")
	}
	if more {
		fmt.Fprintf(&hb, "<tr><td colspan=\"%d\">…</td></tr>\n", len(header))
	}
	hb.WriteString("</tbody></table>")
	return Data{"text/plain": strings.TrimSuffix(tb.String(), "\n"), "text/html": hb.String()}
}

// metricsWindow is how many batches the metrics chart shows.
const metricsWindow = 60

// Metrics shows a chart of ssc's batch metrics, input records per second
// and total delay per batch, replaced in place after every batch: an SVG
// chart in HTML with a text summary as the plain-text fallback.
//
// On a context that has already run batches (or has stopped), the chart
// starts from the last completed batch.
func Metrics(ssc *engine.StreamingContext) {
	m := &metrics{name: ssc.AppName(), interval: ssc.BatchDuration()}
	m.mu.Lock()
	defer m.mu.Unlock()
	// Listen first, so that no batch completing from now on is missed; the
	// listener waits for m.mu until the chart is shown.
	ssc.AddStreamingListener(m)
	if last, ok := ssc.LastBatch(); ok {
		m.batches = append(m.batches, last)
		m.h = NewHandle(metricsData(m.name, m.interval, m.batches))
		return
	}
	m.h = NewHandle(Data{
		"text/plain": fmt.Sprintf("%s: waiting for the first batch", m.name),
		"text/html":  fmt.Sprintf("<p><i>%s: waiting for the first batch</i></p>", html.EscapeString(m.name)),
	})
}

type metrics struct {
	name     string
	interval time.Duration
	h        *Handle

	mu      sync.Mutex
	batches []engine.BatchInfo
}

// OnBatchCompleted records info and redraws the chart.
func (m *metrics) OnBatchCompleted(info engine.BatchInfo) {
	m.mu.Lock()
	if n := len(m.batches); n > 0 && m.batches[n-1].BatchTime == info.BatchTime {
		// The batch Metrics started from, completed while it was called.
		m.mu.Unlock()
		return
	}
	m.batches = append(m.batches, info)
	if len(m.batches) > metricsWindow {
		m.batches = append(m.batches[:0], m.batches[len(m.batches)-metricsWindow:]...)
	}
	d := metricsData(m.name, m.interval, m.batches)
	m.mu.Unlock()
	m.h.Update(d)
}

// rate is a batch's input rate: its records over the batch interval.
func rate(b engine.BatchInfo, interval time.Duration) float64 {
	return float64(b.Records) / interval.Seconds()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// metricsData renders batches (oldest first, at least one) as a text
// summary and an SVG chart.
func metricsData(name string, interval time.Duration, batches []engine.BatchInfo) Data {
	last := batches[len(batches)-1]
	rates := make([]float64, len(batches))
	delays := make([]float64, len(batches))
	for i, b := range batches {
		rates[i], delays[i] = rate(b, interval), ms(b.TotalDelay)
	}
	summary := fmt.Sprintf("%s: batch %v, %d records (%.1f records/s), scheduling delay %.1f ms, processing %.1f ms, total delay %.1f ms",
		name, last.BatchTime, last.Records, rates[len(rates)-1], ms(last.SchedulingDelay), ms(last.ProcessingDelay), delays[len(delays)-1])
	if last.Err != nil {
		summary += ", failed: " + last.Err.Error()
	}
	text := fmt.Sprintf("%s\nrecords/s   %s  max %.1f\ndelay (ms)  %s  max %.1f",
		summary, sparkline(rates), maxOf(rates), sparkline(delays), maxOf(delays))
	return Data{
		"text/plain": text,
		"text/html": fmt.Sprintf("<div><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%s%s</svg><div style=\"font-size:smaller\">%s</div></div>",
			chartWidth, 2*panelHeight, chartWidth, 2*panelHeight,
			panel(0, "input records/s", rates, "#00ADD8"),
			panel(panelHeight, "total delay (ms)", delays, "#CE3262"),
			html.EscapeString(summary)),
	}
}

const (
	chartWidth  = 480
	panelHeight = 110
	marginLeft  = 50
	marginTop   = 18
	marginBot   = 12
)

// panel draws one series as a line chart in a band of the SVG starting at top.
func panel(top int, label string, ys []float64, color string) string {
	hi := maxOf(ys)
	if hi <= 0 {
		hi = 1
	}
	plotW := float64(chartWidth - marginLeft - 10)
	plotH := float64(panelHeight - marginTop - marginBot)
	x0, y0 := float64(marginLeft), float64(top+marginTop)
	var pts strings.Builder
	for i, y := range ys {
		x := x0
		if len(ys) > 1 {
			x += plotW * float64(i) / float64(metricsWindow-1)
		}
		fmt.Fprintf(&pts, "%.1f,%.1f ", x, y0+plotH-plotH*y/hi)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-weight="bold">%s: %.1f</text>`, marginLeft, top+12, label, ys[len(ys)-1])
	fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#ccc"/>`, x0, y0, plotW, plotH)
	fmt.Fprintf(&b, `<text x="%d" y="%.0f" text-anchor="end">%s</text>`, marginLeft-4, y0+8, shortNumber(hi))
	fmt.Fprintf(&b, `<text x="%d" y="%.0f" text-anchor="end">0</text>`, marginLeft-4, y0+plotH)
	fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, color, strings.TrimSpace(pts.String()))
	return b.String()
}

func shortNumber(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.0fk", v/1e3)
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func maxOf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}

// sparkline draws xs as block characters scaled to their maximum.
func sparkline(xs []float64) string {
	const bars = "▁▂▃▄▅▆▇█"
	levels := []rune(bars)
	hi := maxOf(xs)
	var b strings.Builder
	for _, x := range xs {
		i := 0
		if hi > 0 {
			i = int(math.Round(x / hi * float64(len(levels)-1)))
		}
		b.WriteRune(levels[max(0, min(i, len(levels)-1))])
	}
	return b.String()
}
