package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func walRecords(from, to int) []any {
	var xs []any
	for i := from; i < to; i++ {
		xs = append(xs, fmt.Sprintf("line %d", i))
	}
	return xs
}

func withSegmentSize(t *testing.T, n int64) {
	old := walSegmentSize
	walSegmentSize = n
	t.Cleanup(func() { walSegmentSize = old })
}

func TestWALReadAcrossSegmentsAndRelease(t *testing.T) {
	withSegmentSize(t, 200)
	dir := t.TempDir()
	w, err := openWAL(dir, nil, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i += 5 {
		if err := w.store("s", uint64(i), walRecords(i, i+5)); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.log.Segments()) < 4 {
		t.Fatalf("%d segments after 2 KB of entries with 200-byte segments, want several", len(w.log.Segments()))
	}
	tests := []struct{ from, to int }{{0, 100}, {0, 1}, {7, 43}, {95, 100}, {50, 50}}
	for _, tc := range tests {
		got, end, err := w.read(uint64(tc.from), uint64(tc.to))
		if err != nil {
			t.Fatal(err)
		}
		if want := walRecords(tc.from, tc.to); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("read [%d, %d) = %v, want %v", tc.from, tc.to, got, want)
		}
		if tc.to == 100 && end != 100 {
			t.Errorf("read [%d, %d): end %d, want 100", tc.from, tc.to, end)
		}
	}
	// A batch still needs records from 60 on: segments wholly before go.
	w.release([]ckptBatch{{Time: 100, Data: encodeRange(60, 70)}}, encodeRange(0, 80)[8:])
	got, _, err := w.read(60, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, walRecords(60, 100)) {
		t.Errorf("after release, read [60, 100) = %v", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(files) >= 20 || len(files) != len(w.log.Segments()) {
		t.Errorf("%d segment files, %d known after release", len(files), len(w.log.Segments()))
	}
	if w.log.Segments()[0] > 60 {
		t.Errorf("released the segment holding record 60: first segment starts at %d", w.log.Segments()[0])
	}
	w.close()
}

// TestWALTornTail cuts the last entry short, as a crash during a write
// would, and checks that the log reads up to it and goes on after it.
func TestWALTornTail(t *testing.T) {
	dir := t.TempDir()
	w, _ := openWAL(dir, nil, nil, true)
	w.store("s", 0, walRecords(0, 3))
	w.store("s", 3, walRecords(3, 6))
	w.close()
	seg := filepath.Join(dir, segName(0))
	data, _ := os.ReadFile(seg)
	os.WriteFile(seg, data[:len(data)-3], 0o644)

	w2, err := openWAL(dir, nil, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	got, end, err := w2.read(0, ^uint64(0))
	if err != nil {
		t.Fatal(err)
	}
	if end != 3 || !reflect.DeepEqual(got, walRecords(0, 3)) {
		t.Fatalf("read after a torn write: %v (end %d), want the first 3 records", got, end)
	}
	// The receiver numbers on from 3: the new run writes a new segment.
	if err := w2.store("s", 3, walRecords(3, 5)); err != nil {
		t.Fatal(err)
	}
	got, _, err = w2.read(0, 5)
	if err != nil || !reflect.DeepEqual(got, walRecords(0, 5)) {
		t.Fatalf("read after the restart: %v, %v", got, err)
	}
	w2.close()
}

// TestWALCorruptSegment damages an entry in the middle of the log, which
// loses records that later segments prove existed: an error, not a gap.
func TestWALCorruptSegment(t *testing.T) {
	withSegmentSize(t, 1)
	dir := t.TempDir()
	w, _ := openWAL(dir, nil, nil, true)
	for i := 0; i < 3; i++ {
		w.store("s", uint64(i*2), walRecords(i*2, i*2+2))
	}
	w.close()
	seg := filepath.Join(dir, segName(2))
	data, _ := os.ReadFile(seg)
	data[len(data)-5] ^= 0xff
	os.WriteFile(seg, data, 0o644)
	w2, _ := openWAL(dir, nil, nil, false)
	_, _, err := w2.read(0, 6)
	if err == nil || !strings.Contains(err.Error(), "records [2, 4) are missing") {
		t.Fatalf("read of a log with a damaged middle segment: %v, want records [2, 4) missing", err)
	}
}

// walTestReceiver stores what arrives on its channel.
type walTestReceiver struct {
	in   chan string
	done chan struct{}
	wg   sync.WaitGroup
}

func (r *walTestReceiver) OnStart(ctx *ReceiverContext) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			select {
			case s := <-r.in:
				if ctx.Store(s) != nil {
					return
				}
				r.done <- struct{}{}
			case <-ctx.Done():
				return
			}
		}
	}()
}

func (r *walTestReceiver) OnStop() {}

type walJob struct {
	recv *walTestReceiver
	mu   sync.Mutex
	seen map[Time][]string
}

func newWALJob() *walJob {
	return &walJob{recv: &walTestReceiver{in: make(chan string), done: make(chan struct{})}, seen: map[Time][]string{}}
}

func (j *walJob) create() *StreamingContext {
	ssc := NewStreamingContext("local[2]", "wal", Milliseconds(100), WithManualClock(), WithBatchLog(nil))
	ssc.ReceiverStream(j.recv).ForeachRDD(func(r *RDD, t Time) {
		var xs []string
		for _, x := range r.Collect() {
			xs = append(xs, x.(string))
		}
		sort.Strings(xs)
		j.mu.Lock()
		j.seen[t] = xs
		j.mu.Unlock()
	})
	return ssc
}

func (j *walJob) send(t *testing.T, xs ...string) {
	t.Helper()
	for _, x := range xs {
		select {
		case j.recv.in <- x:
		case <-time.After(10 * time.Second):
			t.Fatal("receiver did not take a record within 10 s")
		}
		<-j.recv.done // stored, so logged
	}
}

// TestWALRecoversStoredRecords stores records, takes the directory as a
// crash would leave it, and checks that the recovered context hands the
// records stored before the crash to its batches: those of the batch that
// was running again, and those no batch had taken yet to the next one.
func TestWALRecoversStoredRecords(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(t.TempDir(), "snap")
	j1 := newWALJob()
	ssc := GetOrCreate(dir, j1.create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	j1.send(t, "a", "b")
	if err := ssc.Advance(Milliseconds(100)); err != nil {
		t.Fatal(err)
	}
	j1.send(t, "c", "d")
	var once sync.Once
	j1.mu.Lock()
	j1.seen = map[Time][]string{}
	j1.mu.Unlock()
	ssc.AddStreamingListener(startedListener(func(info BatchInfo) {
		if info.BatchTime == 200 {
			once.Do(func() {
				j1.send(t, "e") // stored while batch 200 runs: no batch has it yet
				copyDir(t, dir, snap)
			})
		}
	}))
	if err := ssc.Advance(Milliseconds(100)); err != nil {
		t.Fatal(err)
	}
	ssc.Stop(false)
	// The crash happened while batch 200 (c, d) ran, after e was stored.
	j2 := newWALJob()
	ssc2 := GetOrCreate(snap, j2.create)
	if err := ssc2.Start(); err != nil {
		t.Fatal(err)
	}
	j2.send(t, "f")
	if err := ssc2.Advance(Milliseconds(100)); err != nil {
		t.Fatal(err)
	}
	ssc2.Stop(true)
	want := map[Time][]string{200: {"c", "d"}, 300: {"e", "f"}}
	j2.mu.Lock()
	defer j2.mu.Unlock()
	if !reflect.DeepEqual(j2.seen, want) {
		t.Errorf("batches after recovery: %v, want %v", j2.seen, want)
	}
}

// TestWALGracefulStop checks that Stop(true) processes every record stored
// before it, with the log on.
func TestWALGracefulStop(t *testing.T) {
	j := newWALJob()
	ssc := GetOrCreate(t.TempDir(), j.create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	j.send(t, "x", "y", "z")
	ssc.Stop(true)
	var all []string
	for _, xs := range j.seen {
		all = append(all, xs...)
	}
	sort.Strings(all)
	if !reflect.DeepEqual(all, []string{"x", "y", "z"}) {
		t.Errorf("records processed by a graceful stop: %v, want x y z", all)
	}
}

// startedListener adapts f to a listener of batch starts.
type startedListener func(BatchInfo)

func (f startedListener) OnBatchStarted(info BatchInfo) { f(info) }
func (f startedListener) OnBatchCompleted(BatchInfo)    {}

// TestWALCleanupWhileRunning checks that a running job's log does not grow:
// segments whose records every kept batch is past are deleted.
func TestWALCleanupWhileRunning(t *testing.T) {
	withSegmentSize(t, 1) // a segment per Store
	dir := t.TempDir()
	j := newWALJob()
	ssc := GetOrCreate(dir, j.create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		j.send(t, fmt.Sprint(i))
		if err := ssc.Advance(Milliseconds(100)); err != nil {
			t.Fatal(err)
		}
	}
	ssc.Stop(false)
	segs, _ := filepath.Glob(filepath.Join(dir, "wal", "input-0", "*.log"))
	if len(segs) == 0 || len(segs) > 3 {
		t.Errorf("%d log segments after 30 batches of one record each, want 1 to 3", len(segs))
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.seen) != 30 {
		t.Errorf("%d batches saw records, want 30", len(j.seen))
	}
}

// TestWALRecordsBeforeFirstBatch crashes before the first batch, with
// records already acknowledged: the restart recovers them, not a fresh
// start that would drop them.
func TestWALRecordsBeforeFirstBatch(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(t.TempDir(), "snap")
	j1 := newWALJob()
	ssc := GetOrCreate(dir, j1.create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	j1.send(t, "early", "bird")
	copyDir(t, dir, snap)
	ssc.Stop(false)

	j2 := newWALJob()
	ssc2 := GetOrCreate(snap, j2.create)
	if !ssc2.Recovered() {
		t.Fatal("no checkpoint to recover from after records were acknowledged")
	}
	if err := ssc2.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc2.Advance(Milliseconds(100)); err != nil {
		t.Fatal(err)
	}
	ssc2.Stop(false)
	j2.mu.Lock()
	defer j2.mu.Unlock()
	if want := map[Time][]string{100: {"bird", "early"}}; !reflect.DeepEqual(j2.seen, want) {
		t.Errorf("batches after recovery: %v, want %v", j2.seen, want)
	}
}

// FuzzReadWALSegment feeds arbitrary bytes to the log's segment reader: it
// returns records or an error, and never panics.
func FuzzReadWALSegment(f *testing.F) {
	dir := f.TempDir()
	w, _ := openWAL(dir, nil, nil, true)
	w.store("s", 0, walRecords(0, 3))
	w.store("s", 3, []any{KV("k", 1), nil, 2.5})
	w.close()
	data, _ := os.ReadFile(filepath.Join(dir, segName(0)))
	f.Add(data, uint64(0))
	f.Add(data[:len(data)-4], uint64(0))
	f.Add([]byte{0, 0, 0, 9, 1, 2, 3, 4}, uint64(7))
	f.Fuzz(func(t *testing.T, data []byte, first uint64) {
		n := uint64(0)
		end, err := parseSegment("fuzz.log", data, first, func(seq uint64, xs []any) { n += uint64(len(xs)) })
		if err == nil && end != first+n {
			t.Errorf("end %d after %d records from %d", end, n, first)
		}
	})
}

// TestWALBitFlipIsCorruptionNotATornTail flips a bit at 90% of a segment:
// the entries after the damaged one were acknowledged, so reading the log
// fails with an error naming the segment and the offset, instead of
// silently ending the log there.
func TestWALBitFlipIsCorruptionNotATornTail(t *testing.T) {
	dir := t.TempDir()
	w, _ := openWAL(dir, nil, nil, true)
	for i := 0; i < 100; i++ {
		w.store("s", uint64(i), walRecords(i, i+1))
	}
	w.close()
	seg := filepath.Join(dir, segName(0))
	data, _ := os.ReadFile(seg)
	at := len(data) * 9 / 10
	data[at] ^= 0x10
	os.WriteFile(seg, data, 0o600)

	w2, err := openWAL(dir, nil, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = w2.read(0, 100)
	if err == nil {
		t.Fatal("reading a log with a bit flipped at 90% of its segment succeeded")
	}
	if !errors.Is(err, ErrBadCheckpoint) || !errors.Is(err, ErrCorruptLog) {
		t.Errorf("error %v is not ErrBadCheckpoint and ErrCorruptLog", err)
	}
	// The damaged entry starts at or before the flipped byte.
	if !strings.Contains(err.Error(), seg) || !strings.Contains(err.Error(), "at offset ") {
		t.Errorf("error %q does not name the segment %s and the offset", err, seg)
	}
	w2.close()
}

// TestWALCorruptLogFailsRecovery damages the first of three logged entries
// that no batch took: recovery cannot hand them back, and Start fails with
// an error matching ErrCorruptLog and ErrBadCheckpoint.
func TestWALCorruptLogFailsRecovery(t *testing.T) {
	dir := t.TempDir()
	j1 := newWALJob()
	ssc := GetOrCreate(dir, j1.create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	j1.send(t, "a", "b", "c")
	ssc.Stop(false)
	seg := filepath.Join(dir, "wal", "input-0", segName(0))
	data, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	data[12] ^= 0xff // in the first entry's payload
	os.WriteFile(seg, data, 0o600)

	ssc2 := GetOrCreate(dir, newWALJob().create)
	err = ssc2.Start()
	if err == nil {
		ssc2.Stop(false)
		t.Fatal("recovery from a log with a damaged entry succeeded")
	}
	if !errors.Is(err, ErrCorruptLog) || !errors.Is(err, ErrBadCheckpoint) {
		t.Errorf("error %v is not ErrCorruptLog and ErrBadCheckpoint", err)
	}
}
