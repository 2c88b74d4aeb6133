package socket

import (
	"net"
	"strconv"
)

// Addr is the address host:port of a socket stream; false when port is
// not one (0..65535).
func Addr(host string, port int) (string, bool) {
	if port < 0 || port > 65535 {
		return "", false
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), true
}
