package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func signedFrames(t testing.TB, s Signer, ids [][]byte, header, parent, metadata, content string) [][]byte {
	t.Helper()
	frames := append([][]byte{}, ids...)
	return append(frames, []byte(Delimiter),
		[]byte(s.Sign([]byte(header), []byte(parent), []byte(metadata), []byte(content))),
		[]byte(header), []byte(parent), []byte(metadata), []byte(content))
}

const testHeader = `{"msg_id":"m1","session":"s1","username":"u","date":"2026-01-01T00:00:00Z","msg_type":"execute_request","version":"5.3"}`

func TestDecode(t *testing.T) {
	key := NewSigner("secret")
	good := signedFrames(t, key, [][]byte{[]byte("client")}, testHeader, `{}`, `{}`, `{"code":"1+1"}`)
	tampered := signedFrames(t, key, nil, testHeader, `{}`, `{}`, `{"code":"1+1"}`)
	tampered[5] = []byte(`{"code":"os.Exit(1)"}`)
	forged := signedFrames(t, NewSigner("guess"), nil, testHeader, `{}`, `{}`, `{"code":"1+1"}`)
	unsigned := signedFrames(t, Signer{}, nil, testHeader, `{}`, `{}`, `{}`)
	notHex := signedFrames(t, key, nil, testHeader, `{}`, `{}`, `{}`)
	notHex[1] = []byte("zz")
	for _, tc := range []struct {
		name   string
		frames [][]byte
		signer Signer
		want   error
	}{
		{"good", good, key, nil},
		{"no delimiter", [][]byte{[]byte("a"), []byte("b")}, key, ErrNoDelimiter},
		{"short", [][]byte{[]byte(Delimiter), []byte("sig"), []byte(testHeader)}, key, ErrShortMessage},
		{"tampered content", tampered, key, ErrBadSignature},
		{"forged with another key", forged, key, ErrBadSignature},
		{"missing signature", unsigned, key, ErrNoSignature},
		{"signature not hex", notHex, key, ErrBadSignature},
		{"signed but no key", good, Signer{}, ErrBadSignature},
		{"no key, no signature", unsigned, Signer{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(tc.frames, tc.signer)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode: got error %v, want %v", err, tc.want)
			}
			if err != nil {
				return
			}
			if m.Header.MsgType != "execute_request" || m.Header.MsgID != "m1" {
				t.Errorf("header: got %+v", m.Header)
			}
		})
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	s := NewSigner("k")
	parent := &Message{Identities: [][]byte{[]byte("id1"), []byte("id2")}, Header: Header{MsgID: "p", MsgType: "execute_request", Session: "cs"}}
	m, err := NewMessage("execute_reply", parent, map[string]any{"status": "ok", "execution_count": 3})
	if err != nil {
		t.Fatal(err)
	}
	m.Buffers = [][]byte{[]byte("raw")}
	frames, err := Encode(m, s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(frames[0], []byte("id1")) || !bytes.Equal(frames[2], []byte(Delimiter)) {
		t.Fatalf("identities not first: %q", frames[:3])
	}
	got, err := Decode(frames, s)
	if err != nil {
		t.Fatalf("Decode(Encode(m)): %v", err)
	}
	if got.Header != m.Header || got.Parent == nil || *got.Parent != parent.Header {
		t.Errorf("headers: got %+v / %+v, want %+v / %+v", got.Header, got.Parent, m.Header, parent.Header)
	}
	var c struct {
		Status string `json:"status"`
		Count  int    `json:"execution_count"`
	}
	if err := json.Unmarshal(got.Content, &c); err != nil || c.Status != "ok" || c.Count != 3 {
		t.Errorf("content: got %s (%v)", got.Content, err)
	}
	if len(got.Buffers) != 1 || string(got.Buffers[0]) != "raw" {
		t.Errorf("buffers: got %q", got.Buffers)
	}
	if _, err := Decode(frames, NewSigner("other")); !errors.Is(err, ErrBadSignature) {
		t.Errorf("Decode with the wrong key: got %v, want ErrBadSignature", err)
	}
}

func FuzzDecode(f *testing.F) {
	s := NewSigner("fuzz")
	join := func(frames [][]byte) []byte { return bytes.Join(frames, []byte{0}) }
	f.Add(join(signedFrames(f, s, [][]byte{[]byte("id")}, testHeader, `{}`, `{}`, `{"code":"x"}`)))
	f.Add(join(signedFrames(f, s, nil, `{"msg_type":"x"}`, `{"msg_id":"p"}`, `{"a":1}`, `{}`)))
	f.Add([]byte(Delimiter))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Frames are separated by NUL bytes so the fuzzer can vary their number.
		frames := bytes.Split(data, []byte{0})
		for _, signer := range []Signer{s, {}} {
			m, err := Decode(frames, signer)
			if err != nil {
				if m != nil {
					t.Fatalf("Decode returned a message with error %v", err)
				}
				continue
			}
			// A message that decodes re-encodes to one that decodes the same.
			again, err := Encode(m, signer)
			if err != nil {
				t.Fatalf("Encode of a decoded message: %v", err)
			}
			m2, err := Decode(again, signer)
			if err != nil {
				t.Fatalf("Decode(Encode(Decode(x))): %v", err)
			}
			if m2.Header != m.Header || !bytes.Equal(m2.Content, m.Content) {
				t.Fatalf("round trip changed the message: %+v vs %+v", m2.Header, m.Header)
			}
		}
	})
}
