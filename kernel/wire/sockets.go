package wire

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"sync"

	"github.com/go-zeromq/zmq4"
)

// Channel names one of the sockets that carry Jupyter messages.
type Channel int

const (
	Shell Channel = iota
	Control
	IOPub
	Stdin
	numChannels
)

func (c Channel) String() string {
	switch c {
	case Shell:
		return "shell"
	case Control:
		return "control"
	case IOPub:
		return "iopub"
	case Stdin:
		return "stdin"
	}
	return fmt.Sprintf("channel(%d)", int(c))
}

// Sockets are a kernel's bound ZeroMQ sockets: ROUTER shell, control and
// stdin, PUB iopub, and the REP heartbeat, which Sockets answers itself.
type Sockets struct {
	info    ConnectionInfo
	signer  Signer
	session string
	log     *log.Logger
	cancel  context.CancelFunc
	digests *digestHistory

	socks [numChannels]zmq4.Socket
	mu    [numChannels]sync.Mutex
	hb    zmq4.Socket
	done  chan struct{}
	close sync.Once
}

// MaxMessageSize is the largest message, all frames together, that the
// sockets accept. A peer announcing a larger frame is disconnected before
// anything is allocated: without a limit, any local process could make the
// kernel allocate whatever a frame header announces, up to 2^63 bytes, and
// die of it without knowing the key.
const MaxMessageSize = 256 << 20

// Listen binds the five sockets named by info. A zero port binds a free
// one; Info reports the ports in use. errLog receives one line for every
// dropped message (nil: stderr).
func Listen(info ConnectionInfo, errLog *log.Logger) (*Sockets, error) {
	if errLog == nil {
		errLog = log.New(os.Stderr, "gostream kernel: ", log.LstdFlags)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sockets{
		info:    info,
		signer:  NewSigner(info.Key),
		session: NewID(),
		log:     errLog,
		cancel:  cancel,
		digests: newDigestHistory(digestHistorySize),
		done:    make(chan struct{}),
	}
	limit := zmq4.WithMaxMsgSize(MaxMessageSize)
	s.socks[Shell] = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("shell")), limit)
	s.socks[Control] = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("control")), limit)
	s.socks[Stdin] = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("stdin")), limit)
	s.socks[IOPub] = zmq4.NewPub(ctx, limit)
	s.hb = zmq4.NewRep(ctx, limit)
	ports := []*int{&s.info.ShellPort, &s.info.ControlPort, &s.info.IOPubPort, &s.info.StdinPort}
	for ch := Shell; ch < numChannels; ch++ {
		if err := s.bind(s.socks[ch], ports[ch], ch.String()); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := s.bind(s.hb, &s.info.HBPort, "heartbeat"); err != nil {
		s.Close()
		return nil, err
	}
	go s.heartbeat()
	return s, nil
}

func (s *Sockets) bind(sock zmq4.Socket, port *int, name string) error {
	ep := s.info.Endpoint(*port)
	if err := sock.Listen(ep); err != nil {
		return fmt.Errorf("wire: %s socket: listen on %s: %w", name, ep, err)
	}
	if a, ok := sock.Addr().(*net.TCPAddr); ok {
		*port = a.Port
	}
	return nil
}

// heartbeat echoes every ping until the sockets close.
func (s *Sockets) heartbeat() {
	for {
		msg, err := s.hb.Recv()
		if err != nil {
			select {
			case <-s.done:
				return
			default:
			}
			s.log.Printf("heartbeat: %v", err)
			continue
		}
		if err := s.hb.Send(msg); err != nil {
			s.log.Printf("heartbeat: %v", err)
		}
	}
}

// Info returns the connection info with the ports actually bound.
func (s *Sockets) Info() ConnectionInfo { return s.info }

// Session returns the kernel's session id, sent in every message header.
func (s *Sockets) Session() string { return s.session }

// ErrClosed is returned by Recv and Send after Close.
var ErrClosed = errors.New("wire: sockets closed")

// Recv returns the next correctly signed message on ch (Shell, Control or
// Stdin). Messages that fail to decode or verify, and signed messages whose
// signature was already received on any channel (replays), are logged and
// dropped.
func (s *Sockets) Recv(ch Channel) (*Message, error) {
	for {
		zm, err := s.socks[ch].Recv()
		select {
		case <-s.done:
			return nil, ErrClosed
		default:
		}
		if err != nil {
			return nil, fmt.Errorf("wire: %s: %w", ch, err)
		}
		m, err := Decode(zm.Frames, s.signer)
		if err == nil && !s.digests.add(m.signature) {
			err = ErrDuplicateSignature
		}
		if err != nil {
			s.log.Printf("dropped a message on %s: %v", ch, err)
			continue
		}
		return m, nil
	}
}

// Send signs and sends m on ch. A message without a session gets the
// kernel's.
func (s *Sockets) Send(ch Channel, m *Message) error {
	if m.Header.Session == "" {
		m.Header.Session = s.session
	}
	if ch == IOPub {
		// On iopub the routing frame is the topic subscribers filter on.
		mm := *m
		mm.Identities = [][]byte{[]byte("kernel." + s.session + "." + m.Header.MsgType)}
		m = &mm
	}
	frames, err := Encode(m, s.signer)
	if err != nil {
		return err
	}
	s.mu[ch].Lock()
	defer s.mu[ch].Unlock()
	select {
	case <-s.done:
		return ErrClosed
	default:
	}
	if err := s.socks[ch].SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		return fmt.Errorf("wire: send %s on %s: %w", m.Header.MsgType, ch, err)
	}
	return nil
}

// Close closes every socket. Recv and Send return ErrClosed afterwards.
func (s *Sockets) Close() error {
	var first error
	s.close.Do(func() {
		close(s.done)
		for ch := range s.socks {
			if s.socks[ch] == nil {
				continue
			}
			s.mu[ch].Lock()
			if err := s.socks[ch].Close(); err != nil && first == nil {
				first = err
			}
			s.mu[ch].Unlock()
		}
		if s.hb != nil {
			if err := s.hb.Close(); err != nil && first == nil {
				first = err
			}
		}
		s.cancel()
	})
	return first
}
