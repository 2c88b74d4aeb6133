package shuffle

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// zipfWords returns n words drawn Zipf(1.1) from a vocabulary of v words
// of 3 to 24 letters, as the benchmark corpus has them.
func zipfWords(n, v int) []string {
	r := rand.New(rand.NewSource(1))
	vocab := make([]string, v)
	for i := range vocab {
		var b strings.Builder
		for range 3 + r.Intn(8) + r.Intn(2)*r.Intn(14) {
			b.WriteByte(byte('a' + r.Intn(26)))
		}
		vocab[i] = fmt.Sprintf("%s%d", b.String(), i%10)
	}
	z := rand.NewZipf(r, 1.1, 1, uint64(v-1))
	words := make([]string, n)
	for i := range words {
		words[i] = vocab[z.Uint64()]
	}
	return words
}

func TestStrIndex(t *testing.T) {
	words := zipfWords(200000, 50000)
	var x StrIndex
	var keys []string
	want := map[string]int32{}
	for _, w := range words {
		k := StrHash(w)
		i, found := x.GetOrPut(&k, keys, int32(len(keys)))
		j, ok := want[w]
		if found != ok {
			t.Fatalf("%q: found %v, want %v", w, found, ok)
		}
		if !found {
			keys = append(keys, w)
			want[w] = i
			continue
		}
		if i != j {
			t.Fatalf("%q: slot %d, want %d", w, i, j)
		}
	}
	if x.Len() != len(want) {
		t.Fatalf("Len %d, want %d", x.Len(), len(want))
	}
	for w, j := range want {
		k := StrHash(w)
		if i, ok := x.Get(&k, keys); !ok || i != j {
			t.Fatalf("Get %q: %d %v, want %d", w, i, ok, j)
		}
		// A key differing only past the 16 bytes kept in the entry, or
		// only in length, is another key.
		for _, other := range []string{w + "x", w[:len(w)-1], w + strings.Repeat("y", 20)} {
			if _, isKey := want[other]; isKey {
				continue
			}
			k := StrHash(other)
			if _, ok := x.Get(&k, keys); ok {
				t.Fatalf("Get %q found a slot; it is not a key", other)
			}
		}
	}
	for _, w := range []string{"", "a", strings.Repeat("z", 16), strings.Repeat("z", 17), strings.Repeat("z", 300), strings.Repeat("z", 301)} {
		k := StrHash(w)
		if _, found := x.GetOrPut(&k, keys, int32(len(keys))); found {
			t.Fatalf("%q found before it was put", w)
		}
		keys = append(keys, w)
		if i, ok := x.Get(&k, keys); !ok || keys[i] != w {
			t.Fatalf("%q not found after put", w)
		}
	}
	if h := StrHash("some key").H; h != Hash[struct{ Key, Value any }, int64]("some key") {
		t.Fatalf("StrHash %x differs from Hash", h)
	}
}

func BenchmarkStrIndex(b *testing.B) {
	for _, vocab := range []int{2000, 100000} {
		b.Run(fmt.Sprintf("vocab=%d", vocab), func(b *testing.B) { benchStrIndex(b, zipfWords(800000, vocab)) })
	}
}

func benchStrIndex(b *testing.B, words []string) {
	b.Run("map", func(b *testing.B) {
		for range b.N {
			m := map[string]int32{}
			var counts []int
			for _, w := range words {
				_ = fnv(w)
				if i, ok := m[w]; ok {
					counts[i]++
					continue
				}
				m[w] = int32(len(counts))
				counts = append(counts, 1)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(words)), "ns/word")
	})
	b.Run("StrIndex", func(b *testing.B) {
		for range b.N {
			var x StrIndex
			var keys []string
			var counts []int
			for _, w := range words {
				k := StrHash(w)
				i, found := x.GetOrPut(&k, keys, int32(len(keys)))
				if found {
					counts[i]++
					continue
				}
				keys = append(keys, w)
				counts = append(counts, 1)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(words)), "ns/word")
	})
}
