"""A loopback SMTP sink for the SMTP delivery path, in tests and benchmarks.

A small ESMTP server on asyncio's Protocol API: greeting, EHLO/HELO, MAIL, RCPT, DATA,
RSET, NOOP, VRFY and QUIT, with command sequencing, dot-unstuffing and PIPELINING (it
answers whatever complete commands a read holds, in order). It used to be aiosmtpd,
which reads DATA one line at a time with a coroutine step and a debug log call per
line: about 2 ms of CPU for a 15 kB message, more than the sender itself, so the
benchmark measured the sink. Here a message end is found with one search per read.
"""

import asyncio
import re
import socket
import threading
from email import message_from_bytes, policy

MAX_COMMAND = 4096
_STUFFED = re.compile(rb"^\.", re.MULTILINE)
_ADDRESS = re.compile(rb"^(?:FROM|TO):\s*<?([^<>\s]*)>?", re.IGNORECASE)


class _Session(asyncio.Protocol):
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink
        self.buffer = bytearray()
        self.scanned = 0  # DATA: where the search for the end resumes
        self.in_data = False
        self.mail_from: bytes | None = None
        self.rcpt_tos: list[str] = []
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.sink.sessions.add(self)
        self.sink.sessions_seen += 1
        transport.write(b"220 sink.test ESMTP ready\r\n")

    def connection_lost(self, exc) -> None:
        self.sink.sessions.discard(self)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        replies = []
        while self.buffer:
            if self.in_data:
                if self.buffer.startswith(b".\r\n"):
                    end, content = 3, b""
                else:
                    found = self.buffer.find(b"\r\n.\r\n", self.scanned)
                    if found < 0:
                        self.scanned = max(0, len(self.buffer) - 4)
                        break
                    end, content = found + 5, self.buffer[: found + 2]
                replies.append(self._message(content))
                if self.transport.is_closing():
                    return
                del self.buffer[:end]
                self.in_data, self.scanned = False, 0
                continue
            found = self.buffer.find(b"\r\n")
            if found < 0:
                if len(self.buffer) > MAX_COMMAND:
                    self.buffer.clear()
                    replies.append(b"500 Line too long\r\n")
                break
            line = bytes(self.buffer[:found])
            del self.buffer[: found + 2]
            reply = self._command(line)
            replies.append(reply)
            if reply.startswith(b"221"):
                break
        if replies:
            self.transport.write(b"".join(replies))
            if replies[-1].startswith(b"221"):
                self.transport.close()

    def _reset(self) -> None:
        self.mail_from, self.rcpt_tos = None, []

    def _command(self, line: bytes) -> bytes:
        verb, _, arg = line.partition(b" ")
        verb = verb.upper()
        if verb in {b"EHLO", b"HELO"}:
            with self.sink.lock:
                self.sink.helos.append(arg.decode("ascii", "replace"))
        if verb == b"EHLO":
            self._reset()
            if self.sink.pipelining:
                return b"250-sink.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
            return b"250-sink.test\r\n250 8BITMIME\r\n"
        if verb == b"HELO":
            self._reset()
            return b"250 sink.test\r\n"
        if verb == b"MAIL":
            match = _ADDRESS.match(arg)
            if match is None or not arg.upper().startswith(b"FROM:"):
                return b"501 Syntax: MAIL FROM:<address>\r\n"
            if self.mail_from is not None:
                return b"503 Error: nested MAIL command\r\n"
            self.mail_from = match.group(1)
            return b"250 OK\r\n"
        if verb == b"RCPT":
            if self.mail_from is None:
                return b"503 Error: need MAIL command\r\n"
            match = _ADDRESS.match(arg)
            if match is None or not arg.upper().startswith(b"TO:"):
                return b"501 Syntax: RCPT TO:<address>\r\n"
            address = match.group(1).decode("utf-8", "replace")
            if address in self.sink.refuse:
                # As Postfix words it: the reply quotes the address.
                return (
                    b"550 5.1.1 <" + match.group(1) + b">: Recipient address "
                    b"rejected: User unknown\r\n"
                )
            if address in self.sink.greylist_once:
                self.sink.greylist_once.discard(address)
                return b"450 4.2.0 Greylisted, try again later\r\n"
            self.rcpt_tos.append(address)
            return b"250 OK\r\n"
        if verb == b"DATA":
            if not self.rcpt_tos:
                return b"503 Error: need RCPT command\r\n"
            if arg:
                return b"501 Syntax: DATA\r\n"
            self.in_data = True
            return b"354 End data with <CR><LF>.<CR><LF>\r\n"
        if verb == b"RSET":
            self._reset()
            return b"250 OK\r\n"
        if verb == b"NOOP":
            return b"250 OK\r\n"
        if verb == b"VRFY":
            return b"252 Cannot VRFY user\r\n"
        if verb == b"QUIT":
            return b"221 Bye\r\n"
        return b"500 Error: command not recognized\r\n"

    def _message(self, content: bytearray) -> bytes:
        sink = self.sink
        if sink.drop_after is not None and sink.count >= sink.drop_after:
            self.transport.abort()  # a relay going away mid-batch
            return b""
        with sink.lock:
            sink.count += len(self.rcpt_tos)
            if sink.keep:
                sink.envelopes.append(
                    (self.rcpt_tos, _STUFFED.sub(b"", bytes(content)))
                )
                sink.senders.append(self.mail_from.decode("utf-8", "replace"))
        self._reset()
        return b"250 OK\r\n"


class SmtpSink:
    def __init__(self, port: int = 0):
        self.envelopes: list[tuple[list[str], bytes]] = []
        self.senders: list[str] = []  # MAIL FROM of each kept envelope, in order
        self.helos: list[str] = []  # what each EHLO/HELO said
        self.count = 0
        self.keep = True  # benchmarks only count
        self.refuse: set[str] = set()  # RCPT TO these gets 550
        self.greylist_once: set[str] = set()  # 450 the first time, then accepted
        self.pipelining = True  # offered in the EHLO reply
        self.drop_after: int | None = None  # drop the connection after N messages
        self.lock = threading.Lock()
        self.port = port or free_port()
        self.running = False
        self.sessions: set[_Session] = set()
        self.sessions_seen = 0  # connections accepted so far
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "SmtpSink":
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                server = loop.run_until_complete(
                    loop.create_server(
                        lambda: _Session(self),
                        "127.0.0.1",
                        self.port,
                        reuse_address=True,
                    )
                )
            except OSError as error:
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                server.close()
                for session in list(self.sessions):
                    session.transport.abort()
                loop.run_until_complete(server.wait_closed())
                loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="smtp-sink", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self.running = False

    def messages(self):
        with self.lock:
            return [
                message_from_bytes(raw, policy=policy.default)
                for _, raw in self.envelopes
            ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_counting(sink_class) -> None:  # pragma: no cover - used by bench scripts
    """Run a counting sink: prints "<smtp port> <stats port>"; GET / on stats gives JSON."""
    import argparse
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    sink = sink_class(args.port)
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


def main() -> None:  # pragma: no cover - used by bench scripts
    serve_counting(SmtpSink)


if __name__ == "__main__":
    main()
