package socket

import "testing"

func TestAddr(t *testing.T) {
	for _, tc := range []struct {
		host string
		port int
		want string
		ok   bool
	}{
		{"localhost", 9999, "localhost:9999", true},
		{"::1", 0, "[::1]:0", true},
		{"h", 65535, "h:65535", true},
		{"h", -1, "", false},
		{"h", 65536, "", false},
	} {
		if got, ok := Addr(tc.host, tc.port); got != tc.want || ok != tc.ok {
			t.Errorf("Addr(%q, %d) = %q, %v; want %q, %v", tc.host, tc.port, got, ok, tc.want, tc.ok)
		}
	}
}
