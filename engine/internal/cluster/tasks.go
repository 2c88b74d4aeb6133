package cluster

import "sync"

// Tasks is a cluster job's number of tasks, agreed as its input streams
// are made: the partition count of the first input's topics, which every
// later input's must match (InputTasks). It is safe for concurrent use:
// an input is checked and the count set in one step, so inputs made at
// once are checked against each other.
type Tasks struct {
	mu    sync.Mutex
	topic string // the first input's first topic
	n     int    // its partition count; 0 before the first input
}

// Add checks the topics of an input being made against the inputs added
// before and returns the job's tasks; first reports whether this input
// set them.
func (ts *Tasks) Add(c *Master, topics []string) (n int, first bool, err error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	n, err = c.InputTasks(topics, ts.topic, ts.n)
	if err != nil {
		return 0, false, err
	}
	if ts.n == 0 {
		ts.topic, ts.n = topics[0], n
		return n, true, nil
	}
	return ts.n, false, nil
}
