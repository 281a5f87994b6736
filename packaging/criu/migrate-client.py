#!/usr/bin/env python3
"""The live-migration demo's client (docs/checkpoint.md "Live migration"): one TCP connection to the echo
server, a counter sent every 50 ms, each echo checked. It never reconnects: any error on the socket ends it
with a failure. It stops when STOP_FILE exists and then reports: the four-tuple, how many counters went out and
came back, whether any was lost or out of order, and the longest wait for an echo (the downtime a client saw).

usage: migrate-client.py HOST PORT STOP_FILE REPORT_FILE READY_FILE
READY_FILE is created once 10 echoes came back: the connection is established and in use before the demo
checkpoints the server.
"""
import socket
import sys
import threading
import time

host, port, stop_file, report_file, ready_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
sock = socket.create_connection((host, port), timeout=60)
sock.settimeout(1.0)  # the receive loop wakes up to see whether the sender has stopped
tuple4 = "%s:%d -> %s:%d" % (sock.getsockname() + sock.getpeername())
sent = 0
errors = []


def sender():
    global sent
    import os
    try:
        while not os.path.exists(stop_file):
            sent += 1
            sock.sendall(b"%d\n" % sent)
            time.sleep(0.05)
    except OSError as e:
        errors.append("send: %s" % e)


t = threading.Thread(target=sender, daemon=True)
t.start()
received = 0
buf = b""
last = time.monotonic()
max_gap = 0.0
bad = None
try:
    while True:
        if not t.is_alive() and received >= sent:
            break
        try:
            data = sock.recv(4096)
        except socket.timeout:
            continue
        if not data:
            errors.append("connection closed by the server")
            break
        now = time.monotonic()
        max_gap = max(max_gap, now - last)
        last = now
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            received += 1
            if received == 10:
                open(ready_file, "w").close()
            if int(line) != received and bad is None:
                bad = "expected %d, got %s" % (received, line.decode())
except OSError as e:
    errors.append("recv: %s" % e)
t.join(timeout=5)
ok = not errors and bad is None and received == sent and sent > 0
with open(report_file, "w") as f:
    f.write("connection %s\nsent %d\nreceived %d\nlongest echo gap %.0f ms\n" % (tuple4, sent, received, max_gap * 1000))
    f.write("result %s%s\n" % ("ok" if ok else "FAILED", "" if ok else ": " + "; ".join(errors + ([bad] if bad else []))))
sys.exit(0 if ok else 1)
