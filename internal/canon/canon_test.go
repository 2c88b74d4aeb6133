package canon

import (
	"reflect"
	"testing"
)

type pair struct{ Key, Value any }

func TestStrWithOne(t *testing.T) {
	if got := StrWithOne[pair]("w"); got != (pair{"w", 1}) {
		t.Errorf("StrWithOne(w) = %v, want {w 1}", got)
	}
	f, g := StrWithOne[pair], StrWithOne[pair]
	if reflect.ValueOf(f).Pointer() != reflect.ValueOf(g).Pointer() {
		t.Errorf("two values of StrWithOne[pair] are different functions")
	}
}
