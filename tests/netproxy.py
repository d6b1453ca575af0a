"""A TCP proxy on loopback that a test can cut off, to play a network partition.

While cut, the proxy keeps every connection open and accepts new ones, but forwards nothing in
either direction: what a client sees when the network between it and the database drops packets
(the operating system still accepts the connection locally, and then nothing comes back).
`restore()` closes the connections that lived through the cut, as a real partition's connections
end with a reset, and forwards again.
"""

import contextlib
import select
import socket
import threading


class CuttableProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut = threading.Event()
        self.stopped = threading.Event()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True, name="proxy-accept").start()

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                client, _addr = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        try:
            while not self.stopped.is_set():
                if self.cut.is_set():
                    self.cut.wait(0.1)
                    if not self._alive(a, b):
                        return
                    continue
                ready, _w, _x = select.select([a, b], [], [], 0.1)
                for sock in ready:
                    if self.cut.is_set():
                        break  # the bytes stay unread: nothing crosses a cut network
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except OSError:
            return
        finally:
            self._close(a, b)

    def _alive(self, a, b) -> bool:
        with self._lock:
            return (a, b) in self._pairs

    def _close(self, a, b) -> None:
        with self._lock:
            if (a, b) in self._pairs:
                self._pairs.remove((a, b))
        for sock in (a, b):
            with contextlib.suppress(OSError):
                sock.close()

    def cut_off(self) -> None:
        self.cut.set()

    def restore(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
        self.cut.clear()

    def close(self) -> None:
        self.stopped.set()
        self.restore()
        with contextlib.suppress(OSError):
            self.listener.close()
