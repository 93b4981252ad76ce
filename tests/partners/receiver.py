"""A loopback webhook receiver, as a partner would run one: it verifies every request
with the reference Standard Webhooks library and can answer a share of them with 500."""

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, *, fail_every: tuple[int, ...] = ()):
        # Request n (counted from 0, over all paths) gets a 500 when n % 10 is in
        # ``fail_every``: (0, 3, 6) fails exactly 30 % of all requests.
        self.fail_every = fail_every
        self.secrets: dict[str, str] = {}
        self.lock = threading.Lock()
        self.requests = 0
        self.failed = 0
        self.bad_signatures: list[str] = []
        self.accepted: dict[str, Counter] = {}
        self.payloads: dict[str, dict[str, dict]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "Receiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def accepted_ids(self, path: str) -> Counter:
        with self.lock:
            return Counter(self.accepted.get(path, Counter()))

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    number = receiver.requests
                    receiver.requests += 1
                secret = receiver.secrets.get(self.path)
                try:
                    payload = Webhook(secret).verify(body, dict(self.headers))
                except (WebhookVerificationError, TypeError, ValueError) as error:
                    with receiver.lock:
                        receiver.bad_signatures.append(f"{self.path}: {error}")
                    self.send_response(400)
                    self.end_headers()
                    return
                if number % 10 in receiver.fail_every:
                    with receiver.lock:
                        receiver.failed += 1
                    self.send_response(500)
                    self.end_headers()
                    return
                message_id = self.headers["webhook-id"]
                with receiver.lock:
                    receiver.accepted.setdefault(self.path, Counter())[message_id] += 1
                    receiver.payloads.setdefault(self.path, {})[message_id] = payload
                self.send_response(204)
                self.end_headers()

        return Handler
