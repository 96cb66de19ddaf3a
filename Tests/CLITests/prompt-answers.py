#!/usr/bin/env python3
"""Runs otpbridge on a pseudo-terminal and types an answer at each password prompt, the way a
person would (JourneyCLITests). The answers come one a line from standard input; everything the
terminal showed is printed, then "exit N".

Usage: prompt-answers.py BINARY ARGS... < answers"""
import os
import pty
import select
import sys
import time

answers = sys.stdin.read().splitlines()
pid, master = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])

shown = b""
pending = b""
deadline = time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([master], [], [], 0.5)
    if not ready:
        continue
    try:
        chunk = os.read(master, 4096)
    except OSError:  # the child closed the terminal
        break
    if not chunk:
        break
    shown += chunk
    pending += chunk
    # A prompt ends with ": " and no line break after it.
    if pending.rstrip(b" ").endswith(b":") and b"assword" in pending.splitlines()[-1] and answers:
        time.sleep(0.1)
        os.write(master, answers.pop(0).encode() + b"\n")
        pending = b""
_, status = os.waitpid(pid, 0)
sys.stdout.write(shown.decode(errors="replace").replace("\r\n", "\n"))
print(f"exit {os.waitstatus_to_exitcode(status)}")
