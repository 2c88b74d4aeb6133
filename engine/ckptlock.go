package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ErrCheckpointInUse is returned by Start when another running context (in
// this process or another) checkpoints into the same directory: two writers
// would overwrite each other's metadata and delete each other's files.
var ErrCheckpointInUse = errors.New("engine: checkpoint directory in use")

// ckptLockName is the lock file of a checkpoint directory. A started context
// holds an exclusive flock on it until it stops (the kernel releases it when
// the process dies, so a crash never leaves the directory locked); the file
// says who holds it.
const ckptLockName = ".lock"

// lockCheckpointDir takes the lock of dir, or fails at once naming the
// holder.
func lockCheckpointDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, ckptLockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, ckptFileMode)
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
			return nil, fmt.Errorf("in use by %s, which holds the lock %s; stop it, or checkpoint into another directory: %w", who, path, ErrCheckpointInUse)
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	host, _ := os.Hostname()
	exe, _ := os.Executable()
	f.Truncate(0)
	fmt.Fprintf(f, "process %d (%s) on %s, since %s\n", os.Getpid(), filepath.Base(exe), host, time.Now().UTC().Format(time.RFC3339))
	return f, nil
}

// unlockCheckpointDir releases the lock taken by lockCheckpointDir.
func unlockCheckpointDir(f *os.File) {
	if f == nil {
		return
	}
	f.Truncate(0)
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()
}
