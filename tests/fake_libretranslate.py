"""A fake LibreTranslate on 127.0.0.1: machine translation faked only at its HTTP API.

wagtail-localize's own LibreTranslator (the class WAGTAILLOCALIZE_MACHINE_TRANSLATOR
names) talks to it: ``POST /translate`` with a JSON body ``{"q": [...], "source",
"target", "format", "api_key"}`` answers ``{"translatedText": [...]}``, and
``GET /languages`` lists what it speaks. Known phrases come out in the target
language's script; anything else as ``[target] text``. Records every request, and can
answer 500 or a wrong API key's 403 like the real server.
"""

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LANGUAGES = ["en", "es", "hi", "zh", "ar", "pl"]

PHRASEBOOK = {
    "Rally at Federal Plaza": {
        "es": "Manifestación en Federal Plaza",
        "hi": "फ़ेडरल प्लाज़ा पर रैली",
        "zh": "联邦广场集会",
        "ar": "مسيرة في فيدرال بلازا",
        "pl": "Wiec na Federal Plaza",
    },
    "Stand with our neighbors.": {
        "es": "Apoyemos a nuestros vecinos.",
        "hi": "अपने पड़ोसियों के साथ खड़े हों।",
        "zh": "与我们的邻居站在一起。",
        "ar": "لنقف مع جيراننا.",
        "pl": "Stańmy razem z naszymi sąsiadami.",
    },
    "Join us in three hours. Call 312-660-1370 for legal help.": {
        "es": "Únase a nosotros en tres horas. Llame al 312-660-1370 para ayuda legal.",
        "hi": "तीन घंटे में हमारे साथ जुड़ें। कानूनी मदद के लिए 312-660-1370 पर कॉल करें।",
        "zh": "三小时后与我们会合。如需法律帮助，请拨打 312-660-1370。",
        "ar": "انضموا إلينا بعد ثلاث ساعات. للمساعدة القانونية اتصلوا على 312-660-1370.",
        "pl": "Dołącz do nas za trzy godziny. Pomoc prawna: 312-660-1370.",
    },
}


@dataclass
class Request:
    source: str
    target: str
    texts: list[str]
    api_key: str
    format: str


@dataclass
class State:
    api_key: str = ""
    fail_status: int | None = None
    requests: list[Request] = field(default_factory=list)


def translate(text: str, target: str) -> str:
    """Line by line, as LibreTranslate keeps an HTML string's <br> where they were."""
    lines = re.split(r"(<br\s*/?>)", text)
    return "".join(
        line if index % 2 else _translate_line(line, target)
        for index, line in enumerate(lines)
    )


def _translate_line(text: str, target: str) -> str:
    if not text.strip():
        return text
    known = PHRASEBOOK.get(text, {}).get(target)
    return known if known is not None else f"[{target}] {text}"


class Handler(BaseHTTPRequestHandler):
    server: "FakeLibreTranslateServer"

    def log_message(self, *args):  # keep test output quiet
        pass

    def _answer(self, status: int, payload) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.rstrip("/") == "/languages":
            self._answer(
                200,
                [
                    {"code": code, "name": code, "targets": LANGUAGES}
                    for code in LANGUAGES
                ],
            )
        else:
            self._answer(404, {"error": "Not Found"})

    def do_POST(self):
        if self.path.rstrip("/") != "/translate":
            self._answer(404, {"error": "Not Found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._answer(400, {"error": "Invalid request: bad JSON"})
            return
        state = self.server.state
        texts = body.get("q")
        single = isinstance(texts, str)
        texts = [texts] if single else list(texts or [])
        state.requests.append(
            Request(
                source=body.get("source", ""),
                target=body.get("target", ""),
                texts=texts,
                api_key=body.get("api_key", ""),
                format=body.get("format", "text"),
            )
        )
        if state.fail_status:
            self._answer(state.fail_status, {"error": "Translation failed"})
            return
        if state.api_key and body.get("api_key") != state.api_key:
            self._answer(403, {"error": "Invalid API key"})
            return
        for code in (body.get("source"), body.get("target")):
            if code not in LANGUAGES:
                self._answer(400, {"error": f"{code} is not supported"})
                return
        translated = [translate(text, body["target"]) for text in texts]
        self._answer(200, {"translatedText": translated[0] if single else translated})


class FakeLibreTranslateServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: State):
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = state


class FakeLibreTranslate:
    """Start with ``.start()``, point LIBRETRANSLATE_URL at ``.url``, ``.stop()`` after."""

    def __init__(self, *, api_key: str = ""):
        self.state = State(api_key=api_key)
        self._server: FakeLibreTranslateServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[Request]:
        return self.state.requests

    def settings(self) -> dict:
        """The WAGTAILLOCALIZE_MACHINE_TRANSLATOR our settings build for this server."""
        return {
            "CLASS": "wagtail_localize.machine_translators.libretranslate.LibreTranslator",
            "OPTIONS": {
                "LIBRETRANSLATE_URL": self.url,
                "API_KEY": self.state.api_key,
                "TIMEOUT": 10,
            },
        }

    def start(self) -> "FakeLibreTranslate":
        self._server = FakeLibreTranslateServer(self.state)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
