"""A fake Mailgun on 127.0.0.1: the e-mail provider, faked only at its HTTP boundary.

anymail's real Mailgun backend talks to it (ANYMAIL MAILGUN_API_URL). It speaks the
messages API (batch sends with ``recipient-variables``), records one row per recipient
with the values merged in, and can inject latency, 429 with Retry-After, 5xx, timeouts
and outages. Runs in a thread for tests, or as a process for benchmarks:

    python -m tests.fake_esp --port 8025
"""

import argparse
import collections
import hashlib
import json
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

API_KEY = "fake-mailgun-key"
DOMAIN = "mg.ona.example.org"
_VARIABLE = re.compile(r"%recipient\.([^%]+)%")
_PART_NAME = re.compile(rb'name="([^"]*)"')


@dataclass
class Faults:
    """What the next requests get instead of a 200."""

    latency: float = 0.0  # seconds added to every answer
    fail_ratio: float = 0.0  # share of calls answered with a failure from fail_statuses
    fail_statuses: tuple[int, ...] = (429, 500, 502, 503)
    retry_after: int = 1  # seconds, sent with 429 and 503
    down_until: float = 0.0  # time.monotonic() until which every call gets 503
    hang_seconds: float = 0.0  # sleep before answering, to trip client timeouts
    fail_next: list[int] = field(default_factory=list)  # statuses for the next calls
    # A call with one of these gets a 200 whose body is not JSON: anymail raises a
    # non-transient error, so the sending task crashes (a "poison" recipient).
    garble_addresses: set[str] = field(default_factory=set)
    reject_addresses: set[str] = field(
        default_factory=set
    )  # 400 for these, like Mailgun
    # While set to an Event that is not set, every call made once ``hold_after``
    # recipients were accepted waits for it before answering: a test can hold sends in
    # flight at a known point, break something, then let them finish.
    gate: threading.Event | None = None
    hold_after: int = 0


@dataclass
class Delivered:
    """One recipient of one accepted call, with the per-recipient values merged."""

    message_id: str
    to: str
    subject: str
    variables: dict
    headers: dict
    body_digest: str
    html: str | None
    text: str | None
    received_at: float


def merge(template: str, variables: dict) -> str:
    return _VARIABLE.sub(lambda m: str(variables.get(m.group(1), m.group(0))), template)


def parse_form(content_type: str, body: bytes) -> dict[str, list[str]]:
    if content_type.startswith("application/x-www-form-urlencoded"):
        return parse_qs(body.decode(), keep_blank_values=True)
    boundary = re.search(r'boundary="?([^";]+)"?', content_type)
    if boundary is None:
        return {}
    form: dict[str, list[str]] = {}
    for part in body.split(b"--" + boundary.group(1).encode())[1:-1]:
        head, _, payload = part.partition(b"\r\n\r\n")
        name = _PART_NAME.search(head)
        if name is None or b"filename=" in head:
            continue  # attachments are not needed by any test
        form.setdefault(name.group(1).decode(), []).append(
            payload[:-2].decode(errors="replace")
        )
    return form


class FakeMailgun:
    """The fake provider. ``keep_bodies`` stores each recipient's merged html and text."""

    def __init__(self, *, port: int = 0, keep_bodies: bool = False, seed: int = 7):
        self.faults = Faults()
        self.keep_bodies = keep_bodies
        self.delivered: list[Delivered] = []
        # Messages per recipient domain: two audiences sent to one fake, told apart.
        self.by_domain: collections.Counter[str] = collections.Counter()
        self.calls = 0
        self.failed_calls = 0
        self.held = 0  # calls waiting at the gate
        self.lock = threading.Lock()
        self.random = random.Random(seed)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v3"

    def anymail_settings(self) -> dict[str, str]:
        return {
            "MAILGUN_API_KEY": API_KEY,
            "MAILGUN_API_URL": self.api_url,
            "MAILGUN_SENDER_DOMAIN": DOMAIN,
        }

    def start(self) -> "FakeMailgun":
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def go_down(self, seconds: float) -> None:
        self.faults.down_until = time.monotonic() + seconds

    def hold(self, *, after: int = 0) -> None:
        """Calls made once ``after`` recipients were accepted wait, unanswered, until
        ``release()``."""
        self.held = 0
        self.faults.hold_after = after
        self.faults.gate = threading.Event()

    def release(self) -> None:
        gate, self.faults.gate = self.faults.gate, None
        if gate is not None:
            gate.set()

    def recipients(self) -> list[str]:
        with self.lock:
            return [row.to for row in self.delivered]

    # -- the API -------------------------------------------------------------------

    def _decide_failure(self, recipients: list[str]) -> tuple[int, dict] | None:
        faults = self.faults
        if time.monotonic() < faults.down_until:
            return 503, {"message": "Service Unavailable"}
        with self.lock:
            if faults.fail_next:
                status = faults.fail_next.pop(0)
                return status, {"message": f"injected {status}"}
            if faults.fail_ratio and self.random.random() < faults.fail_ratio:
                status = self.random.choice(faults.fail_statuses)
                return status, {"message": f"injected {status}"}
        bad = [address for address in recipients if address in faults.reject_addresses]
        if bad:
            return 400, {"message": f"'to' parameter is not a valid address: {bad[0]}"}
        return None

    def _accept(self, form: dict[str, list[str]]) -> str:
        message_id = f"<{time.strftime('%Y%m%d%H%M%S')}.{uuid.uuid4().hex}@{DOMAIN}>"
        variables = json.loads(form.get("recipient-variables", ["{}"])[0] or "{}")
        subject = form.get("subject", [""])[0]
        html = form.get("html", [None])[0]
        text = form.get("text", [None])[0]
        headers = {k[2:]: v[0] for k, v in form.items() if k.startswith("h:")}
        digest = hashlib.sha256(((html or "") + (text or "")).encode()).hexdigest()[:16]
        now = time.time()
        rows = []
        for formatted in form.get("to", []):
            address = formatted.rsplit("<", 1)[-1].rstrip(">").strip()
            mine = variables.get(address, {})
            rows.append(
                Delivered(
                    message_id=message_id,
                    to=address,
                    subject=merge(subject, mine),
                    variables=mine,
                    headers={k: merge(v, mine) for k, v in headers.items()},
                    body_digest=digest,
                    html=merge(html, mine) if self.keep_bodies and html else None,
                    text=merge(text, mine) if self.keep_bodies and text else None,
                    received_at=now,
                )
            )
        with self.lock:
            self.delivered.extend(rows)
            self.by_domain.update(row.to.rpartition("@")[2] for row in rows)
        return message_id

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                return

            def _answer(self, status: int, payload: dict, headers: dict | None = None):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path == "/_fake/stats":
                    with fake.lock:
                        stats = {
                            "calls": fake.calls,
                            "failed_calls": fake.failed_calls,
                            "delivered": len(fake.delivered),
                            "distinct": len({row.to for row in fake.delivered}),
                            "by_domain": dict(fake.by_domain),
                            "first_at": fake.delivered[0].received_at
                            if fake.delivered
                            else None,
                            "last_at": fake.delivered[-1].received_at
                            if fake.delivered
                            else None,
                        }
                    return self._answer(200, stats)
                return self._answer(404, {"message": "not found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                if not re.fullmatch(r"/v3/[^/]+/messages", self.path):
                    return self._answer(404, {"message": "Domain not found"})
                if self.headers.get("Authorization") != _basic_auth():
                    return self._answer(401, {"message": "Forbidden"})
                faults = fake.faults
                gate = faults.gate
                if gate is not None:
                    with fake.lock:
                        holding = len(fake.delivered) >= faults.hold_after
                        fake.held += holding
                    if holding:
                        gate.wait(timeout=600)
                if faults.hang_seconds:
                    time.sleep(faults.hang_seconds)
                if faults.latency:
                    time.sleep(faults.latency)
                form = parse_form(self.headers.get("Content-Type", ""), body)
                recipients = [
                    value.rsplit("<", 1)[-1].rstrip(">").strip()
                    for value in form.get("to", [])
                ]
                with fake.lock:
                    fake.calls += 1
                if faults.garble_addresses & set(recipients):
                    with fake.lock:
                        fake.failed_calls += 1
                    garbage = b"<html>upstream proxy error</html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(garbage)))
                    self.end_headers()
                    self.wfile.write(garbage)
                    return None
                failure = fake._decide_failure(recipients)
                if failure:
                    status, payload = failure
                    with fake.lock:
                        fake.failed_calls += 1
                    extra = (
                        {"Retry-After": str(faults.retry_after)}
                        if status in (429, 503)
                        else {}
                    )
                    return self._answer(status, payload, extra)
                message_id = fake._accept(form)
                return self._answer(
                    200, {"id": message_id, "message": "Queued. Thank you."}
                )

        return Handler


def _basic_auth() -> str:
    import base64

    return "Basic " + base64.b64encode(f"api:{API_KEY}".encode()).decode()


def main() -> None:  # pragma: no cover - used by bench scripts
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    fake = FakeMailgun(port=args.port)
    fake.faults.latency = args.latency
    print(fake.port, flush=True)  # noqa: T201 - the parent reads the port
    fake.server.serve_forever()


if __name__ == "__main__":
    main()
