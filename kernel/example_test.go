package kernel_test

import (
	"encoding/json"
	"fmt"

	"github.com/gostream/gostream/kernel"
)

// The kernelspec that `gostream kernel install` writes as kernel.json.
func ExampleNewSpec() {
	spec, _ := json.MarshalIndent(kernel.NewSpec("/usr/local/bin/gostream"), "", "  ")
	fmt.Println(string(spec))
	// Output:
	// {
	//   "argv": [
	//     "/usr/local/bin/gostream",
	//     "kernel",
	//     "--connection-file",
	//     "{connection_file}"
	//   ],
	//   "display_name": "Go (gostream)",
	//   "language": "go",
	//   "interrupt_mode": "message",
	//   "metadata": {}
	// }
}
