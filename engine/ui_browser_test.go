package engine_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gostream/gostream/engine"
)

// chromium returns Debian's headless browser; without it the test is
// skipped, except under CI, where test.sh installs it.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("the browser test starts Chromium; skipped with -short")
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Debian's chromium is not installed (test.sh installs it)")
	}
	t.Skip("Debian's chromium is not installed")
	return ""
}

// browser starts a headless Chromium with a fresh profile and returns a
// chromedp context driving one tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.WindowSize(1360, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(actx)
	// The first action starts the browser, which lives as long as tab.
	if err := chromedp.Do(tab); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("starting %s: %v", path, err)
	}
	ctx, cancelTime := context.WithTimeout(tab, 3*time.Minute)
	t.Cleanup(func() {
		cancelTime()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}

// lineServer is a TCP server sending the lines written to it to every
// client, as `nc -lk` does for the network word count.
type lineServer struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newLineServer(t *testing.T) *lineServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &lineServer{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, c := range s.conns {
			c.Close()
		}
	})
	return s
}

func (s *lineServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *lineServer) send(lines ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		fmt.Fprint(c, strings.Join(lines, "\n")+"\n")
	}
	return len(s.conns)
}

// until evaluates the JavaScript expression js in the page until it is
// true, for at most a minute.
func until(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("the page never showed %s; it shows:\n%.3000s", what, text)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// screenshot saves the whole page under the test's temporary directory, and
// a copy under $GOSTREAM_UI_SHOTS when set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("GOSTREAM_UI_SHOTS"); dir != "" {
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, name), png, 0o644)
	}
	t.Logf("screenshot %s (%d bytes)", path, len(png))
}

// TestUIInBrowser runs a network word count on a real clock and watches
// it in headless Chromium: the batch table fills without a reload, a
// failed batch shows its error, and its page shows the failed operation.
func TestUIInBrowser(t *testing.T) {
	ctx := browser(t)
	url := startUI(t)
	src := newLineServer(t)

	ssc := engine.NewStreamingContext("local[2]", "NetworkWordCount", 200*time.Millisecond, engine.WithBatchLog(nil))
	defer ssc.Stop(false)
	ssc.SetOutput(new(strings.Builder))
	lines := ssc.SocketTextStream("127.0.0.1", src.port())
	counts := lines.FlatMap(strings.Fields).Map(engine.WithOne).ReduceByKey(engine.Sum)
	counts.Print()
	lines.ForeachRDD(func(rdd *engine.RDD) {
		for _, l := range rdd.Collect() {
			if strings.Contains(l.(string), "boom") {
				panic(fmt.Sprintf("cannot store line %q: bad record", l))
			}
		}
	})
	// A second source whose server is not there: its receiver reports errors.
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	deadPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	ssc.SocketTextStream("127.0.0.1", deadPort).Count().ForeachRDD(func(*engine.RDD) {})
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.ID("input-rate"))); err != nil {
		t.Fatal(err)
	}
	// Mark the document: a reload would lose the mark.
	chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`))
	feed := func(stop <-chan struct{}, words []string) {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			src.send(words[i%len(words)] + " " + words[(i*7+3)%len(words)] + " stream")
		}
	}
	stop := make(chan struct{})
	go feed(stop, []string{"spark", "gostream", "batch", "window", "kafka", "receiver", "delay", "state"})
	until(t, ctx, "six completed batches with records",
		`document.querySelectorAll('#completed-batches tbody tr').length >= 6 && /[1-9]\d* records/.test(document.querySelector('#completed-batches tbody tr td:nth-child(2)').innerText)`)
	until(t, ctx, "a receiver error of the stream without a server",
		fmt.Sprintf(`document.querySelector('#streams').innerText.includes('connecting to 127.0.0.1:%d')`, deadPort))

	src.send("this line goes boom")
	until(t, ctx, "the failed batch with its error",
		`!!document.querySelector('#failed-batches') && document.querySelector('#failed-batches').innerText.includes('bad record')`)
	until(t, ctx, "more completed batches, on the same document", `window.notReloaded === true && document.querySelectorAll('#completed-batches tbody tr').length >= 10`)
	summary, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".summary")))
	if !strings.HasPrefix(summary, "Running batches of 200 milliseconds for ") {
		t.Errorf("summary %q", summary)
	}
	screenshot(t, ctx, "streaming.png")

	// The failed batch's page.
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#failed-batches tbody tr td a"), "href"))
	if err != nil || !href.Exists {
		t.Fatalf("link to the failed batch: %v %+v", err, href)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(strings.TrimSuffix(url, "/")+href.Value), chromedp.WaitVisible(chromedp.ID("operations"))); err != nil {
		t.Fatal(err)
	}
	// The page fills its tables once its data arrives.
	until(t, ctx, "the failed batch's output operations", `document.querySelector('#operations').innerText.includes('bad record')`)
	ops, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#operations').innerText`))
	if err != nil {
		t.Fatalf("the failed batch's output operations: %v", err)
	}
	for _, want := range []string{"Print", "ReduceByKey ← Map ← FlatMap ← SocketTextStream(127.0.0.1:", "SUCCEEDED", "ForeachRDD", "FAILED", "bad record"} {
		if !strings.Contains(ops, want) {
			t.Errorf("output operations of the failed batch lack %q:\n%s", want, ops)
		}
	}
	screenshot(t, ctx, "batch.png")
	close(stop)

	// Another context beside it, listed on the contexts page.
	other := engine.NewStreamingContext("local[2]", "Totals", time.Second, engine.WithManualClock(), engine.WithBatchLog(nil))
	defer other.Stop(false)
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"contexts/"), chromedp.WaitVisible(chromedp.ID("contexts"))); err != nil {
		t.Fatal(err)
	}
	list, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID("contexts")))
	if !strings.Contains(list, "NetworkWordCount") || !strings.Contains(list, "Totals") || !strings.Contains(list, "INITIALIZED") {
		t.Errorf("contexts page:\n%s", list)
	}
	screenshot(t, ctx, "contexts.png")
}
