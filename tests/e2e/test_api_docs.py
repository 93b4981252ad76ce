"""The partner API's docs page works in a real browser under its strict CSP: Swagger UI
from our own static files, no inline script, no third-party host."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_under_a_strict_csp(live_server, page):
    problems, hosts = [], set()
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    response = page.goto(live_server.url + "/api/v1/docs/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy

    page.wait_for_selector(".opblock", timeout=15_000)
    assert page.locator(".opblock").count() == 13
    assert page.get_by_text("/api/v1/petitions/{petition_id}/signatures/").count() == 1
    assert problems == []
    assert hosts == {live_server.url.split("/")[2]}
