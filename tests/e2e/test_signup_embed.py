"""The embeddable signup form in a real browser, framed by a partner's page on another
origin: it signs up in the visitor's language, and an origin not allowed cannot frame
it."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from subscribers.models import SignupPage, Subscription
from tests.factories import MailingListFactory, build_home_page, translate_page
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db(transaction=True)


def partner_site(frame_url: str, body: str = "") -> ThreadingHTTPServer:
    """A partner's page on its own loopback origin that frames ``frame_url`` (or shows
    ``body`` instead)."""
    body = body or (
        f'<iframe src="{frame_url}" title="Signup" width="380" height="760"></iframe>'
    )
    html = (
        '<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>Partner</title>'
        f"</head><body>{body}</body></html>"
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
        assert run_signup_requests() == 1  # the worker's part
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


def test_another_site_cannot_post_the_form_from_its_visitors_browsers(
    live_server, page, settings
):
    """The attacker-tester's case, in a real browser: a page elsewhere, with a form
    token fetched once, auto-posts the signup form from each visitor's browser (a new
    client each time for the limits). The browser names the page's origin: refused."""
    home = build_home_page()
    listed = MailingListFactory(name="Legal Protection/Services", slug="legal")
    signup = home.add_child(instance=SignupPage(title="Join the lists", slug="join"))
    signup.save_revision().publish()
    form_url = f"{live_server.url}/subscribers/embed/{signup.pk}/"
    html = page.request.get(form_url).text()
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    fields = {"form_token": token, "email": "victim-of-spam@example.org"}
    fields.update(language="en", lists=listed.pk, website="")
    inputs = "".join(
        f'<input type="hidden" name="{name}" value="{value}">'
        for name, value in fields.items()
    )
    attacker = partner_site(
        form_url,
        body=f'<form method="post" action="{form_url}">{inputs}</form>'
        "<script>document.forms[0].submit()</script>",
    )
    try:
        settings.SIGNUP_FRAME_ANCESTORS = []
        page.goto(f"http://127.0.0.1:{attacker.server_port}/")
        page.wait_for_url(form_url)
        page.get_by_role(
            "heading", name="This form cannot be sent from another site"
        ).wait_for()
        assert Subscription.objects.count() == 0
    finally:
        attacker.shutdown()
