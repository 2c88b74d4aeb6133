package checkpoint

import (
	"encoding/binary"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestUnframe(t *testing.T) {
	good := Frame(KindMeta, []byte(`{}`))
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := []struct {
		name string
		data []byte
		kind byte
		want string // "" for the payload back
	}{
		{name: "good", data: good, kind: KindMeta},
		{name: "empty", data: nil, kind: KindMeta, want: "empty file"},
		{name: "magic", data: []byte("GSCX0000000000000000"), kind: KindMeta, want: "not a gostream checkpoint file (bad magic number)"},
		{name: "short header", data: good[:10], kind: KindMeta, want: "truncated: 10 bytes, shorter than the 15-byte header"},
		{name: "version", data: edit(func(b []byte) []byte { binary.BigEndian.PutUint16(b[4:], 9); return b }), kind: KindMeta,
			want: "format version 9, this gostream reads versions 1 to 2"},
		{name: "kind", data: good, kind: KindState, want: "a metadata checkpoint file where a state checkpoint file was expected"},
		{name: "cut", data: good[:len(good)-1], kind: KindMeta, want: "truncated: the header announces 2 payload bytes"},
		{name: "trailing", data: append(append([]byte(nil), good...), 0), kind: KindMeta, want: "corrupt: 1 unexpected bytes after the checksum"},
		{name: "bit", data: edit(func(b []byte) []byte { b[HeaderLen] ^= 1; return b }), kind: KindMeta, want: "corrupt: checksum mismatch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Unframe(tc.kind, tc.data)
			switch {
			case tc.want == "" && (err != nil || string(p) != "{}"):
				t.Errorf("got %q %v, want the payload", p, err)
			case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestMetaRoundTrip(t *testing.T) {
	m := &Meta{App: "a", Master: "local[2]", BatchMS: 100, Graph: []string{"in", "st"}, Zero: 100, Completed: 400, Pending: []int64{500, 600},
		Inputs: []Input{{Stream: 0, Op: "RateStream", Position: []byte{1}, Batches: []Batch{{Time: 500, Records: 3, Data: []byte{2}}}}},
		States: []StateRef{{Stream: 1, Time: 300, File: "state-1-300", Deltas: []string{"state-1-400.delta"}}}}
	data, err := EncodeMeta(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeMeta(data)
	if err != nil || !reflect.DeepEqual(got, m) {
		t.Fatalf("got %+v %v, want %+v", got, err, m)
	}
	if rt := got.ResumeTime(); rt != 700 {
		t.Errorf("ResumeTime %d, want 700", rt)
	}
	bad := *m
	bad.States = []StateRef{{Stream: 1, File: "../x"}}
	data, _ = EncodeMeta(&bad)
	if _, err := DecodeMeta(data); err == nil || err.Error() != `corrupt metadata: state file name "../x"` {
		t.Errorf("got %v, want the bad state file name", err)
	}
	bad = *m
	bad.Pending = []int64{600, 500}
	data, _ = EncodeMeta(&bad)
	if _, err := DecodeMeta(data); err == nil || err.Error() != "corrupt metadata: pending batch times [600 ms 500 ms] are not increasing batch times" {
		t.Errorf("got %v, want the pending times named", err)
	}
}

// FuzzDecode: decoding any bytes as metadata or state returns an error or
// a value that encodes again, and never panics.
func FuzzDecode(f *testing.F) {
	meta, _ := EncodeMeta(&Meta{BatchMS: 100, Graph: []string{"a"}, Inputs: []Input{{Stream: 0}}})
	f.Add(meta)
	parts, _ := EncodeParts("op", [][]any{{"a=1"}}, encodeJSON)
	payload, _ := json.Marshal(&State{Stream: 0, Op: "op", Time: 100, Parts: parts})
	f.Add(Frame(KindState, payload))
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := DecodeMeta(data); err == nil {
			if _, err := EncodeMeta(m); err != nil {
				t.Errorf("decoded metadata does not encode: %v", err)
			}
		}
		DecodeState(data, decodeJSON)
		DecodeMeta(Frame(KindMeta, data))
		DecodeState(Frame(KindState, data), decodeJSON)
	})
}
