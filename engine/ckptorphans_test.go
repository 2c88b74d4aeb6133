package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDeletedMetadataWithLogIsAnError: deleting every checkpoint-* file of
// a directory whose write-ahead log still holds records makes GetOrCreate
// fail, naming what remains, instead of starting afresh and emptying the log.
func TestDeletedMetadataWithLogIsAnError(t *testing.T) {
	dir := t.TempDir()
	j := newWALJob()
	ssc := GetOrCreate(dir, j.create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	j.send(t, "a", "b") // logged; no batch has them yet
	ssc.Stop(false)
	metas, _ := filepath.Glob(filepath.Join(dir, "checkpoint-*"))
	if len(metas) == 0 {
		t.Fatal("no checkpoint-* file written")
	}
	for _, m := range metas {
		os.Remove(m)
	}
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err, _ = r.(error)
			}
		}()
		GetOrCreate(dir, newWALJob().create)
		return nil
	}()
	if err == nil {
		t.Fatal("GetOrCreate started afresh over a log whose metadata was deleted")
	}
	if !errors.Is(err, ErrBadCheckpoint) || !errors.Is(err, ErrLostCheckpoint) {
		t.Errorf("error %v is not ErrBadCheckpoint and ErrLostCheckpoint", err)
	}
	for _, want := range []string{"no checkpoint-* metadata file", filepath.Join("wal", "input-0"), "remove the directory to start afresh"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// The log is still there.
	if segs, _ := filepath.Glob(filepath.Join(dir, "wal", "input-0", "*.log")); len(segs) == 0 {
		t.Error("the log was deleted")
	}
}

// TestCheckpointFilePermissions: log segments get the same permission as
// metadata and state files, 0600.
func TestCheckpointFilePermissions(t *testing.T) {
	dir := t.TempDir()
	j := newWALJob()
	ssc := GetOrCreate(dir, j.create)
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	j.send(t, "a")
	ssc.Advance(Milliseconds(100))
	ssc.Stop(false)
	metas, _ := filepath.Glob(filepath.Join(dir, "checkpoint-*"))
	segs, _ := filepath.Glob(filepath.Join(dir, "wal", "input-0", "*.log"))
	if len(metas) == 0 || len(segs) == 0 {
		t.Fatalf("checkpoint files %v, log segments %v: want both", metas, segs)
	}
	for _, f := range append(metas, segs...) {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has permission %v, want -rw-------", f, fi.Mode().Perm())
		}
	}
}

// TestSecondContextOnACheckpointDirectoryFailsAtOnce: while one context
// runs with a checkpoint directory, starting another on it fails at once,
// naming the holder; once the first stops, the directory is free.
func TestSecondContextOnACheckpointDirectoryFailsAtOnce(t *testing.T) {
	dir := t.TempDir()
	first := GetOrCreate(dir, newWALJob().create)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	second := GetOrCreate(dir, newWALJob().create)
	err := second.Start()
	if !errors.Is(err, ErrCheckpointInUse) {
		t.Fatalf("starting a second context on %s: %v, want ErrCheckpointInUse", dir, err)
	}
	want := "checkpoint directory " + dir + ": in use by process " + strconv.Itoa(os.Getpid()) + " ("
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), filepath.Join(dir, ".lock")) {
		t.Errorf("error %q does not say %q and name the lock file", err, want)
	}
	first.Stop(true)
	third := GetOrCreate(dir, newWALJob().create)
	if err := third.Start(); err != nil {
		t.Fatalf("starting a context on %s after the first stopped: %v", dir, err)
	}
	third.Stop(true)
}
