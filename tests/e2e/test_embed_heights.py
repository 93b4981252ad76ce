"""The iframe heights the README gives partners show the whole form, its button
included, on a phone (390 px wide), in every language, with the demo's content."""

import re
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.conf import settings as django_settings

from campaigns import demo as campaigns_demo
from cms import demo
from subscribers import demo as subscribers_demo
from tests.caches import use_private_caches

pytestmark = pytest.mark.django_db(transaction=True)

README = Path(__file__).resolve().parents[2] / "README.md"
PHONE_WIDTH = 390


def documented_height(widget: str) -> int:
    """The height attribute of the README's iframe example for ``widget``'s URL."""
    snippet = re.search(
        rf'<iframe[^>]*?src="[^"]*/{widget}/embed/[^"]*"[^>]*?height="(\d+)"',
        README.read_text(),
        re.S,
    )
    assert snippet, f"no iframe example for {widget} in the README"
    return int(snippet.group(1))


@pytest.fixture(autouse=True)
def private_state(settings):
    from campaigns.selectors import clear_petition_copies

    use_private_caches(settings, "e2e-embed")
    clear_petition_copies()
    yield
    clear_petition_copies()


class PartnerPage(BaseHTTPRequestHandler):
    """A partner's page on its own origin: /?src=...&height=... frames ``src``."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        html = (
            self.server.html.encode()
            if self.server.html
            else (
                '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Partner</title>'
                f'</head><body style="margin:0"><iframe src="{escape(query["src"][0])}" '
                f'title="Widget" width="{PHONE_WIDTH}" '
                f'height="{int(query["height"][0])}" style="border:0"></iframe>'
                "</body></html>"
            ).encode()
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(html)


@pytest.fixture
def partner():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PartnerPage)
    server.html = ""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()


def button_bottom(page, partner, url: str, height: int) -> float:
    """Where the form's button ends, in a frame of ``height`` at the phone's width."""
    page.goto(f"{partner.url}/?{urlencode({'src': url, 'height': height})}")
    page.frame_locator("iframe").locator("button[type=submit]").wait_for()
    inner = next(f for f in page.frames if f != page.main_frame)
    return inner.evaluate(
        "document.querySelector('button[type=submit]').getBoundingClientRect().bottom"
        " + window.scrollY"
    )


def test_the_documented_heights_show_the_whole_form(
    live_server, page, settings, partner
):
    demo.load_locales()
    home = demo.load_home_page()
    subscribers_demo.load_lists()
    signup = subscribers_demo.load_signup_page(home)
    petition = campaigns_demo.load_petition()
    settings.SIGNUP_FRAME_ANCESTORS = settings.PETITION_FRAME_ANCESTORS = [partner.url]
    too_short = []
    for widget, page_id in (("subscribers", signup.pk), ("petitions", petition.pk)):
        height = documented_height(widget)
        for language, _name in django_settings.LANGUAGES:
            prefix = "" if language == "en" else f"/{language}"
            url = f"{live_server.url}{prefix}/{widget}/embed/{page_id}/"
            bottom = button_bottom(page, partner, url, height)
            if bottom > height:
                too_short.append((widget, language, round(bottom), height))
    assert too_short == [], str(too_short)


def readme_resize_snippet() -> str:
    """The README's signup iframe and the script that sizes it, as a partner pastes
    them."""
    text = README.read_text()
    frame = re.search(r'<iframe id="ona-signup".*?</iframe>', text, re.S).group(0)
    script = re.search(r"<script>\s*window.addEventListener.*?</script>", text, re.S)
    return frame + script.group(0)


def test_the_signup_form_sizes_its_frame_with_the_readme_snippet(
    live_server, page, settings, partner
):
    demo.load_locales()
    home = demo.load_home_page()
    subscribers_demo.load_lists()
    signup = subscribers_demo.load_signup_page(home)
    settings.SIGNUP_FRAME_ANCESTORS = [partner.url]
    snippet = (
        readme_resize_snippet()
        .replace("https://ona.example.org", live_server.url)
        .replace("<id>", str(signup.pk))
        .replace('height="940"', 'height="300"')
    )
    partner.html = f'<!DOCTYPE html><html><body style="width:{PHONE_WIDTH}px">'
    partner.html += f"{snippet}</body></html>"
    page.goto(partner.url + "/")
    frame = page.locator("#ona-signup")
    page.frame_locator("#ona-signup").locator("button[type=submit]").wait_for()
    page.wait_for_function(
        "document.getElementById('ona-signup').getBoundingClientRect().height > 300"
    )
    inner = next(f for f in page.frames if f != page.main_frame)
    content = inner.evaluate("document.documentElement.scrollHeight")
    assert frame.bounding_box()["height"] == pytest.approx(content, abs=2)
    assert inner.evaluate("window.innerHeight >= document.body.scrollHeight")

    # A message from anywhere but our frame changes nothing.
    page.evaluate("window.postMessage({type: 'ona-embed-height', height: 20}, '*')")
    page.wait_for_timeout(300)
    assert frame.bounding_box()["height"] == pytest.approx(content, abs=2)
