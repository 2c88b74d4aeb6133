package engine

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestFileStreamOptions: FileFilter keeps the names it accepts;
// NewFilesOnly(false) takes the files already there (within the remember
// window, as Spark's newFilesOnly = false), and the default does not.
func TestFileStreamOptions(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "old.csv", "already there\n", -500)
	writeFile(t, dir, "old.log", "filtered out\n", -500)
	writeFile(t, dir, "ancient.csv", "older than the window\n", -120000)
	ssc := manualContext(t)
	csv := func(name string) bool { return strings.HasSuffix(name, ".csv") }
	all := collect(ssc.TextFileStream(dir, FileFilter(csv), NewFilesOnly(false)))
	newOnly := collect(ssc.TextFileStream(dir, FileFilter(csv)))
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "new.csv", "new\n", 1500)
	writeFile(t, dir, "new.log", "new but filtered\n", 1500)
	if err := ssc.Advance(Seconds(3)); err != nil {
		t.Fatal(err)
	}
	if got := all.all(); !reflect.DeepEqual(got, []any{"already there", "new"}) {
		t.Errorf("NewFilesOnly(false) read %q; want the old and the new .csv file", got)
	}
	if got := newOnly.all(); !reflect.DeepEqual(got, []any{"new"}) {
		t.Errorf("the default read %q; want the new .csv file only", got)
	}
}

// TestBinaryRecordsStream: each new file is cut into records of the given
// length, one partition per file; a file of another size fails its batch.
func TestBinaryRecordsStream(t *testing.T) {
	dir := t.TempDir()
	ssc := manualContext(t)
	got := collect(ssc.BinaryRecordsStream(dir, 4))
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	var data []byte
	for _, n := range []uint32{1, 2, 3} {
		data = binary.BigEndian.AppendUint32(data, n)
	}
	writeFile(t, dir, "a.bin", string(data), 500)
	if err := ssc.Advance(Seconds(2)); err != nil {
		t.Fatal(err)
	}
	want := []any{[]byte{0, 0, 0, 1}, []byte{0, 0, 0, 2}, []byte{0, 0, 0, 3}}
	if all := got.all(); !reflect.DeepEqual(all, want) {
		t.Errorf("records %v; want %v", all, want)
	}
	writeFile(t, dir, "b.bin", "12345", 2500)
	err := ssc.Advance(Seconds(2))
	if err == nil || !strings.Contains(err.Error(), "b.bin") || !strings.Contains(err.Error(), "5 bytes are not a whole number of 4-byte records") {
		t.Errorf("a file of 5 bytes: %v; want an error naming it", err)
	}
	defer func() {
		var e *Error
		if r := recover(); !errors.As(r.(error), &e) || !strings.Contains(e.Msg, "positive record length") {
			t.Errorf("BinaryRecordsStream(dir, 0) panicked with %v", r)
		}
	}()
	ssc.BinaryRecordsStream(dir, 0)
}

// TestSocketStream: the converter reads the connection's bytes and stores
// records; here big-endian uint16s, a binary protocol SocketTextStream cannot read.
func TestSocketStream(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Write([]byte{0, 1, 0, 2, 1, 0})
		c.Read(make([]byte, 1)) // hold the connection until the test ends
	}()
	ssc := manualContext(t)
	port := ln.Addr().(*net.TCPAddr).Port
	in := ssc.SocketStream("127.0.0.1", port, func(r io.Reader, store func(any) error) error {
		var b [2]byte
		for {
			if _, err := io.ReadFull(r, b[:]); err != nil {
				return err
			}
			if err := store(int(binary.BigEndian.Uint16(b[:]))); err != nil {
				return err
			}
		}
	})
	got := collect(in)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, "three records", func() bool { return buffered(in) == 3 })
	if err := ssc.Advance(Seconds(1)); err != nil {
		t.Fatal(err)
	}
	if all := got.all(); !reflect.DeepEqual(all, []any{1, 2, 256}) {
		t.Errorf("records %v; want [1 2 256]", all)
	}
}

// TestQueueStreamDefaultRDD: a batch that finds the queue empty is the
// default RDD, as Spark's queueStream(queue, oneAtATime, defaultRDD).
func TestQueueStreamDefaultRDD(t *testing.T) {
	ssc := manualContext(t)
	q := NewQueue()
	got := collect(ssc.QueueStream(q, true, ssc.Parallelize([]any{"idle"})))
	q.Push("a", "b")
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ssc.Advance(Seconds(3)); err != nil {
		t.Fatal(err)
	}
	want := [][]any{{"a", "b"}, {"idle"}, {"idle"}}
	for i, w := range want {
		if e := got.elems(i); !reflect.DeepEqual(e, w) {
			t.Errorf("batch %d: %v; want %v", i+1, e, w)
		}
	}
}

// TestGetActive: the active context is the one started last and not
// stopped; GetActiveOrCreate creates one only when none is active.
func TestGetActive(t *testing.T) {
	a, b := manualContext(t), manualContext(t)
	a.QueueStream(NewQueue(), true).ForeachRDD(func(*RDD) {})
	b.QueueStream(NewQueue(), true).ForeachRDD(func(*RDD) {})
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	if got := GetActive(); got != a {
		t.Fatalf("GetActive() = %v; want the started context", got)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	created := 0
	create := func() *StreamingContext { created++; return manualContext(t) }
	if got := GetActiveOrCreate(create); got != b || created != 0 {
		t.Errorf("GetActiveOrCreate() = %v after creating %d; want the context started last", got, created)
	}
	b.Stop(false)
	a.Stop(false)
	if got := GetActive(); got != nil {
		t.Errorf("GetActive() = %v with every context stopped; want nil", got)
	}
	if got := GetActiveOrCreate(create); got == a || got == b || created != 1 {
		t.Errorf("GetActiveOrCreate() with none active created %d contexts", created)
	}
}

// TestBlockInterval: a receiver's batch has batch/blockInterval partitions.
func TestBlockInterval(t *testing.T) {
	ssc := NewStreamingContext("local[2]", "blocks", Seconds(1), WithManualClock(), WithBatchLog(nil), WithBlockInterval(200*time.Millisecond))
	defer ssc.Stop(false)
	in := ssc.ReceiverStream(&countingReceiver{n: 10})
	got := collect(in)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, "ten records", func() bool { return buffered(in) == 10 })
	if err := ssc.Advance(Seconds(1)); err != nil {
		t.Fatal(err)
	}
	got.mu.Lock()
	parts := got.parts[0]
	got.mu.Unlock()
	if len(parts) != 5 {
		t.Errorf("%d partitions; want 5 (1s batches of 200ms blocks)", len(parts))
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "WithBlockInterval") {
			t.Errorf("a block interval longer than the batch: %v", r)
		}
	}()
	NewStreamingContext("local[2]", "blocks", Seconds(1), WithBlockInterval(2*time.Second))
}
