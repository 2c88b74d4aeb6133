package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/gostream/gostream/engine"
	"github.com/gostream/gostream/repl/session"
)

// shellSource is the closures pipeline as a user types it into the shell
// or a notebook: the session compiles its closures.
const shellSource = `build := func(lines *engine.DStream) *engine.DStream {
	return lines.FlatMap(func(line string) []string { return strings.Fields(line) }).
		Map(func(w string) engine.Pair { return engine.KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b })
}`

// shellBuild is shellSource's build, from a session made once and kept
// open for the process.
var shellBuild = sync.OnceValues(func() (func(*engine.DStream) *engine.DStream, error) {
	s, err := session.New(session.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := s.Eval(context.Background(), shellSource); err != nil {
		return nil, fmt.Errorf("the shell pipeline: %w", err)
	}
	res, err := s.Eval(context.Background(), "build")
	if err != nil {
		return nil, fmt.Errorf("the shell pipeline: %w", err)
	}
	build, ok := res.Value.(func(*engine.DStream) *engine.DStream)
	if !ok {
		return nil, fmt.Errorf("the shell pipeline: build is a %T", res.Value)
	}
	return build, nil
})

// prepareShell makes the shell pipeline's session, once.
func prepareShell() error {
	_, err := shellBuild()
	return err
}

// buildShell builds the shell pipeline over lines, with the session that
// prepareShell made.
func buildShell(lines *engine.DStream) *engine.DStream {
	build, err := shellBuild()
	if err != nil {
		panic(err) // run returned this error before any pass
	}
	return build(lines)
}
