package ui

import (
	"fmt"
	"github.com/gostream/gostream/internal/chart"
	"html"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func esc(s string) string { return html.EscapeString(s) }

// navApp is one context in the navigation bar.
type navApp struct {
	ID      int
	Name    string
	State   string
	Current bool
}

func (s *Server) navApps(r *http.Request) []navApp {
	cur := s.app(r)
	if cur == nil && r.URL.Path == "/" {
		cur = s.latest()
	}
	var out []navApp
	for _, a := range s.appList() {
		out = append(out, navApp{ID: a.ID, Name: a.Name(), State: a.State(), Current: a == cur})
	}
	return out
}

// latest is the context the first page shows: the newest active one, or
// the newest.
func (s *Server) latest() *App {
	apps := s.appList()
	for i := len(apps) - 1; i >= 0; i-- {
		if apps[i].State() == "ACTIVE" {
			return apps[i]
		}
	}
	if len(apps) > 0 {
		return apps[len(apps)-1]
	}
	return nil
}

func writeLayout(w io.Writer, title, tab string, apps []navApp, content string, version uint64) {
	tabClass := func(name string) string {
		if name == tab {
			return "tab active"
		}
		return "tab"
	}
	fmt.Fprintf(w, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s · gostream Streaming UI</title>
<link rel="stylesheet" href="/static/ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head><body>
<header class="top"><a class="brand" href="/">gostream</a><nav class="tabs"><a class="%s" href="/">Streaming</a><a class="%s" href="/contexts/">Contexts (%d)</a><a class="tab" href="/metrics">Metrics</a></nav>`, esc(title), tabClass("streaming"), tabClass("contexts"), len(apps))
	if len(apps) > 0 {
		io.WriteString(w, `<nav class="apps">`)
		for _, a := range apps {
			class := "app"
			if a.Current {
				class += " current"
			}
			fmt.Fprintf(w, `<a class="%s" href="/contexts/%d/" title="context %d: %s"><span class="state %s"></span>%s</a>`,
				class, a.ID, a.ID, esc(a.State), strings.ToLower(a.State), esc(a.Name))
		}
		io.WriteString(w, `</nav>`)
	}
	fmt.Fprintf(w, `<span id="live" class="live" title="this page updates itself">live</span></header>
<main id="content" data-version="%d">
%s
</main>
<script src="/static/ui.js"></script>
</body></html>
`, version, content)
}

// home is the streaming page of the newest context.
func (s *Server) home(b *strings.Builder, r *http.Request) (string, error) {
	a := s.latest()
	if a == nil {
		b.WriteString(`<h1>Streaming</h1><p class="notice">No StreamingContext yet. Create one and its batches show here as they run.</p>`)
		return "Streaming", nil
	}
	return s.renderStreaming(b, a)
}

func (s *Server) streamingPage(b *strings.Builder, r *http.Request) (string, error) {
	a := s.app(r)
	if a == nil {
		return "", errNotFound(fmt.Sprintf("No context %s", r.PathValue("id")))
	}
	return s.renderStreaming(b, a)
}

// contextsPage lists every context with a summary.
func (s *Server) contextsPage(b *strings.Builder, r *http.Request) (string, error) {
	apps := s.appList()
	b.WriteString(`<h1>Streaming contexts</h1>`)
	if len(apps) == 0 {
		b.WriteString(`<p class="notice">No StreamingContext yet.</p>`)
		return "Contexts", nil
	}
	b.WriteString(`<table class="table" id="contexts"><thead><tr><th>Context</th><th>Name</th><th>Master</th><th>Batch interval</th><th>State</th><th>Started</th><th>Completed batches</th><th>Failed batches</th><th>Records</th><th>Avg total delay</th></tr></thead><tbody>`)
	for i := len(apps) - 1; i >= 0; i-- {
		sn := apps[i].snapshot()
		started := "–"
		if !sn.Started.IsZero() {
			started = fmtDate(sn.Started)
		}
		avg := "–"
		if n := len(sn.Completed); n > 0 {
			var sum time.Duration
			for _, c := range sn.Completed {
				sum += c.TotalDelay()
			}
			avg = fmtDur(sum / time.Duration(n))
		}
		fmt.Fprintf(b, `<tr><td><a href="/contexts/%d/">%d</a></td><td><a href="/contexts/%d/">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td></tr>`,
			sn.ID, sn.ID, sn.ID, esc(sn.Name), esc(sn.Master), fmtDur(sn.BatchInterval), stateBadge(sn.State), started,
			commas(int64(sn.NDone)), failedCount(sn.NFailed), commas(sn.Records), avg)
	}
	b.WriteString(`</tbody></table>`)
	return "Contexts", nil
}

func failedCount(n int) string {
	if n == 0 {
		return "0"
	}
	return fmt.Sprintf(`<span class="bad">%d</span>`, n)
}

func stateBadge(state string) string {
	return fmt.Sprintf(`<span class="badge %s">%s</span>`, strings.ToLower(state), esc(state))
}

// maxCompletedRows is how many completed batches the table lists.
const maxCompletedRows = 100

func (s *Server) renderStreaming(b *strings.Builder, a *App) (string, error) {
	sn := a.snapshot()
	base := fmt.Sprintf("/contexts/%d/", sn.ID)
	fmt.Fprintf(b, `<div class="title"><h1>Streaming Statistics</h1><div class="ctx">%s <b>%s</b> · %s · context %d</div></div>`,
		stateBadge(sn.State), esc(sn.Name), esc(sn.Master), sn.ID)
	switch {
	case sn.Started.IsZero():
		fmt.Fprintf(b, `<p class="summary">Batches of %s; the context is not started yet.</p>`, fmtDurVerbose(sn.BatchInterval))
	default:
		verb := "Running"
		end := time.Now()
		if sn.State == "STOPPED" {
			verb = "Ran"
			if n := len(sn.Completed); n > 0 {
				end = sn.Completed[n-1].Ended
			}
		}
		fmt.Fprintf(b, `<p class="summary">%s batches of %s for %s since %s (%s completed batches, %s records).</p>`,
			verb, fmtDurVerbose(sn.BatchInterval), fmtDurVerbose(end.Sub(sn.Started).Truncate(time.Second)), fmtDate(sn.Started),
			commas(int64(sn.NDone)), commas(sn.Records))
	}

	// Time lines and histograms.
	interval := sn.BatchInterval.Seconds()
	n := len(sn.Completed)
	rates := make([]point, n)
	sched := make([]point, n)
	proc := make([]point, n)
	total := make([]point, n)
	var maxRate, maxDelay float64
	var sumRate float64
	var sumSched, sumProc, sumTotal time.Duration
	for i, c := range sn.Completed {
		href := base + "batches/" + strconv.FormatInt(c.Time, 10)
		failed := c.Err != ""
		r := float64(c.Records) / interval
		rates[i] = point{c.Time, r, failed, href}
		sched[i] = point{c.Time, ms(c.SchedulingDelay()), failed, href}
		proc[i] = point{c.Time, ms(c.ProcessingTime()), failed, href}
		total[i] = point{c.Time, ms(c.TotalDelay()), failed, href}
		maxRate = math.Max(maxRate, r)
		maxDelay = math.Max(maxDelay, total[i].y)
		sumRate += r
		sumSched += c.SchedulingDelay()
		sumProc += c.ProcessingTime()
		sumTotal += c.TotalDelay()
	}
	avg := func(d time.Duration) string {
		if n == 0 {
			return "–"
		}
		return fmtDur(d / time.Duration(n))
	}
	avgRate := "–"
	if n > 0 {
		avgRate = fmt.Sprintf("%s records/sec", fmtNumber(sumRate/float64(n)))
	}
	// Delays share one axis, in ms or s, reaching at least the batch interval.
	intervalMS := ms(sn.BatchInterval)
	delayHi := chart.NiceTop(math.Max(maxDelay, intervalMS) * 1.05)
	unit, scale := "ms", 1.0
	if delayHi >= 2000 {
		unit, scale = "s", 1000
		delayHi = chart.NiceTop(math.Max(maxDelay, intervalMS) * 1.05 / 1000)
	}
	scaled := func(ps []point) []point {
		out := make([]point, len(ps))
		for i, p := range ps {
			p.y /= scale
			out[i] = p
		}
		return out
	}
	ys := func(ps []point) []float64 {
		out := make([]float64, len(ps))
		for i, p := range ps {
			out[i] = p.y
		}
		return out
	}
	markLabel := "batch interval " + fmtDur(sn.BatchInterval)
	fmt.Fprintf(b, `<table class="stats"><thead><tr><th></th><th>Timelines (last %d batches, %d active, %d completed)</th><th>Histograms</th></tr></thead><tbody>`,
		n, len(sn.Active), sn.NDone)
	rateHi := chart.NiceTop(maxRate * 1.05)
	row := func(id, name, avgText, help string, ps []point, hi float64, u string, mark float64) {
		fmt.Fprintf(b, `<tr id="%s"><td class="metric"><div class="name" title="%s">%s</div><div class="avg">Avg: %s</div></td><td>`, id, esc(help), name, avgText)
		timeline(b, id+"-timeline", ps, hi, u, mark, markLabel)
		b.WriteString(`</td><td>`)
		histogram(b, id+"-histogram", ys(ps), hi, u)
		b.WriteString(`</td></tr>`)
	}
	row("input-rate", "Input Rate", avgRate, "records of a batch over the batch interval", rates, rateHi, "records/sec", 0)
	if len(sn.Streams) > 1 {
		b.WriteString(`<tr class="per-stream"><td colspan="3"><ul>`)
		for _, st := range sn.Streams {
			var sum float64
			for _, c := range sn.Completed {
				if st.ID < len(c.Inputs) {
					sum += float64(c.Inputs[st.ID]) / interval
				}
			}
			r := "–"
			if n > 0 {
				r = fmtNumber(sum/float64(n)) + " records/sec"
			}
			fmt.Fprintf(b, `<li>%s: avg %s</li>`, esc(st.Name), r)
		}
		b.WriteString(`</ul></td></tr>`)
	}
	row("scheduling-delay", "Scheduling Delay", avg(sumSched), "time a batch waited for the batches before it", scaled(sched), delayHi, unit, 0)
	row("processing-time", "Processing Time", avg(sumProc), "time a batch's jobs ran; keep it under the batch interval", scaled(proc), delayHi, unit, intervalMS/scale)
	row("total-delay", "Total Delay", avg(sumTotal), "scheduling delay plus processing time", scaled(total), delayHi, unit, intervalMS/scale)
	b.WriteString(`</tbody></table>`)

	s.renderStreams(b, sn)
	renderBatchTable(b, "active-batches", fmt.Sprintf("Active Batches (%d)", len(sn.Active)), base, reversed(sn.Active), true, false)
	completed := reversed(sn.Completed)
	title := fmt.Sprintf("Completed Batches (last %d out of %d)", min(len(completed), maxCompletedRows), sn.NDone)
	if len(completed) > maxCompletedRows {
		completed = completed[:maxCompletedRows]
	}
	// Failed batches before the long list of completed ones, which holds
	// them too: their errors are what a user comes to look for.
	renderBatchTable(b, "failed-batches", fmt.Sprintf("Failed Batches (%d)", sn.NFailed), base, reversed(sn.Failed), false, true)
	renderBatchTable(b, "completed-batches", title, base, completed, false, false)
	return sn.Name + " · Streaming", nil
}

func (s *Server) renderStreams(b *strings.Builder, sn snapshot) {
	fmt.Fprintf(b, `<h2>Input Streams and Receivers (%d)</h2>`, len(sn.Streams))
	if len(sn.Streams) == 0 {
		b.WriteString(`<p class="notice">No input streams yet.</p>`)
		return
	}
	interval := sn.BatchInterval.Seconds()
	b.WriteString(`<table class="table" id="streams"><thead><tr><th>Stream</th><th>Kind</th><th>Status</th><th>Avg rate</th><th>Last batch</th><th>Total records</th><th>Errors</th><th>Last error time</th><th>Last error</th></tr></thead><tbody>`)
	for _, st := range sn.Streams {
		var sum float64
		last := "–"
		for _, c := range sn.Completed {
			if st.ID < len(c.Inputs) {
				sum += float64(c.Inputs[st.ID]) / interval
				last = commas(int64(c.Inputs[st.ID])) + " records"
			}
		}
		rate := "–"
		if len(sn.Completed) > 0 {
			rate = fmtNumber(sum/float64(len(sn.Completed))) + " records/sec"
		}
		kind, status := "input", `<span class="badge active">ACTIVE</span>`
		if st.Receiver {
			kind = "receiver"
			if !st.Active {
				status = `<span class="badge stopped">INACTIVE</span>`
			}
		}
		if sn.State == "STOPPED" && !st.Receiver {
			status = `<span class="badge stopped">STOPPED</span>`
		}
		errTime, errText := "–", "–"
		if st.Errors > 0 {
			errTime = fmtDate(st.LastErrorTime)
			errText = `<span class="error-text">` + esc(st.LastError) + `</span>`
		}
		fmt.Fprintf(b, `<tr><td>%s</td><td>%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td>%s</td><td>%s</td></tr>`,
			esc(st.Name), kind, status, rate, last, commas(st.Records), failedCount(st.Errors), errTime, errText)
	}
	b.WriteString(`</tbody></table>`)
}

func reversed(bs []Batch) []Batch {
	out := make([]Batch, len(bs))
	for i, x := range bs {
		out[len(bs)-1-i] = x
	}
	return out
}

// renderBatchTable lists batches, newest first, as Spark's batch tables do.
func renderBatchTable(b *strings.Builder, id, title, base string, bs []Batch, active, failed bool) {
	fmt.Fprintf(b, `<h2 id="%s-title">%s</h2>`, id, esc(title))
	if len(bs) == 0 {
		fmt.Fprintf(b, `<p class="notice" id="%s">None.</p>`, id)
		return
	}
	fmt.Fprintf(b, `<table class="table batches" id="%s"><thead><tr><th>Batch Time</th><th>Records</th><th>Scheduling Delay</th><th>Processing Time</th>`, id)
	if !active {
		b.WriteString(`<th>Total Delay</th>`)
	}
	b.WriteString(`<th>Output Ops: Succeeded/Total</th>`)
	if active {
		b.WriteString(`<th>Status</th>`)
	}
	if failed {
		b.WriteString(`<th>Error</th>`)
	}
	b.WriteString(`</tr></thead><tbody>`)
	for _, x := range bs {
		class := ""
		if x.Err != "" {
			class = ` class="failed"`
		}
		fmt.Fprintf(b, `<tr%s><td><a href="%sbatches/%d">%s</a></td><td class="num">%s records</td>`, class, base, x.Time, fmtBatchTime(x.Time), commas(int64(x.Records)))
		if active {
			sd, pt, status := "–", "–", "queued"
			if !x.Started.IsZero() {
				sd = fmtDur(x.SchedulingDelay())
				pt = fmtDur(time.Since(x.Started)) + " so far"
				status = "processing"
			}
			fmt.Fprintf(b, `<td class="num">%s</td><td class="num">%s</td>`, sd, pt)
			done := 0
			for _, o := range x.Ops {
				if !o.End.IsZero() && o.Err == "" {
					done++
				}
			}
			fmt.Fprintf(b, `<td>%s</td><td>%s</td>`, opsCell(done, len(x.Ops), 0), status)
		} else {
			fmt.Fprintf(b, `<td class="num">%s</td><td class="num">%s</td><td class="num">%s</td>`, fmtDur(x.SchedulingDelay()), fmtDur(x.ProcessingTime()), fmtDur(x.TotalDelay()))
			nf := x.failedOps()
			fmt.Fprintf(b, `<td>%s</td>`, opsCell(len(x.Ops)-nf, len(x.Ops), nf))
		}
		if failed {
			fmt.Fprintf(b, `<td class="error-cell">%s</td>`, errorBlock(fmt.Sprintf("err-%s-%d", id, x.Time), x.Err))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table>`)
}

// opsCell is Spark's progress bar of succeeded output operations.
func opsCell(ok, total, failed int) string {
	pct := 0.0
	if total > 0 {
		pct = 100 * float64(ok) / float64(total)
	}
	label := fmt.Sprintf("%d/%d", ok, total)
	if failed > 0 {
		label += fmt.Sprintf(" (%d failed)", failed)
	}
	return fmt.Sprintf(`<div class="progress"><div class="bar" style="width:%.0f%%"></div><span>%s</span></div>`, pct, label)
}

// errorBlock shows an error's first line with the whole text behind a toggle.
func errorBlock(id, text string) string {
	first, _, more := strings.Cut(text, "\n")
	if r := []rune(first); len(r) > 200 {
		first, more = string(r[:200])+"…", true
	}
	if !more {
		return `<span class="error-text">` + esc(text) + `</span>`
	}
	return fmt.Sprintf(`<details id="%s"><summary class="error-text">%s</summary><pre class="error-text">%s</pre></details>`, esc(id), esc(first), esc(text))
}

func (s *Server) batchPage(b *strings.Builder, r *http.Request) (string, error) {
	a := s.app(r)
	if a == nil {
		return "", errNotFound(fmt.Sprintf("No context %s", r.PathValue("id")))
	}
	t, err := strconv.ParseInt(r.PathValue("time"), 10, 64)
	if err != nil {
		return "", errNotFound(fmt.Sprintf("No batch %q: want the batch time in milliseconds", r.PathValue("time")))
	}
	x, ok := a.batch(t)
	if !ok {
		return "", errNotFound(fmt.Sprintf("No batch at %s in context %d (it may be older than the last %d batches kept)", fmtBatchTime(t), a.ID, RetainedBatches))
	}
	sn := a.snapshot()
	fmt.Fprintf(b, `<p class="crumbs"><a href="/contexts/%d/">%s</a> › batch</p>`, sn.ID, esc(sn.Name))
	fmt.Fprintf(b, `<h1>Details of batch at %s</h1>`, fmtBatchTime(t))
	status := `<span class="badge active">SUCCEEDED</span>`
	switch {
	case x.Ended.IsZero() && x.Started.IsZero():
		status = `<span class="badge initialized">QUEUED</span>`
	case x.Ended.IsZero():
		status = `<span class="badge initialized">PROCESSING</span>`
	case x.Err != "":
		status = `<span class="badge failed">FAILED</span>`
	}
	b.WriteString(`<ul class="facts">`)
	fmt.Fprintf(b, `<li><b>Status:</b> %s</li>`, status)
	fmt.Fprintf(b, `<li><b>Batch Duration:</b> %s</li>`, fmtDur(sn.BatchInterval))
	fmt.Fprintf(b, `<li><b>Input data size:</b> %s records</li>`, commas(int64(x.Records)))
	fmt.Fprintf(b, `<li><b>Scheduling delay:</b> %s</li>`, dashIfZero(x.SchedulingDelay(), x.Started.IsZero()))
	fmt.Fprintf(b, `<li><b>Processing time:</b> %s</li>`, dashIfZero(x.ProcessingTime(), x.Ended.IsZero()))
	fmt.Fprintf(b, `<li><b>Total delay:</b> %s</li>`, dashIfZero(x.TotalDelay(), x.Ended.IsZero()))
	b.WriteString(`</ul>`)
	if len(sn.Streams) > 0 {
		b.WriteString(`<h2>Input Metadata</h2><table class="table" id="inputs"><thead><tr><th>Input stream</th><th>Records</th></tr></thead><tbody>`)
		for _, st := range sn.Streams {
			n := 0
			if st.ID < len(x.Inputs) {
				n = x.Inputs[st.ID]
			}
			fmt.Fprintf(b, `<tr><td>%s</td><td class="num">%s</td></tr>`, esc(st.Name), commas(int64(n)))
		}
		b.WriteString(`</tbody></table>`)
	}
	fmt.Fprintf(b, `<h2>Output Operations (%d)</h2>`, len(x.Ops))
	if len(x.Ops) == 0 {
		b.WriteString(`<p class="notice">No output operation has started yet.</p>`)
		return "Batch " + fmtBatchTime(t), nil
	}
	b.WriteString(`<table class="table" id="operations"><thead><tr><th>Output Op Id</th><th>Description</th><th>Duration</th><th>Status</th><th>Error</th></tr></thead><tbody>`)
	for _, o := range x.Ops {
		dur, st, errText := fmtDur(time.Since(o.Start))+" so far", `<span class="badge initialized">RUNNING</span>`, "–"
		if !o.End.IsZero() {
			dur = fmtDur(o.End.Sub(o.Start))
			st = `<span class="badge active">SUCCEEDED</span>`
			if o.Err != "" {
				st = `<span class="badge failed">FAILED</span>`
				errText = errorBlock(fmt.Sprintf("op-err-%d", o.ID), o.Err)
			}
		}
		class := ""
		if o.Err != "" {
			class = ` class="failed"`
		}
		fmt.Fprintf(b, `<tr%s><td class="num">%d</td><td><b>%s</b><div class="lineage">%s</div></td><td class="num">%s</td><td>%s</td><td class="error-cell">%s</td></tr>`,
			class, o.ID, esc(o.Name), esc(o.Description), dur, st, errText)
	}
	b.WriteString(`</tbody></table>`)
	return "Batch " + fmtBatchTime(t), nil
}

func dashIfZero(d time.Duration, unknown bool) string {
	if unknown {
		return "–"
	}
	return fmtDur(d)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// fmtDur formats a duration as Spark's UI does: 35 ms, 1.2 s, 2.5 min, 1.1 h.
func fmtDur(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return chart.TrimZeros(fmt.Sprintf("%.1f", d.Seconds())) + " s"
	case d < time.Hour:
		return chart.TrimZeros(fmt.Sprintf("%.1f", d.Minutes())) + " min"
	}
	return chart.TrimZeros(fmt.Sprintf("%.1f", d.Hours())) + " h"
}

// fmtDurVerbose spells a duration out: "1 second", "2 minutes 5 seconds".
func fmtDurVerbose(d time.Duration) string {
	if d < time.Second {
		return plural(int(d.Milliseconds()), "millisecond")
	}
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	var parts []string
	if h > 0 {
		parts = append(parts, plural(h, "hour"))
	}
	if m > 0 {
		parts = append(parts, plural(m, "minute"))
	}
	if s > 0 || len(parts) == 0 {
		if frac := d % time.Second; frac != 0 && h == 0 && m == 0 {
			return chart.TrimZeros(fmt.Sprintf("%.3f", d.Seconds())) + " seconds"
		}
		parts = append(parts, plural(s, "second"))
	}
	return strings.Join(parts, " ")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// fmtDate is a wall-clock time as Spark's UI shows it.
func fmtDate(t time.Time) string { return t.Format("2006/01/02 15:04:05") }

// fmtBatchTime shows a batch time: the local date and time, with
// milliseconds when it has some; a manual clock's times as offsets from 0.
func fmtBatchTime(msec int64) string {
	if msec < manualClockLimit {
		return "+" + (time.Duration(msec) * time.Millisecond).String()
	}
	t := time.UnixMilli(msec)
	if msec%1000 != 0 {
		return t.Format("2006/01/02 15:04:05.000")
	}
	return t.Format("2006/01/02 15:04:05")
}

func fmtNumber(v float64) string {
	switch {
	case v >= 100:
		return commas(int64(math.Round(v)))
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// commas writes n with thousands separators.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
