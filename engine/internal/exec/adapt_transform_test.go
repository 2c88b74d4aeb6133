package exec

import "testing"

func TestTransformShapes(t *testing.T) {
	type rdd struct{ n int }
	inc := func(r *rdd) *rdd { return &rdd{r.n + 1} }
	at := func(r *rdd, t int64) *rdd { return &rdd{r.n + int(t)} }
	if g, ok := Transform[*rdd, int64](inc); !ok || g(&rdd{1}, 5).n != 2 {
		t.Error("Transform of a func(R) R")
	}
	if g, ok := Transform[*rdd, int64](at); !ok || g(&rdd{1}, 5).n != 6 {
		t.Error("Transform of a func(R, T) R")
	}
	if _, ok := Transform[*rdd, int64](func(int) int { return 0 }); ok {
		t.Error("Transform took a func(int) int")
	}
	add := func(a, b *rdd) *rdd { return &rdd{a.n + b.n} }
	if g, ok := Transform2[*rdd, int64](add); !ok || g(&rdd{1}, &rdd{2}, 5).n != 3 {
		t.Error("Transform2 of a func(R, R) R")
	}
	if g, ok := Transform2[*rdd, int64](func(a, b *rdd, t int64) *rdd { return &rdd{int(t)} }); !ok || g(nil, nil, 5).n != 5 {
		t.Error("Transform2 of a func(R, R, T) R")
	}
	if _, ok := Transform2[*rdd, int64](inc); ok {
		t.Error("Transform2 took a func(R) R")
	}
	var seen int64
	if g, ok := Foreach[*rdd, int64](func(r *rdd) { seen = int64(r.n) }); !ok {
		t.Error("Foreach of a func(R)")
	} else if g(&rdd{7}, 1); seen != 7 {
		t.Error("Foreach's func(R) not called")
	}
	if g, ok := Foreach[*rdd, int64](func(_ *rdd, t int64) { seen = t }); !ok {
		t.Error("Foreach of a func(R, T)")
	} else if g(nil, 9); seen != 9 {
		t.Error("Foreach's func(R, T) not called")
	}
	if _, ok := Foreach[*rdd, int64](inc); ok {
		t.Error("Foreach took a func(R) R")
	}
}
