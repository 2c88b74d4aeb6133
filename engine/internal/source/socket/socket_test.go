package socket

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/gostream/gostream/engine/internal/source/file"
)

func TestScanLines(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		max     int
		want    []string
		tooLong []int
	}{
		{"empty", "", 10, nil, nil},
		{"lf and crlf", "a\r\nb\n\nc", 10, []string{"a", "b", "", "c"}, nil},
		{"bare cr kept inside", "a\rb\n", 10, []string{"a\rb"}, nil},
		{"exact limit", "0123456789\n0123456789\r\n", 10, []string{"0123456789", "0123456789"}, nil},
		{"over limit", "01234567890\nok\n", 10, []string{"ok"}, []int{12}},
		{"over limit with cr", "01234567890\r\nok\n", 10, []string{"ok"}, []int{13}},
		{"over limit at eof", "ok\n01234567890", 10, []string{"ok"}, []int{11}},
		{"invalid utf8", "a\xffb\n", 10, []string{"a\uFFFDb"}, nil},
		{"long across buffers", strings.Repeat("z", 70_000) + "\nend\n", 65_535, []string{"end"}, []int{70_001}},
		{"long line kept", strings.Repeat("z", 70_000) + "\n", 70_000, []string{strings.Repeat("z", 70_000)}, nil},
	}
	for _, tc := range tests {
		for _, oneByte := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/onebyte=%v", tc.name, oneByte), func(t *testing.T) {
				var rd io.Reader = strings.NewReader(tc.in)
				if oneByte {
					rd = iotest.OneByteReader(rd)
				}
				var got []string
				var tooLong []int
				err := ScanLines(rd, tc.max, func(s string) error { got = append(got, s); return nil }, func(n int) { tooLong = append(tooLong, n) }, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(tooLong, tc.tooLong) {
					t.Errorf("got %q, too long %v; want %q, %v", got, tooLong, tc.want, tc.tooLong)
				}
			})
		}
	}
}

func FuzzScanLines(f *testing.F) {
	f.Add("a\nb\r\n\nc", 4)
	f.Add("\r\r\n\xff\n", 1)
	f.Fuzz(func(t *testing.T, in string, max int) {
		if max <= 0 || max > 1<<16 {
			return
		}
		var got []string
		skipped := 0
		err := ScanLines(strings.NewReader(in), max, func(s string) error { got = append(got, s); return nil }, func(int) { skipped++ }, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Reference: split on \n, drop one trailing \r, keep lines within max.
		var want []string
		wantSkipped := 0
		parts := strings.Split(in, "\n")
		if parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
		for i, p := range parts {
			if i < len(parts)-1 || strings.HasSuffix(in, "\n") {
				p = strings.TrimSuffix(p, "\r")
			}
			if len(p) > max {
				wantSkipped++
				continue
			}
			want = append(want, file.LineString([]byte(p)))
		}
		if !reflect.DeepEqual(got, want) || skipped != wantSkipped {
			t.Fatalf("got %q (%d skipped), want %q (%d skipped)", got, skipped, want, wantSkipped)
		}
	})
}
