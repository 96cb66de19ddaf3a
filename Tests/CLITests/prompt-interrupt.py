#!/usr/bin/env python3
"""Runs otpbridge on a pseudo-terminal until it asks for a password, presses Ctrl-C, and checks
that the terminal has its echo back (EdgeCLITests.ctrlCAtAPasswordPromptRestoresEcho).

Usage: [PROMPT_SIGNAL=QUIT] prompt-interrupt.py BINARY ARGS...; prints "echo restored" and exits 0
when it is. PROMPT_SIGNAL sends that signal with kill instead of pressing Ctrl-C."""
import os
import pty
import select
import signal
import sys
import termios
import time

pid, master = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])

# The child's side of the terminal, opened again here to read its settings after the child ends.
seen = b""
deadline = time.time() + 30
while b"password" not in seen.lower():
    if time.time() > deadline:
        sys.exit(f"no prompt within 30 s; saw {seen!r}")
    ready, _, _ = select.select([master], [], [], 1)
    if ready:
        seen += os.read(master, 1024)
time.sleep(0.3)
slave = os.open(os.readlink(f"/proc/{pid}/fd/0"), os.O_RDWR | os.O_NOCTTY)
echo_during = termios.tcgetattr(slave)[3] & termios.ECHO
expected = getattr(signal, "SIG" + os.environ.get("PROMPT_SIGNAL", "INT"))
if expected == signal.SIGINT:
    os.write(master, b"\x03")  # Ctrl-C: the line discipline sends SIGINT to the foreground group
else:
    os.kill(pid, expected)
_, status = os.waitpid(pid, 0)
echo_after = termios.tcgetattr(slave)[3] & termios.ECHO
if echo_during:
    sys.exit("echo was on at the prompt: the test cannot tell anything")
if not os.WIFSIGNALED(status) or os.WTERMSIG(status) != expected:
    sys.exit(f"otpbridge did not end by signal {expected}: status {status}")
if not echo_after:
    sys.exit("echo is still off after Ctrl-C")
print("echo restored")
