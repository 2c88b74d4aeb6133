package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestHelpExitsZero: -h of every command prints its usage and exits 0, as
// Go's flag package does; a bad flag exits 2.
func TestHelpExitsZero(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-h"}, "gostream version"},
		{[]string{"run", "-h"}, "usage: gostream run [--interpret] FILE.go [args]"},
		{[]string{"help"}, "gostream demo [-batches N]"},
		{[]string{"demo", "-h"}, "usage: gostream demo [flags]"},
		{[]string{"demo", "--help"}, "-batches int"},
		{[]string{"shell", "-h"}, "usage: gostream [shell [SCRIPT]]"},
		{[]string{"kernel", "-h"}, "gostream kernel"},
	} {
		out, exit := runProgram(t, binary, c.args...)
		if exit != 0 || !strings.Contains(out, c.want) {
			t.Errorf("gostream %s: exit %d, %q; want 0 and %q", strings.Join(c.args, " "), exit, out, c.want)
		}
	}
	out, exit := runProgram(t, binary, "demo", "-nosuchflag")
	if exit != 2 || !strings.Contains(out, "flag provided but not defined: -nosuchflag") {
		t.Errorf("gostream demo -nosuchflag: exit %d, %q; want 2 naming the flag", exit, out)
	}
}

// TestVersion: gostream --version and gostream version print the version
// and the Go toolchain.
func TestVersion(t *testing.T) {
	want := regexp.MustCompile(`^gostream \S+.* go1\.\d+\S* \w+/\w+\n$`)
	for _, arg := range []string{"--version", "version", "-version"} {
		out, exit := runProgram(t, binary, arg)
		if exit != 0 || !want.MatchString(out) {
			t.Errorf("gostream %s: exit %d, %q; want 0 and a line matching %s", arg, exit, out, want)
		}
	}
}

// TestErrorsNameTheCommand: a file that cannot be read is reported with the
// command that failed, as go and git do.
func TestErrorsNameTheCommand(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "nope.go"}, "gostream run: stat nope.go: no such file or directory\n"},
		{[]string{"shell", "nope.gs"}, "gostream shell: open nope.gs: no such file or directory\n"},
	} {
		out, exit := runProgram(t, binary, c.args...)
		if exit != 1 || out != c.want {
			t.Errorf("gostream %s: exit %d, %q; want 1 and %q", strings.Join(c.args, " "), exit, out, c.want)
		}
	}
}
