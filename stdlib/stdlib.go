package stdlib

import "reflect"

// Symbols are the exported symbols of the gostream packages user code can
// import, for interp.Use, beside yaegi's own stdlib.Symbols.
var Symbols = map[string]map[string]reflect.Value{}

//go:generate go tool yaegi extract -name stdlib github.com/gostream/gostream/engine
//go:generate go tool yaegi extract -name stdlib github.com/gostream/gostream/kernel/display
//go:generate go run ./internal/docgen -o doccomments.go github.com/gostream/gostream/engine github.com/gostream/gostream/kernel/display
