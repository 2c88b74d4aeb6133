package cluster

import (
	"strings"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Inputs made at once are checked against each other: of two whose topics'
// partition counts differ, one sets the tasks and the other fails.
func TestTasksAddAtOnce(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.SeedTopics(2, "two"), kfake.SeedTopics(3, "three"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m, err := ParseMaster("kafka://" + strings.Join(c.ListenAddrs(), ",") + "/app")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		var ts Tasks
		var wg sync.WaitGroup
		var mu sync.Mutex
		var set, failed int
		for _, topic := range []string{"two", "three"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, first, err := ts.Add(m, []string{topic})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					failed++
				case first && n == map[string]int{"two": 2, "three": 3}[topic]:
					set++
				default:
					t.Errorf("%s: got %d tasks, first %v", topic, n, first)
				}
			}()
		}
		wg.Wait()
		if set != 1 || failed != 1 {
			t.Fatalf("%d inputs set the tasks and %d failed, want 1 and 1", set, failed)
		}
	}
	var ts Tasks
	if n, first, err := ts.Add(m, []string{"two"}); n != 2 || !first || err != nil {
		t.Fatalf("the first input: got %d, %v, %v", n, first, err)
	}
	if n, first, err := ts.Add(m, []string{"two"}); n != 2 || first || err != nil {
		t.Fatalf("a second input of as many partitions: got %d, %v, %v", n, first, err)
	}
}
