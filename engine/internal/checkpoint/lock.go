package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// The errors a checkpoint directory reports. The engine exports them under
// its own names (ErrBadCheckpoint, ErrCheckpointInUse, ErrLostCheckpoint),
// so their texts are the engine's.
var (
	// ErrBad marks checkpoint files that are corrupt, truncated, of an
	// unknown version or from a different graph.
	ErrBad = errors.New("engine: bad checkpoint")
	// ErrInUse marks a directory locked by another running context.
	ErrInUse = errors.New("engine: checkpoint directory in use")
	// ErrLost marks a directory whose metadata files are gone while state
	// files or log records remain; Orphans joins it with ErrBad.
	ErrLost = errors.New("engine: checkpoint metadata missing")
)

// LockName is the lock file of a checkpoint directory. A started context
// holds an exclusive flock on it until it stops (the kernel releases it when
// the process dies, so a crash never leaves the directory locked); the file
// says who holds it.
const LockName = ".lock"

// FileMode is the permission of the files the package creates in a
// checkpoint directory, which hold the stream's data.
const FileMode = 0o600

// Lock is a held lock of a checkpoint directory.
type Lock struct{ f *os.File }

// LockDir takes the lock of dir, or fails at once naming the holder; the
// error wraps ErrInUse when another context holds it.
func LockDir(dir string) (*Lock, error) {
	path := filepath.Join(dir, LockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, FileMode)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		who := strings.TrimSpace(string(holder))
		if who == "" {
			who = "another context"
		}
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("in use by %s, which holds the lock %s; stop it, or checkpoint into another directory: %w", who, path, ErrInUse)
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	host, _ := os.Hostname()
	exe, _ := os.Executable()
	f.Truncate(0)
	fmt.Fprintf(f, "process %d (%s) on %s, since %s\n", os.Getpid(), filepath.Base(exe), host, time.Now().UTC().Format(time.RFC3339))
	return &Lock{f}, nil
}

// Unlock releases the lock; a nil Lock is already released.
func (l *Lock) Unlock() {
	if l == nil || l.f == nil {
		return
	}
	l.f.Truncate(0)
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
	l.f = nil
}
