"""The two consoles of bench/alarms_load.py, each in a process of its own (so that the sender's
threads do not delay their reading): the operator's event stream and the supervisor's wallboard."""

import http.client
import json
import tempfile
import time
from pathlib import Path


def wallboard_main(port, session, interval, out_path, stop_path):
    """The second console: the supervisor's wallboard, its figures fetched every `interval` seconds
    (the page itself refreshes every 5 s) until `stop_path` exists; a line per fetch: status, ms."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    with open(out_path, "w") as out:
        while not Path(stop_path).exists():
            t = time.perf_counter()
            try:
                conn.request("GET", "/alarms/wallboard/figures/", headers={"Cookie": f"sessionid={session}"})
                r = conn.getresponse()
                r.read()
                status = r.status
            except OSError:
                status = 0
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            out.write(f"{status} {(time.perf_counter() - t) * 1000:.2f}\n")
            out.flush()
            time.sleep(interval)


class Wallboard:
    def __init__(self, port, session, interval):
        import multiprocessing

        with tempfile.NamedTemporaryFile(prefix="cc-bench-wallboard-", delete=False) as f:
            self.path = f.name
        self.stop_path = self.path + ".stop"
        self.process = multiprocessing.get_context("spawn").Process(
            target=wallboard_main, args=(port, session, interval, self.path, self.stop_path), daemon=True
        )
        self.process.start()

    def stop(self) -> list[tuple[int, float]]:
        Path(self.stop_path).touch()
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
        rows = []
        for line in Path(self.path).read_text().splitlines():
            status, ms = line.split()
            rows.append((int(status), float(ms)))
        Path(self.path).unlink(missing_ok=True)
        Path(self.stop_path).unlink(missing_ok=True)
        return rows


def console_main(port, session, out_path):
    """An operator console in a process of its own (so that the sender's threads do not delay its
    reading): one SSE connection; writes a line per alarm event as it arrives."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(
        "GET", "/alarms/stream/", headers={"Accept": "text/event-stream", "Cookie": f"sessionid={session}"}
    )
    response = conn.getresponse()
    with open(out_path, "w") as out:
        if response.status != 200:
            out.write(f"error {response.status}\n")
            return
        connected = False
        for raw in response:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: hello"):
                connected = True
                out.write("hello\n")
                out.flush()
            elif line.startswith("data: ") and connected:
                now = time.time()
                event = json.loads(line[6:])
                alarm = event.get("alarm")
                if alarm:
                    out.write(json.dumps([alarm["event_id"], now, alarm["received"], event["sent"]]) + "\n")
                elif event.get("type") == "ring":
                    out.write(json.dumps(["ring", event["id"], event["stage"]]) + "\n")
                out.flush()  # every line at once: the bench reads this file while the console runs


class Console:
    """The console process and what it has written: event id → (received by the console, stored
    at, published at), on the same clock (one machine)."""

    def __init__(self, port, session):
        import multiprocessing

        with tempfile.NamedTemporaryFile(prefix="cc-bench-console-", delete=False) as f:
            self.path = f.name
        self.process = multiprocessing.get_context("spawn").Process(
            target=console_main, args=(port, session, self.path), daemon=True
        )
        self.process.start()

    def lines(self) -> list[str]:
        return Path(self.path).read_text().splitlines()

    def wait_connected(self, timeout) -> bool:
        end = time.time() + timeout
        while time.time() < end:
            lines = self.lines()
            if lines and lines[0].startswith("error"):
                raise SystemExit(f"console stream answered {lines[0]}")
            if "hello" in lines:
                return True
            time.sleep(0.05)
        return False

    def received(self) -> dict[str, tuple[float, float, float]]:
        out = {}
        for event_id, at, stored, published in self._alarm_lines():
            out.setdefault(event_id, (at, stored, published))
        return out

    def _alarm_lines(self):
        for line in self.lines():
            if line.startswith("["):
                try:
                    row = json.loads(line)
                except ValueError:  # a line being written
                    continue
                if row[0] != "ring":
                    yield row

    def shown_twice(self) -> int:
        """Alarm events the console received more than once (each alarm is published once)."""
        seen: dict[str, int] = {}
        for row in self._alarm_lines():
            seen[row[0]] = seen.get(row[0], 0) + 1
        return sum(n - 1 for n in seen.values())

    def rings(self) -> int:
        return sum(1 for line in self.lines() if line.startswith('["ring"'))

    def stop(self):
        self.process.terminate()
        self.process.join(5)
        Path(self.path).unlink(missing_ok=True)
