package kafkatest

import (
	"io"
	"os"
	"sync"
)

var interrupt = os.Interrupt

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
