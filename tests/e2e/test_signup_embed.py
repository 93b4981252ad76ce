"""The embeddable signup form in a real browser, framed by a partner's page on another
origin: it signs up in the visitor's language, and an origin not allowed cannot frame
it."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from subscribers.models import SignupPage, Subscription
from tests.factories import MailingListFactory, build_home_page, translate_page

pytestmark = pytest.mark.django_db(transaction=True)


def partner_site(frame_url: str) -> ThreadingHTTPServer:
    """A partner's page on its own loopback origin that frames ``frame_url``."""
    html = (
        '<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>Partner</title>'
        f'</head><body><iframe src="{frame_url}" title="Signup" width="380" '
        'height="760"></iframe></body></html>'
    ).encode()

    class Page(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_partner_page_frames_the_signup_form(live_server, page, settings):
    home = build_home_page()
    MailingListFactory(name="Legal Protection/Services", slug="legal")
    signup = home.add_child(instance=SignupPage(title="Join the lists", slug="join"))
    signup.save_revision().publish()
    translate_page(signup, "ar", title="انضم إلى القوائم")
    frame_url = f"{live_server.url}/subscribers/embed/{signup.pk}/"
    allowed, refused = partner_site(frame_url), partner_site(frame_url)
    try:
        settings.SIGNUP_FRAME_ANCESTORS = [f"http://127.0.0.1:{allowed.server_port}"]
        page.context.set_extra_http_headers({"Accept-Language": "ar"})
        page.goto(f"http://127.0.0.1:{allowed.server_port}/")
        frame = page.frame_locator("iframe")
        frame.get_by_role("heading", name="انضم إلى القوائم").wait_for()
        frame.get_by_label("Legal Protection/Services").check()
        frame.locator("input[name=email]").fill("layla@example.org")
        frame.locator("button[type=submit]").click()
        frame.get_by_role("status").wait_for()
        subscription = Subscription.objects.get()
        assert subscription.status == "pending"
        assert subscription.subscriber.language == "ar"
        inner = next(f for f in page.frames if f != page.main_frame)
        assert inner.evaluate("document.documentElement.dir") == "rtl"
        assert inner.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )

        # goto waits for the load event, which waits for the frame (refused or not).
        page.goto(f"http://127.0.0.1:{refused.server_port}/")
        inner = next(f for f in page.frames if f != page.main_frame)
        # Refused by frame-ancestors: Chromium shows an error page (or nothing at all).
        assert not inner.url.startswith("http"), inner.url
        assert "انضم" not in inner.content()
    finally:
        allowed.shutdown()
        refused.shutdown()
