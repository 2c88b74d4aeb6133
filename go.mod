module github.com/gostream/gostream

go 1.26.8

require (
	github.com/chzyer/readline v1.5.1
	github.com/fxamacker/cbor/v2 v2.10.0
	github.com/go-zeromq/zmq4 v0.17.0
	github.com/traefik/yaegi v0.16.1
)

require (
	github.com/creack/pty v1.1.24 // indirect
	github.com/go-zeromq/goczmq/v4 v4.2.2 // indirect
	github.com/x448/float16 v0.8.4 // indirect
	golang.org/x/sync v0.7.0 // indirect
	golang.org/x/sys v0.5.0 // indirect
	golang.org/x/text v0.15.0 // indirect
)

tool github.com/traefik/yaegi/cmd/yaegi

// A minimal fork of zmq4 v0.17.0 that adds WithMaxMsgSize, a limit on the
// size of the messages a socket accepts, checked before allocating: see
// docs/dependencies.md.
replace github.com/go-zeromq/zmq4 => ./third_party/zmq4
