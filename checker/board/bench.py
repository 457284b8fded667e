#!/usr/bin/env python3
"""The board under a room: N attendees each sharing a check every second.

Usage (from the course folder, after `cargo build -p checker-board`):
    python3 checker/board/bench.py [ATTENDEES] [SECONDS]

Starts target/debug/checker-board on 127.0.0.1 with a scratch journal,
runs ATTENDEES threads (default 100) that each POST a real-sized share/v1
document every second (alternating two verdicts, so every post changes the
room and is journalled), one event-stream viewer, and one probe that
shares a fresh name every second and times how long until the viewer's
stream shows it (the update latency a browser sees). Prints the board's
CPU (user+sys, from /proc) and peak memory (VmHWM). Linux only.
"""
import json, os, socket, subprocess, sys, tempfile, threading, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100
SECONDS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
CODE = "BENCH1"
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
binary = os.path.join(root, "target", "debug", "checker-board")

def doc(name, status):
    tasks = [{"task": t, "status": status if t == 1 else "not_started", "earned": 0,
              "tests": [{"name": f"test_{t}_{k}", "status": status if t == 1 else "not_started",
                         "message": "the receiver waited forever: is a Sender still alive? " * 2}
                        for k in range(3)]} for t in (1, 2, 3, 4)]
    return json.dumps({"schema": "tokio-channels-course/share/v1", "code": CODE, "name": name,
                       "exercises": [{"exercise": "01-bounded-send", "compile_error": None,
                                      "tasks": tasks}]}).encode()

def post(addr, body):
    s = socket.create_connection(addr, timeout=5)
    s.sendall(b"POST /share HTTP/1.1\r\nHost: b\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    answer = b""
    while chunk := s.recv(4096):
        answer += chunk
    s.close()
    return int(answer.split()[1])

with tempfile.TemporaryDirectory() as scratch:
    board = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--code", CODE, "--dir", scratch],
                             stdout=subprocess.PIPE, text=True)
    line = board.stdout.readline()
    host, port = line.split("listening on ")[1].split(" ")[0].rsplit(":", 1)
    addr = (host, int(port))
    stop = time.time() + SECONDS
    statuses, seen = {}, {}
    lock = threading.Lock()

    def attendee(i):
        docs = [doc(f"attendee {i:03}", "fail"), doc(f"attendee {i:03}", "deadlock")]
        k = 0
        time.sleep(i / N)  # spread over the second, as a room would be
        while time.time() < stop:
            started = time.time()
            try:
                code = post(addr, docs[k % 2])
            except OSError:
                code = 0
            with lock:
                statuses[code] = statuses.get(code, 0) + 1
            k += 1
            time.sleep(max(0.0, 1.0 - (time.time() - started)))

    def viewer():
        s = socket.create_connection(addr)
        s.sendall(f"GET /events?code={CODE} HTTP/1.1\r\nHost: b\r\n\r\n".encode())
        buf = b""
        while time.time() < stop + 2:
            s.settimeout(1)
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                return
            buf += chunk
            now = time.time()
            while b"\n\n" in buf:
                event, buf = buf.split(b"\n\n", 1)
                for probe in [p for p in list(seen) if seen[p][1] is None]:
                    if probe.encode() in event:
                        seen[probe][1] = now

    threads = [threading.Thread(target=attendee, args=(i,)) for i in range(N)]
    v = threading.Thread(target=viewer)
    v.start()
    for t in threads:
        t.start()
    k = 0
    while time.time() < stop - 1:
        name = f"probe {k}"
        seen[name] = [time.time(), None]
        post(addr, doc(name, "fail"))
        k += 1
        time.sleep(1)
    for t in threads:
        t.join()
    v.join()
    ticks = os.sysconf("SC_CLK_TCK")
    stat = open(f"/proc/{board.pid}/stat").read().split(")")[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / ticks
    hwm = [l for l in open(f"/proc/{board.pid}/status") if l.startswith("VmHWM")][0].split()[1]
    board.terminate()
    board.wait()
    lat = sorted((b - a) * 1000 for a, b in seen.values() if b is not None)
    total = sum(statuses.values())
    print(f"attendees: {N}, seconds: {SECONDS}, posts: {total}, answers: {dict(sorted(statuses.items()))}")
    print(f"board CPU: {cpu:.2f} s over {SECONDS} s ({100 * cpu / SECONDS:.1f}% of one core); "
          f"peak memory (VmHWM): {int(hwm) // 1024} MiB")
    if lat:
        print(f"update latency (post to event stream), {len(lat)} probes: "
              f"median {lat[len(lat) // 2]:.0f} ms, max {lat[-1]:.0f} ms; "
              f"{len(seen) - len(lat)} never seen")
