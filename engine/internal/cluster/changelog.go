package cluster

// InitialKey is the key of the changelog record that says a partition
// took its initial state; the engine's encoded keys never equal it.
const InitialKey = "gostream:initial"

// ReadChangelog reads [from, until) of partition q of a changelog topic:
// the value of every key it holds (a tombstone, an empty value, removes
// the key), the keys in the order first written, and how many records it
// read (0: nothing was committed to the range). The InitialKey record is
// counted, not returned.
func (m *Member) ReadChangelog(topic string, q int32, from, until int64) (image map[string]string, order []string, n int, err error) {
	image = map[string]string{}
	err = m.Fetch(topic, q, from, until, func(r Record) {
		n++
		if r.Key == InitialKey {
			return
		}
		if _, ok := image[r.Key]; !ok {
			order = append(order, r.Key)
		}
		image[r.Key] = r.Value
		if r.Value == "" {
			delete(image, r.Key)
		}
	})
	return image, order, n, err
}
