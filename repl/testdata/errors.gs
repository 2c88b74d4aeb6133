// Errors name the line and column of the input; the session lives on.
a := 1
a + nosuch
func broken() {
	undefinedCall()
}
var m map[string]int
m["boom"] = 1
for x := range func(yield func(int) bool) { yield(1) } { _ = x }
engine.NewStreamingContext("nowhere", "app", engine.Seconds(1))
:nosuchcommand
// Still alive, with every variable kept:
a
