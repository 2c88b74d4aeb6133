package ui

import "testing"

func TestFromEnvOnce(t *testing.T) {
	const env = "GOSTREAM_UI_TEST"
	t.Setenv(env, "on")
	var addrs []string
	start := func(addr string) (*Server, error) { addrs = append(addrs, addr); return nil, nil }
	FromEnv(env, start)
	t.Setenv(env, "127.0.0.1:1")
	FromEnv(env, start)
	if len(addrs) != 1 || addrs[0] != "" {
		t.Fatalf("started on %q, want once on the default address", addrs)
	}
}
