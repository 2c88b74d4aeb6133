// Values of expressions are shown; statements show nothing.
x := 20
x + 22
greeting := "hello, " + "streams"
strings.ToUpper(greeting)

// A function over several lines, then redefined.
func double(n int) int {
	return n * 2
}
double(x)
func double(n int) int { return n * 3 }
double(x)

// Imports, types and statements mixed in one input.
import "unicode"; type Word struct{ Text string }; w := Word{"Go"}; unicode.IsUpper(rune(w.Text[0]))

// Interpreted String methods are honoured.
type Temp struct{ C float64 }
func (t Temp) String() string { return strconv.FormatFloat(t.C, 'f', 1, 64) + "°C" }
Temp{21.5}
engine.KV("kitchen", Temp{19})
fmt.Println("printed", Temp{3})
:type double
:doc strings.Fields
:doc engine.DStream.Map
:doc engine.Pair
poem := `two
lines`
len(strings.Split(poem, "\n"))
words := []string{"b", "a"}; sort.Strings(words); words
m := map[string]int{"x": 1}
m["x"]
_, ok := m["y"]
ok
