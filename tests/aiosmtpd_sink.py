"""The same loopback sink on aiosmtpd, a third-party SMTP server: the SMTP path is
tested against it too (it offers no PIPELINING, so the relay's plain transactions are
exercised), and `bench/bench_send.py --sink aiosmtpd` measures against it.

tests/smtp_sink.py is the light sink the benchmark uses by default: aiosmtpd spends
about 2 ms of CPU per 15 kB message reading DATA one line at a time, more than the
sender, so with it the benchmark mostly measures the sink."""

import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from tests.smtp_sink import free_port


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
        self.port = port or free_port()
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


def main() -> None:  # pragma: no cover - used by bench scripts
    from tests.smtp_sink import serve_counting

    serve_counting(AiosmtpdSink)


if __name__ == "__main__":
    main()
