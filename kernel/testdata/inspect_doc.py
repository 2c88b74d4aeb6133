"""Inspects gostream names with jupyter_client (as Shift-Tab does) and checks
that the reply shows the doc comment under the signature.

Run by kernel/inspect_test.go; prints OK and exits 0 when every check holds.
"""

import sys

from jupyter_client.manager import start_new_kernel

TIMEOUT = 60


def execute(kc, code):
    reply = kc.execute_interactive(code, timeout=TIMEOUT, output_hook=lambda msg: None)
    assert reply["content"]["status"] == "ok", (code, reply["content"])


def inspect(kc, code, detail_level):
    kc.inspect(code, cursor_pos=len(code), detail_level=detail_level)
    reply = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert reply["status"] == "ok" and reply["found"], (code, reply)
    return reply["data"]["text/plain"]


def main():
    km, kc = start_new_kernel(kernel_name="gostream")
    try:
        execute(kc, 'ssc := engine.NewStreamingContext("local[2]", "inspect", time.Second)\n'
                    "lines := ssc.QueueStream(engine.NewQueue(), true)")
        for level in (0, 1):
            text = inspect(kc, "words := lines.FlatMap(", level)
            want = ("lines.FlatMap func(interface {}) *engine.DStream\n"
                    "    FlatMap applies f, a func(T) []U, and flattens the results.")
            assert text == want, "inspect lines.FlatMap (detail_level %d): %r" % (level, text)
            text = inspect(kc, "engine.NewStreamingContext", level)
            assert text.startswith("func engine.NewStreamingContext(") and \
                "\n    NewStreamingContext returns a context running on master" in text, text
            text = inspect(kc, "strings.Fields", level)
            assert text == "func strings.Fields(string) []string", text
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    print("OK")


if __name__ == "__main__":
    sys.exit(main())
