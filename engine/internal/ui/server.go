package ui

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// DefaultPort is where the UI listens by default; when it is taken the next
// free port up to DefaultPort+MaxRetries is used, as Spark's UI does.
const (
	DefaultPort = 4040
	MaxRetries  = 16
)

//go:embed static
var static embed.FS

// Server serves the UI of the contexts added to it.
type Server struct {
	ln      net.Listener
	http    *http.Server
	metrics *metrics

	mu      sync.Mutex
	apps    []*App
	nextID  int
	version uint64
	wake    chan struct{} // closed and replaced when the version changes
}

// Listen starts a server on addr. An empty addr means 127.0.0.1:4040, or the
// next free port up to 4056; a bare port number means that port on
// 127.0.0.1; anything else is a host:port bound as given (port 0 picks a
// free port).
func Listen(addr string) (*Server, error) {
	var ln net.Listener
	var err error
	switch {
	case addr == "":
		for p := DefaultPort; p <= DefaultPort+MaxRetries; p++ {
			ln, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
			if err == nil || !errors.Is(err, syscall.EADDRINUSE) {
				break
			}
		}
		if err != nil {
			return nil, fmt.Errorf("no free port in 127.0.0.1:%d-%d: %w", DefaultPort, DefaultPort+MaxRetries, err)
		}
	default:
		if _, perr := strconv.Atoi(addr); perr == nil {
			addr = net.JoinHostPort("127.0.0.1", addr)
		}
		if _, _, serr := net.SplitHostPort(addr); serr != nil {
			return nil, fmt.Errorf("address %q: want HOST:PORT, a port number or off", addr)
		}
		ln, err = net.Listen("tcp", addr)
		if err != nil {
			return nil, err
		}
	}
	s := &Server{ln: ln, metrics: newMetrics(), wake: make(chan struct{})}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.FileServerFS(static))
	mux.Handle("GET /metrics", s.metricsHandler())
	mux.HandleFunc("GET /{$}", s.page(s.home))
	mux.HandleFunc("GET /contexts/{$}", s.page(s.contextsPage))
	mux.HandleFunc("GET /contexts/{id}/{$}", s.page(s.streamingPage))
	mux.HandleFunc("GET /contexts/{id}/batches/{time}", s.page(s.batchPage))
	mux.HandleFunc("GET /contexts/{id}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
	})
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.http.Serve(ln)
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// URL is the address of the UI's first page, http://HOST:PORT/.
func (s *Server) URL() string {
	a := s.ln.Addr().(*net.TCPAddr)
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(a.Port)) + "/"
}

// Close stops the server; pages waiting for an update return at once.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s.changed()
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.http.Close()
	}
	return err
}

// changed bumps the version that live pages wait on.
func (s *Server) changed() {
	s.mu.Lock()
	s.version++
	close(s.wake)
	s.wake = make(chan struct{})
	s.mu.Unlock()
}

func (s *Server) current() (uint64, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version, s.wake
}

func (s *Server) appList() []*App {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*App(nil), s.apps...)
}

func (s *Server) app(r *http.Request) *App {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		return nil
	}
	for _, a := range s.appList() {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func (s *Server) metricsHandler() http.Handler {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.metrics.refreshInfo(s.appList())
		h.ServeHTTP(w, r)
	})
}

// errNotFound is what a page returns for a context or batch that does not exist.
type errNotFound string

func (e errNotFound) Error() string { return string(e) }

// page is a live page: render writes its content; the page's script asks
// for the same URL with ?partial=1&v=VERSION, which waits until the data
// changes (at most 20 s) and returns the new content alone.
func (s *Server) page(render func(b *strings.Builder, r *http.Request) (title string, err error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		partial := r.URL.Query().Get("partial") == "1"
		v, wake := s.current()
		if partial {
			if seen, err := strconv.ParseUint(r.URL.Query().Get("v"), 10, 64); err == nil && seen == v {
				timer := time.NewTimer(20 * time.Second)
				select {
				case <-wake:
				case <-timer.C:
				case <-r.Context().Done():
					timer.Stop()
					return
				}
				timer.Stop()
				v, _ = s.current()
			}
		}
		var b strings.Builder
		title, err := render(&b, r)
		status := http.StatusOK
		if err != nil {
			var nf errNotFound
			if !errors.As(err, &nf) {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			status = http.StatusNotFound
			b.Reset()
			fmt.Fprintf(&b, `<p class="notice">%s. <a href="/contexts/">All contexts</a></p>`, esc(err.Error()))
			title = "Not found"
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-UI-Version", strconv.FormatUint(v, 10))
		w.WriteHeader(status)
		if partial {
			fmt.Fprint(w, b.String())
			return
		}
		tab := "streaming"
		if strings.HasPrefix(r.URL.Path, "/contexts/") && r.PathValue("id") == "" {
			tab = "contexts"
		}
		writeLayout(w, title, tab, s.navApps(r), b.String(), v)
	}
}
