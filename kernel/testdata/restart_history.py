"""Restarts the installed gostream kernel with jupyter_client and checks that
history survives the restart while variables do not.

Run by kernel/jupyter_test.go; prints OK and exits 0 when every check holds.
"""

import sys

from jupyter_client.manager import start_new_kernel

TIMEOUT = 60


def execute(kc, code):
    reply = kc.execute_interactive(code, timeout=TIMEOUT, output_hook=lambda msg: None)
    return reply["content"]


def main():
    km, kc = start_new_kernel(kernel_name="gostream")
    try:
        first = execute(kc, "before := 6*7\nbefore")
        assert first["status"] == "ok", first
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=TIMEOUT)
        gone = execute(kc, "before")
        assert gone["status"] == "error", "a variable survived the restart: %r" % gone
        kc.history(hist_access_type="tail", n=10, output=False, raw=True)
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        history = reply["content"]["history"]
        inputs = [(s, line, code) for s, line, code in history]
        earlier = [h for h in inputs if h[2] == "before := 6*7\nbefore"]
        assert earlier, "the cell run before the restart is not in the history: %r" % inputs
        restarted = [h for h in inputs if h[2] == "before"]
        assert restarted and restarted[-1][0] == earlier[-1][0] + 1, (
            "the restarted kernel's session number does not follow the first: %r" % inputs
        )
        assert restarted[-1][1] == 1, "execution count did not restart at 1: %r" % inputs
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    print("OK")


if __name__ == "__main__":
    sys.exit(main())
