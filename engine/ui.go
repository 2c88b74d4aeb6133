package engine

import (
	"fmt"
	"os"

	"github.com/gostream/gostream/engine/internal/ui"
)

// The streaming UI: a web server of the process (engine/internal/ui) that
// shows every StreamingContext created while it runs, after Spark's
// Streaming tab, and Prometheus metrics at /metrics. The shell, the kernel
// and `gostream run` start it with StartUI (their --ui flag); compiled
// programs ask for it with the WithUI option. See docs/ui.md.

// UIEnv is the environment variable that turns the streaming UI on for a
// program without the WithUI option (gostream run sets it for the program
// it runs): "on" for the default address, an address as StartUI takes it,
// or "off". Unset, only StartUI and WithUI start the UI.
const UIEnv = "GOSTREAM_UI"

func init() { newHooks.Add(uiFromEnv) }

// uiFromEnv starts the UI named by $GOSTREAM_UI when the first context is
// made, unless a UI already runs (which shows the context itself).
func uiFromEnv(ssc *StreamingContext) {
	s, err := ui.FromEnv(UIEnv, startUI)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%v; running without it\n", err)
	}
	if s != nil {
		attachUI(s, ssc) // the hook startUI added runs from the next context on
	}
}

// StartUI starts the process's streaming UI on addr and returns its URL;
// every StreamingContext created from then on is shown. An empty addr means
// 127.0.0.1:4040, or the next free port up to 4056; a bare port number
// means that port on 127.0.0.1; a host:port is bound as given. The first
// start says "Streaming UI: URL" on standard error. When the UI already
// runs, StartUI returns its URL, whatever addr.
func StartUI(addr string) (url string, err error) {
	s, err := startUI(addr)
	if err != nil {
		return "", err
	}
	return s.URL(), nil
}

func startUI(addr string) (*ui.Server, error) {
	s, started, err := ui.Start(addr, func(s *ui.Server) func() {
		return newHooks.Add(func(ssc *StreamingContext) { attachUI(s, ssc) })
	})
	if err != nil {
		return nil, fmt.Errorf("engine: streaming UI: %w", err)
	}
	if started {
		fmt.Fprintf(os.Stderr, "Streaming UI: %s\n", s.URL())
	}
	return s, nil
}

// StopUI stops the streaming UI, if it runs; contexts created later are not
// shown by a UI started again.
func StopUI() { ui.Stop() }

// UIURL returns the URL of the running streaming UI, or "" when none runs.
func UIURL() string {
	if s := ui.Running(); s != nil {
		return s.URL()
	}
	return ""
}

// WithUI serves the streaming UI on addr (as StartUI: "" for 127.0.0.1:4040
// or the next free port) and shows this context and every later one in it.
// A UI already running is used as it is. When addr cannot be listened on,
// the context runs without a UI and says why on standard error, once.
func WithUI(addr string) Option {
	return func(*config) {
		if _, err := StartUI(addr); err != nil && ui.FirstFailure(addr) {
			fmt.Fprintf(os.Stderr, "%v; running without it\n", err)
		}
	}
}

// attachUI shows ssc in the UI s.
func attachUI(s *ui.Server, ssc *StreamingContext) {
	app := s.Add(ui.AppInfo{
		Name: ssc.appName, Master: ssc.master, BatchInterval: ssc.batch,
		State: func() string { return ssc.State().String() },
	})
	ssc.AddStreamingListener(&ui.Listener[Time, StreamInputInfo, OutputOperationInfo, BatchInfo, ReceiverInfo, ReceiverErrorInfo, StreamingStartedInfo]{
		App: app, Streams: ssc.uiStreams,
	})
}

// uiStreams describes the context's input streams for the UI.
func (ssc *StreamingContext) uiStreams() []ui.StreamInfo {
	ssc.mu.Lock()
	defer ssc.mu.Unlock()
	streams := make([]ui.StreamInfo, len(ssc.inputs))
	for i, in := range ssc.inputs {
		_, recv := in.src.(*receiverSource)
		streams[i] = ui.StreamInfo{ID: i, Name: in.d.op, Receiver: recv}
	}
	return streams
}
