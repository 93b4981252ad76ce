"""A loopback SMTP sink (aiosmtpd) for the SMTP delivery path, in tests and benchmarks."""

import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        with self.sink.lock:
            self.sink.envelopes.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


class SmtpSink:
    def __init__(self, port: int = 0):
        self.envelopes: list[tuple[list[str], bytes]] = []
        self.lock = threading.Lock()
        self.port = port or _free_port()
        self.running = False
        self.controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port
        )

    def start(self) -> "SmtpSink":
        self.controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False

    def messages(self):
        with self.lock:
            return [
                message_from_bytes(raw, policy=policy.default)
                for _, raw in self.envelopes
            ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
