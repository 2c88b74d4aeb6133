package display

import (
	"fmt"
	"github.com/gostream/gostream/internal/chart"
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

// Option configures a live display: Title, KeepLastNonEmpty, Blocks, Rows.
type Option func(*options)

type options struct {
	title  string
	keep   bool
	blocks int
	rows   int
}

func applyOptions(opts []Option) options {
	o := options{blocks: 3, rows: 10}
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// Title names a display (by default: the stream's operation, or the
// context's application name).
func Title(s string) Option { return func(o *options) { o.title = s } }

// KeepLastNonEmpty makes Table keep showing the last batch that had
// elements while later batches are empty, saying since when nothing came,
// instead of replacing it by an empty table (a socket stream between two
// bursts of lines).
func KeepLastNonEmpty() Option { return func(o *options) { o.keep = true } }

// Blocks sets how many batches Print keeps on show (default 3): each new
// batch replaces the oldest, so the cell does not grow.
func Blocks(n int) Option { return func(o *options) { o.blocks = n } }

// Rows sets how many elements of each batch Print shows (default 10, as
// DStream.Print).
func Rows(n int) Option { return func(o *options) { o.rows = n } }

// BatchTime is a batch time as the displays show it: the local time of day
// (with milliseconds when it has some); the times of a manual clock, which
// starts at 0, as an offset such as +2s.
func BatchTime(t engine.Time) string {
	if t < manualClockLimit {
		return "+" + (time.Duration(t) * time.Millisecond).String()
	}
	tm := time.UnixMilli(int64(t))
	if t%1000 != 0 {
		return tm.Format("15:04:05.000")
	}
	return tm.Format("15:04:05")
}

// manualClockLimit: batch times below it (in 1973) come from a manual clock.
const manualClockLimit = 100_000_000_000

// Table shows the first n elements of stream's latest batch as a table that
// is replaced in place every batch: Pairs as key and value columns, other
// elements in one column, under a title line with the batch's time. Options:
// Title, KeepLastNonEmpty. Call it before the context starts, like any
// output operation.
func Table(stream *engine.DStream, n int, opts ...Option) {
	if n <= 0 {
		n = 10
	}
	o := applyOptions(opts)
	title := o.title
	if title == "" {
		title = stream.Name()
	}
	h := NewHandle(waiting(title))
	format := formatter(stream.Context())
	var last struct {
		rows []any
		more bool
		t    engine.Time
		seen bool
	}
	stream.ForeachRDD(func(rdd *engine.RDD, t engine.Time) {
		rows := rdd.Take(n + 1)
		more := len(rows) > n
		if more {
			rows = rows[:n]
		}
		if o.keep && len(rows) == 0 && last.seen {
			h.Update(tableData(title, last.t, last.rows, last.more, format, t))
			return
		}
		last.rows, last.more, last.t, last.seen = rows, more, t, len(rows) > 0
		h.Update(tableData(title, t, rows, more, format, 0))
	})
}

func waiting(title string) Data {
	return Data{
		"text/plain": fmt.Sprintf("%s: waiting for the first batch", title),
		"text/html":  fmt.Sprintf(`<div style="color:#666;font-style:italic">%s: waiting for the first batch</div>`, html.EscapeString(title)),
	}
}

// tableData renders one batch's rows as text and HTML; a non-zero emptySince
// is the latest (empty) batch when the rows are an older batch's.
func tableData(title string, t engine.Time, rows []any, more bool, format func(any) string, emptySince engine.Time) Data {
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
	caption := "batch " + BatchTime(t)
	switch {
	case emptySince != 0:
		caption += ", the last with elements; empty batches since " + BatchTime(emptySince)
	case len(rows) == 0:
		caption += ": empty"
	case more:
		caption += fmt.Sprintf(": first %d elements", len(rows))
	}

	// Text: aligned columns under the title.
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, cells...) {
		for j, c := range row {
			widths[j] = max(widths[j], len([]rune(c)))
		}
	}
	var tb strings.Builder
	tb.WriteString(title + " · " + caption + "\n")
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
	hb.WriteString(`<div class="gostream-table">`)
	fmt.Fprintf(&hb, `<div style="white-space:nowrap;margin:0 0 4px 0"><b>%s</b> <span style="color:#666">· %s</span></div>`,
		html.EscapeString(title), html.EscapeString(caption))
	if len(rows) > 0 {
		hb.WriteString(`<table style="min-width:14em"><thead><tr>`)
		for j, h := range header {
			align := "left"
			if j == len(header)-1 && pairs {
				align = "right"
			}
			fmt.Fprintf(&hb, `<th style="text-align:%s">%s</th>`, align, h)
		}
		hb.WriteString("</tr></thead>\n<tbody>\n")
		for _, row := range cells {
			hb.WriteString("<tr>")
			for j, c := range row {
				align := "left"
				if j == len(row)-1 && pairs {
					align = "right"
				}
				fmt.Fprintf(&hb, `<td style="text-align:%s">%s</td>`, align, html.EscapeString(c))
			}
			hb.WriteString("</tr>\n")
		}
		if more {
			fmt.Fprintf(&hb, "<tr><td colspan=\"%d\">…</td></tr>\n", len(header))
		}
		hb.WriteString("</tbody></table>")
	}
	hb.WriteString(`</div>`)
	return Data{"text/plain": strings.TrimSuffix(tb.String(), "\n"), "text/html": hb.String()}
}

// Print shows stream's batches as DStream.Print writes them (the first
// Rows elements of each, default 10), keeping the last Blocks batches
// (default 3) in one output that is replaced in place, so that a long
// running stream does not grow the cell or the saved notebook. Where outputs
// are printed as text (the shell, `gostream run`), each batch's block is
// printed once. Call it before the context starts.
func Print(stream *engine.DStream, opts ...Option) {
	o := applyOptions(opts)
	if o.blocks < 1 {
		o.blocks = 1
	}
	if o.rows < 0 {
		o.rows = 0
	}
	title := o.title
	var h *Handle
	if _, text := sink().(*TextSink); !text {
		name := title
		if name == "" {
			name = stream.Name()
		}
		h = NewHandle(waiting(name))
	}
	format := formatter(stream.Context())
	var blocks []string
	stream.ForeachRDD(func(rdd *engine.RDD, t engine.Time) {
		first := rdd.Take(o.rows + 1)
		var b strings.Builder
		b.WriteString("-------------------------------------------\n")
		fmt.Fprintf(&b, "Time: %s\n", t)
		b.WriteString("-------------------------------------------\n")
		for i, x := range first {
			if i == o.rows {
				b.WriteString("...\n")
				break
			}
			b.WriteString(format(x))
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
		block := b.String()
		if _, text := sink().(*TextSink); text || h == nil {
			sink().Display(Data{"text/plain": block}, "")
			return
		}
		blocks = append(blocks, block)
		if len(blocks) > o.blocks {
			blocks = append(blocks[:0], blocks[len(blocks)-o.blocks:]...)
		}
		all := strings.Join(blocks, "")
		var hb strings.Builder
		if title != "" {
			fmt.Fprintf(&hb, `<div><b>%s</b> <span style="color:#666">· last %d batches</span></div>`, html.EscapeString(title), len(blocks))
		}
		fmt.Fprintf(&hb, `<pre style="margin:0">%s</pre>`, html.EscapeString(strings.TrimSuffix(all, "\n")))
		plain := all
		if title != "" {
			plain = title + "\n" + plain
		}
		h.Update(Data{"text/plain": plain, "text/html": hb.String()})
	})
}

// metricsWindow is how many batches the metrics chart shows.
const metricsWindow = 60

// Metrics shows a chart of ssc's batch metrics, replaced in place after
// every batch: input records per second, and the processing time and total
// delay of each batch against the batch interval (the dashed line: batches
// that take longer make the stream fall behind), over the batches' times.
// It is an SVG chart in HTML with a text summary as the plain-text
// fallback. Option: Title (default: the application name).
//
// On a context that has already run batches (or has stopped), the chart
// starts from the last completed batch.
func Metrics(ssc *engine.StreamingContext, opts ...Option) {
	o := applyOptions(opts)
	name := o.title
	if name == "" {
		name = ssc.AppName()
	}
	m := &metrics{name: name, interval: ssc.BatchDuration()}
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
	m.h = NewHandle(waiting(m.name))
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
	times := make([]engine.Time, len(batches))
	rates := make([]float64, len(batches))
	delays := make([]float64, len(batches))
	procs := make([]float64, len(batches))
	for i, b := range batches {
		times[i] = b.BatchTime
		rates[i], delays[i], procs[i] = rate(b, interval), ms(b.TotalDelay), ms(b.ProcessingDelay)
	}
	summary := fmt.Sprintf("%s: batch %v, %d records (%.1f records/s), scheduling delay %.1f ms, processing %.1f ms, total delay %.1f ms",
		name, last.BatchTime, last.Records, rates[len(rates)-1], ms(last.SchedulingDelay), ms(last.ProcessingDelay), delays[len(delays)-1])
	if last.Err != nil {
		summary += ", failed: " + last.Err.Error()
	}
	behind := ""
	if last.TotalDelay > interval {
		behind = fmt.Sprintf(" — total delay above the batch interval (%v): the stream is falling behind", interval)
	}
	text := fmt.Sprintf("%s%s\nrecords/s   %s  max %.1f\ndelay (ms)  %s  max %.1f (batch interval %.0f)\n%s … %s",
		summary, behind, sparkline(rates), maxOf(rates), sparkline(delays), maxOf(delays), ms(interval), BatchTime(times[0]), BatchTime(times[len(times)-1]))
	intervalMS := ms(interval)
	return Data{
		"text/plain": text,
		"text/html": fmt.Sprintf("<div><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%s%s</svg><div style=\"font-size:smaller\">%s%s</div></div>",
			chartWidth, 2*panelHeight, chartWidth, 2*panelHeight,
			panel(0, "input records/s", times, []series{{rates, "#00ADD8", ""}}, 0, ""),
			panel(panelHeight, "delay (ms)", times, []series{{delays, "#CE3262", "total delay"}, {procs, "#5DC9E2", "processing"}},
				intervalMS, fmt.Sprintf("batch interval %v", interval)),
			html.EscapeString(summary), html.EscapeString(behind)),
	}
}

const (
	chartWidth  = 520
	panelHeight = 140
	marginLeft  = 50
	marginRight = 12
	marginTop   = 22
	marginBot   = 26
)

type series struct {
	ys    []float64
	color string
	label string
}

// panel draws series over the batch times in a band of the SVG starting at
// top: a y axis from 0, a time axis, and a dashed line at mark when it is
// positive.
func panel(top int, label string, times []engine.Time, ss []series, mark float64, markLabel string) string {
	hi := mark * 1.15
	for _, s := range ss {
		hi = math.Max(hi, maxOf(s.ys))
	}
	hi = chart.NiceTop(hi)
	plotW := float64(chartWidth - marginLeft - marginRight)
	plotH := float64(panelHeight - marginTop - marginBot)
	x0, y0 := float64(marginLeft), float64(top+marginTop)
	t0, t1 := times[0], times[len(times)-1]
	span := float64(t1 - t0)
	x := func(t engine.Time) float64 {
		if span == 0 {
			return x0
		}
		return x0 + plotW*float64(t-t0)/span
	}
	y := func(v float64) float64 { return y0 + plotH - plotH*math.Min(v, hi)/hi }
	var b strings.Builder
	cur := ss[0].ys[len(ss[0].ys)-1]
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-weight="bold">%s: %s</text>`, marginLeft, top+14, label, chart.Number(cur))
	lx := marginLeft + 150
	for _, s := range ss {
		if s.label == "" {
			continue
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="3" fill="%s"/><text x="%d" y="%d">%s</text>`, lx, top+10, s.color, lx+14, top+14, s.label)
		lx += 24 + 7*len(s.label)
	}
	fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#ccc"/>`, x0, y0, plotW, plotH)
	for i := 1; i <= 3; i++ {
		yy := y0 + plotH - plotH*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#eee"/>`, x0, x0+plotW, yy, yy)
	}
	for i := 0; i <= 4; i += 2 {
		yy := y0 + plotH - plotH*float64(i)/4
		fmt.Fprintf(&b, `<text x="%d" y="%.0f" text-anchor="end" fill="#555">%s</text>`, marginLeft-4, yy+4, chart.Number(hi*float64(i)/4))
	}
	// Time axis: the first and last batch, and one between.
	ticks := []engine.Time{t0}
	if n := len(times); n > 2 {
		ticks = append(ticks, times[n/2])
	}
	if t1 != t0 {
		ticks = append(ticks, t1)
	}
	for i, t := range ticks {
		anchor := "middle"
		switch {
		case i == 0:
			anchor = "start"
		case i == len(ticks)-1:
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="%s" fill="#555">%s</text>`, x(t), y0+plotH+14, anchor, BatchTime(t))
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.0f" y2="%.0f" stroke="#999"/>`, x(t), x(t), y0+plotH, y0+plotH+4)
	}
	if mark > 0 {
		my := y(mark)
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#E67E22" stroke-width="1.5" stroke-dasharray="6 4"/>`, x0, x0+plotW, my, my)
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="end" fill="#C0641A">%s</text>`, x0+plotW-4, my-4, html.EscapeString(markLabel))
	}
	for _, s := range ss {
		var pts strings.Builder
		for i, v := range s.ys {
			fmt.Fprintf(&pts, "%.1f,%.1f ", x(times[i]), y(v))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, s.color, strings.TrimSpace(pts.String()))
	}
	return b.String()
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
