package ui

import (
	"os"
	"sync"
)

// The process's UI: one server at a time, shared by every context of the
// process.
var (
	procMu     sync.Mutex
	procServer *Server
	procUndo   func()
	procFailed map[string]bool // addresses that could not be listened on, reported once
	envOnce    sync.Once
)

// FromEnv starts, the first time it is called, the UI the environment
// variable env names: "on" for Listen's default address, or an address as
// Listen takes it; none when env is unset or "off", or when a UI already
// runs. start starts it; FromEnv returns what start returned, or nil.
func FromEnv(env string, start func(addr string) (*Server, error)) (s *Server, err error) {
	envOnce.Do(func() {
		addr := os.Getenv(env)
		if addr == "" || addr == "off" || Running() != nil {
			return
		}
		if addr == "on" {
			addr = ""
		}
		s, err = start(addr)
	})
	return s, err
}

// Start starts the process's UI on addr (as Listen takes it), or returns
// the one running, whatever addr; started says whether this call started
// it. When it starts, onStart is called with it, and what onStart returns
// is called by Stop.
func Start(addr string, onStart func(*Server) (undo func())) (s *Server, started bool, err error) {
	procMu.Lock()
	defer procMu.Unlock()
	if procServer != nil {
		return procServer, false, nil
	}
	s, err = Listen(addr)
	if err != nil {
		return nil, false, err
	}
	procServer = s
	procUndo = onStart(s)
	return s, true, nil
}

// Stop stops the process's UI, if it runs.
func Stop() {
	procMu.Lock()
	s, undo := procServer, procUndo
	procServer, procUndo = nil, nil
	procMu.Unlock()
	if s != nil {
		if undo != nil {
			undo()
		}
		s.Close()
	}
}

// Running returns the process's UI, or nil when none runs.
func Running() *Server {
	procMu.Lock()
	defer procMu.Unlock()
	return procServer
}

// FirstFailure records that addr could not be listened on and reports
// whether that is the first time, so the failure is told once.
func FirstFailure(addr string) bool {
	procMu.Lock()
	defer procMu.Unlock()
	if procFailed == nil {
		procFailed = map[string]bool{}
	}
	first := !procFailed[addr]
	procFailed[addr] = true
	return first
}
