"""Runs a command with stderr on a pseudo-terminal and prints what the
terminal got, one line per terminal line: the text left after the last '\\r'
and how many times the line was drawn.

usage: run_on_tty.py COMMAND [ARGS...]
"""
import os
import pty
import subprocess
import sys

master, slave = pty.openpty()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL,
                           stderr=slave)
os.close(slave)
output = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: the other side is closed
        break
    if not chunk:
        break
    output += chunk
status = process.wait()
# The terminal turns "\n" into "\r\n".
text = output.decode().replace("\r\n", "\n")
for line in text.split("\n")[:-1]:
    draws = line.split("\r")
    shown = draws[-1].rstrip(" ")
    print("[%d] %s" % (len(draws) - (1 if line.startswith("\r") else 0),
                       shown))
print("exit %d" % status)
