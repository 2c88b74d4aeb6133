package wire

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ProtocolVersion is the Jupyter messaging protocol version this package speaks.
const ProtocolVersion = "5.3"

// Delimiter separates routing identities from the signed message parts.
const Delimiter = "<IDS|MSG>"

// Errors that Decode returns; test them with errors.Is.
var (
	ErrNoDelimiter  = errors.New("wire: no <IDS|MSG> delimiter")
	ErrShortMessage = errors.New("wire: fewer than 5 frames after the delimiter")
	ErrBadSignature = errors.New("wire: bad signature")
	ErrNoSignature  = errors.New("wire: missing signature")
)

// Header is a message header (and, as a message's parent, the header of the
// request it answers).
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message. Parent is nil for a message that answers
// nothing (it is sent as {}).
type Message struct {
	Identities [][]byte
	Header     Header
	Parent     *Header
	Metadata   map[string]any
	Content    json.RawMessage
	Buffers    [][]byte

	signature string // as received, for the replay check
}

// Signer signs and verifies messages with a connection's key. The zero Signer
// (empty key) signs with the empty string and accepts only empty
// signatures, as Jupyter does when authentication is off.
type Signer struct {
	key []byte
}

// NewSigner returns a Signer for key.
func NewSigner(key string) Signer { return Signer{key: []byte(key)} }

// Sign returns the hex HMAC-SHA256 of the four signed parts.
func (s Signer) Sign(header, parent, metadata, content []byte) string {
	if len(s.key) == 0 {
		return ""
	}
	return hex.EncodeToString(s.mac(header, parent, metadata, content))
}

func (s Signer) mac(parts ...[]byte) []byte {
	m := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// Verify reports whether sig is the signature of the four parts, comparing in
// constant time.
func (s Signer) Verify(sig, header, parent, metadata, content []byte) error {
	if len(s.key) == 0 {
		if len(sig) != 0 {
			return fmt.Errorf("%w: message signed but the connection has no key", ErrBadSignature)
		}
		return nil
	}
	if len(sig) == 0 {
		return ErrNoSignature
	}
	got := make([]byte, hex.DecodedLen(len(sig)))
	n, err := hex.Decode(got, sig)
	if err != nil {
		return fmt.Errorf("%w: not hex", ErrBadSignature)
	}
	if !hmac.Equal(got[:n], s.mac(header, parent, metadata, content)) {
		return ErrBadSignature
	}
	return nil
}

// Decode splits a multipart ZeroMQ message into a Message, checking its
// signature. Identities are the frames before the delimiter.
func Decode(frames [][]byte, s Signer) (*Message, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], []byte(Delimiter)) {
		i++
	}
	if i == len(frames) {
		return nil, ErrNoDelimiter
	}
	rest := frames[i+1:]
	if len(rest) < 5 {
		return nil, fmt.Errorf("%w: got %d", ErrShortMessage, len(rest))
	}
	sig, header, parent, metadata, content := rest[0], rest[1], rest[2], rest[3], rest[4]
	if err := s.Verify(sig, header, parent, metadata, content); err != nil {
		return nil, err
	}
	m := &Message{Identities: frames[:i], Buffers: rest[5:], signature: string(sig)}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("wire: header: %w", err)
	}
	if m.Header.MsgType == "" {
		return nil, errors.New("wire: header: no msg_type")
	}
	var p Header
	if err := json.Unmarshal(parent, &p); err != nil {
		return nil, fmt.Errorf("wire: parent_header: %w", err)
	}
	if p != (Header{}) {
		m.Parent = &p
	}
	if err := json.Unmarshal(metadata, &m.Metadata); err != nil {
		return nil, fmt.Errorf("wire: metadata: %w", err)
	}
	if !json.Valid(content) || len(bytes.TrimSpace(content)) == 0 || bytes.TrimSpace(content)[0] != '{' {
		return nil, errors.New("wire: content: not a JSON object")
	}
	m.Content = content
	return m, nil
}

// Encode returns the frames of m, signed with s.
func Encode(m *Message, s Signer) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("wire: header: %w", err)
	}
	parent := []byte("{}")
	if m.Parent != nil {
		if parent, err = json.Marshal(m.Parent); err != nil {
			return nil, fmt.Errorf("wire: parent_header: %w", err)
		}
	}
	metadata := []byte("{}")
	if len(m.Metadata) > 0 {
		if metadata, err = json.Marshal(m.Metadata); err != nil {
			return nil, fmt.Errorf("wire: metadata: %w", err)
		}
	}
	content := []byte(m.Content)
	if len(content) == 0 {
		content = []byte("{}")
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, []byte(Delimiter),
		[]byte(s.Sign(header, parent, metadata, content)),
		header, parent, metadata, content)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

// NewMessage returns a message of type msgType answering parent (which may be
// nil), with content marshalled to JSON. The reply goes to parent's
// identities; Sockets fills in the kernel's session id when it is sent.
func NewMessage(msgType string, parent *Message, content any) (*Message, error) {
	raw, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("wire: %s content: %w", msgType, err)
	}
	m := &Message{
		Header: Header{
			MsgID:    NewID(),
			MsgType:  msgType,
			Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z07:00"),
			Version:  ProtocolVersion,
			Username: "kernel",
		},
		Content: raw,
	}
	if parent != nil {
		h := parent.Header
		m.Parent = &h
		m.Identities = parent.Identities
	}
	return m, nil
}

// NewID returns a random message or session id (a UUID v4 string).
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
