"""Static files are answered as pages are by SecurityMiddleware: WhiteNoise sits right
after it, so plain HTTP is redirected and HSTS, nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy are a page's."""

import pytest

from tests.security.production import https_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def static_root(production, tmp_path):
    production.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body { color: #222; }\n")
    return tmp_path


def test_a_static_file_carries_the_headers_a_page_does(static_root, home_page):
    client = https_client()
    page = client.get("/")
    stylesheet = client.get("/static/css/site.css")

    assert stylesheet.status_code == 200
    assert b"color: #222" in b"".join(stylesheet.streaming_content)
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    for header in (
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert stylesheet[header] == page[header], header
    assert stylesheet["X-Content-Type-Options"] == "nosniff"


def test_the_static_headers_follow_the_hsts_settings(static_root, production):
    production.SECURE_HSTS_SECONDS = 600
    production.SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    production.SECURE_HSTS_PRELOAD = False
    assert https_client().get("/static/css/site.css")["Strict-Transport-Security"] == (
        "max-age=600"
    )

    production.SECURE_HSTS_SECONDS = 0
    stylesheet = https_client().get("/static/css/site.css")
    assert "Strict-Transport-Security" not in stylesheet
    assert stylesheet["X-Content-Type-Options"] == "nosniff"


def test_a_static_file_over_plain_http_goes_to_https(static_root):
    """Behind a proxy that passes port 80 through, as a page does (WhiteNoise answered
    before SecurityMiddleware and served it over plain HTTP)."""
    from django.test import Client

    answer = Client().get("/static/css/site.css")
    assert answer.status_code == 301
    assert answer["Location"] == "https://testserver/static/css/site.css"
