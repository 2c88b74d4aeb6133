package wire

import (
	"errors"
	"sync"
)

// ErrDuplicateSignature is returned for a signed message whose signature was
// seen before: a replay of a captured message, which must not run twice.
var ErrDuplicateSignature = errors.New("wire: duplicate signature (a replayed message)")

// digestHistorySize is how many signatures Sockets remembers, as many as
// jupyter_client's Session (digest_history_size = 2**16).
const digestHistorySize = 1 << 16

// digestHistory remembers the signatures of the messages received, as
// jupyter_client's Session does, so that a replayed message is dropped. When
// it holds more than max, the oldest tenth is forgotten.
type digestHistory struct {
	mu    sync.Mutex
	max   int
	seen  map[string]struct{}
	order []string
}

func newDigestHistory(max int) *digestHistory {
	return &digestHistory{max: max, seen: map[string]struct{}{}}
}

// add records sig and reports whether it is new. The empty signature (a
// connection without a key) is never recorded: unsigned messages are all
// alike.
func (h *digestHistory) add(sig string) bool {
	if sig == "" {
		return true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, dup := h.seen[sig]; dup {
		return false
	}
	h.seen[sig] = struct{}{}
	h.order = append(h.order, sig)
	if len(h.order) > h.max {
		n := max(h.max/10, 1)
		for _, old := range h.order[:n] {
			delete(h.seen, old)
		}
		h.order = append(h.order[:0], h.order[n:]...)
	}
	return true
}
