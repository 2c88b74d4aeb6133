"""Debian's jupyter_kernel_test suite against the installed gostream kernel.

Run by kernel/jupyter_test.go with JUPYTER_PATH pointing at a temporary
prefix where `gostream kernel install --prefix` put the kernelspec.
"""

import os
import unittest

import jupyter_kernel_test


class GostreamKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("GOSTREAM_KERNEL_NAME", "gostream")

    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'

    code_stderr = 'import "os"\nfmt.Fprintln(os.Stderr, "to stderr")'

    completion_samples = [
        {"text": "fmt.Print", "matches": {"Print", "Printf", "Println"}},
        {"text": "strings.Fie", "matches": {"Fields", "FieldsFunc"}},
        {"text": "engine.NewStr", "matches": {"NewStreamingContext"}},
    ]

    complete_code_samples = [
        "x := 1",
        'fmt.Println("hi")',
        "func double(x int) int { return 2 * x }",
    ]
    incomplete_code_samples = [
        "func f() int {",
        "for i := 0; i < 3; i++ {",
        "xs := []int{1,",
        'fmt.Println("a"',
    ]
    invalid_code_samples = ["x := )", "}", "a b c"]

    code_generate_error = 'panic("boom")'

    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": "engine.KV(\"go\", 1)", "result": "(go,1)"},
        {"code": "len(\"gostream\")", "result": "8"},
    ]

    code_display_data = [
        {"code": 'display.HTML("<b>bold</b>")', "mime": "text/html"},
        {"code": 'display.Markdown("# Title")', "mime": "text/markdown"},
        {"code": 'display.Text("plain")', "mime": "text/plain"},
    ]

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6?7"

    code_inspect_sample = "fmt.Println"

    code_clear_output = "display.Clear(false)"


if __name__ == "__main__":
    unittest.main(verbosity=2)
