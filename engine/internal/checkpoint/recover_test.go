package checkpoint

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// recoverFrom writes a checkpoint with two generated batches, the first
// completed, and returns the recovered metadata, as a restart reads it.
func recoverFrom(t *testing.T, dir string) *Recovered {
	t.Helper()
	var f failures
	c, err := Open(testConfig(dir, &f))
	if err != nil {
		t.Fatal(err)
	}
	pos := ""
	c.SetSource(0, Source{
		Record:   func(b int64) ([]byte, error) { return []byte{byte(b / 1000)}, nil },
		Position: func() ([]byte, error) { return []byte(pos), nil },
	})
	for _, b := range []int64{1000, 2000} {
		pos = "at " + string(rune('0'+b/1000))
		c.Generated(b, []Batch{c.Record(0, b, int(b/100))})
	}
	c.Completed(1000, nil)
	c.Close()
	if len(f.errs) > 0 {
		t.Fatal(f.errs)
	}
	rec := readBack(t, dir)
	if len(rec.States) != 0 {
		t.Fatalf("ReadStates: %+v, want no state", rec)
	}
	return rec
}

// readBack loads dir's latest checkpoint and reads its states, failing t
// unless both work and the recovered checkpoint is the one loaded.
func readBack(t *testing.T, dir string) *Recovered {
	t.Helper()
	meta, path, err := Load(dir)
	if err != nil || meta == nil {
		t.Fatalf("Load: %v %v", meta, err)
	}
	rec, _, err := ReadStates(dir, path, meta, decodeJSON, splitKV)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Path != path || rec.Meta != meta {
		t.Fatalf("ReadStates: %+v, want path %s and the metadata", rec, path)
	}
	return rec
}

func TestRecoverRebuildsInputs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ckpt")
	rec := recoverFrom(t, dir)
	c, err := Open(Config{Dir: dir, Prev: rec.Meta, Meta: testConfig(dir, nil).Meta, Remember: []int64{2000}, Encode: encodeJSON, Split: splitKV, Same: sameKV})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var calls []string
	var resumed []int64
	c.SetSource(0, Source{
		Restore: func(p []byte) error { calls = append(calls, "restore "+string(p)); return nil },
		Rebuild: func(b int64, data []byte) (int, error) {
			calls = append(calls, "rebuild "+string(rune('0'+data[0])))
			return int(b / 10), nil
		},
		Resumed: func(b int64) { resumed = append(resumed, b) },
	})
	records, err := c.Recover(rec)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"restore at 2", "rebuild 1", "rebuild 2"}; !reflect.DeepEqual(calls, want) {
		t.Errorf("calls %q, want %q", calls, want)
	}
	if want := map[int64]int{1000: 100, 2000: 200}; !reflect.DeepEqual(records, want) {
		t.Errorf("records %v, want %v", records, want)
	}
	c.Resumed(2000)
	if !reflect.DeepEqual(resumed, []int64{2000}) {
		t.Errorf("resumed %v, want [2000]", resumed)
	}
}

func TestRecoverErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ckpt")
	rec := recoverFrom(t, dir)
	boom := errors.New("boom")
	for _, tc := range []struct {
		name string
		src  Source
		time int64
		msg  string
	}{
		{"position", Source{Restore: func([]byte) error { return boom }}, 0, "restoring the position of RateStream: boom"},
		{"batch", Source{Rebuild: func(b int64, _ []byte) (int, error) {
			if b == 2000 {
				return 0, boom
			}
			return 1, nil
		}}, 2000, "rebuilding the input of RateStream: boom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Open(Config{Dir: dir, Prev: rec.Meta, Meta: testConfig(dir, nil).Meta, Encode: encodeJSON, Split: splitKV, Same: sameKV})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetSource(0, tc.src)
			_, err = c.Recover(rec)
			var re *RecoverError
			if !errors.As(err, &re) {
				t.Fatalf("got %v, want a *RecoverError", err)
			}
			if want := "checkpoint " + rec.Path + ": " + tc.msg; re.Msg != want || re.Error() != want || re.Time != tc.time {
				t.Errorf("got %q at %d, want %q at %d", re.Msg, re.Time, want, tc.time)
			}
			if !errors.Is(err, ErrBad) || !errors.Is(err, boom) || strings.Contains(re.Msg, "%!") {
				t.Errorf("%v should wrap ErrBad and the source's error", err)
			}
		})
	}
}
