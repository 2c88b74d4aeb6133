package queue

import "sync"

// Queue is a first-in first-out queue of items.
type Queue[T any] struct {
	mu    sync.Mutex
	items []T
}

// Push adds x at the back.
func (q *Queue[T]) Push(x T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, x)
}

// Len returns the number of items queued.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Take removes and returns the front item when one is true, else every
// item, in push order.
func (q *Queue[T]) Take(one bool) []T {
	q.mu.Lock()
	defer q.mu.Unlock()
	var taken []T
	if one && len(q.items) > 0 {
		taken, q.items = q.items[:1:1], q.items[1:]
	} else if !one {
		taken, q.items = q.items, nil
	}
	return taken
}
