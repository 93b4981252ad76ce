"""The same loopback sink on aiosmtpd, a third-party SMTP server: the SMTP path is
tested against it too (it offers no PIPELINING, so the relay's plain transactions are
exercised), and `bench/bench_send.py --sink aiosmtpd` measures against it.

tests/smtp_sink.py is the light sink the benchmark uses by default: aiosmtpd spends
about 2 ms of CPU per 15 kB message reading DATA one line at a time, more than the
sender, so with it the benchmark mostly measures the sink."""

import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, sink: "AiosmtpdSink"):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        with self.sink.lock:
            self.sink.count += len(envelope.rcpt_tos)
            if self.sink.keep:
                self.sink.envelopes.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


class AiosmtpdSink:
    def __init__(self, port: int = 0):
        self.envelopes: list[tuple[list[str], bytes]] = []
        self.count = 0
        self.keep = True  # benchmarks only count
        self.lock = threading.Lock()
        self.port = port or _free_port()
        self.running = False
        self.controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port
        )

    def start(self) -> "AiosmtpdSink":
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


def main() -> None:  # pragma: no cover - used by bench scripts
    """Run a counting sink: prints "<smtp port> <stats port>"; GET / on stats gives JSON."""
    import argparse
    import json
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    sink = AiosmtpdSink(args.port)
    sink.keep = False
    sink.start()

    class Stats(BaseHTTPRequestHandler):
        def log_message(self, *args):
            return

        def do_GET(self):
            body = json.dumps({"delivered": sink.count}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    stats = ThreadingHTTPServer(("127.0.0.1", 0), Stats)
    print(sink.port, stats.server_address[1], flush=True)  # noqa: T201 - read by the parent
    try:
        stats.serve_forever()
    finally:
        sink.stop()
        time.sleep(0)


if __name__ == "__main__":
    main()
