"""collectstatic finds each file once, and a request for a host we do not serve, or a
bad body at a public form, is a one-line warning, not an ERROR with a traceback; the
development server's access lines carry no link tokens."""

import io
import logging

import pytest
from django.contrib.staticfiles import finders
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client


def test_each_static_file_is_found_once():
    found: dict[str, int] = {}
    for finder in finders.get_finders():
        for path, _storage in finder.list(["CVS", ".*", "*~"]):
            found[path] = found.get(path, 0) + 1
    assert "js/places.js" in found
    assert [path for path, times in found.items() if times > 1] == []


@pytest.mark.django_db
def test_a_foreign_host_is_one_warning_line(caplog, settings):
    settings.ALLOWED_HOSTS = ["ona.example.org"]
    with caplog.at_level(logging.INFO, logger="django.security.DisallowedHost"):
        response = Client().get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    (record,) = [
        r for r in caplog.records if r.name == "django.security.DisallowedHost"
    ]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None


@pytest.mark.django_db
def test_bad_bodies_at_a_public_form_are_one_line_each(caplog, home_page, settings):
    """Anyone can POST garbage to a public form: each is a 400 and one warning line,
    never an ERROR with a traceback (one error-tracker event per request)."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "A" * 32
    form = "application/x-www-form-urlencoded"
    bodies = [
        (f"{form}; charset=utf-16", b"a=b"),
        ("multipart/form-data", b"no boundary"),
        (form, b"&".join(b"f%d=1" % n for n in range(100))),
        (form, b"a=" + b"x" * 20_000),
    ]
    with caplog.at_level(logging.INFO):
        statuses = [
            client.post("/", body, content_type=kind).status_code
            for kind, body in bodies
        ]

    assert statuses == [400, 400, 400, 400]
    refusals = [r for r in caplog.records if r.name.startswith("django.")]
    assert {r.name for r in refusals} >= {
        "django.request",
        "django.security.TooManyFieldsSent",
        "django.security.RequestDataTooBig",
    }
    assert [(r.name, r.levelno, r.exc_info) for r in refusals] == [
        (r.name, logging.WARNING, None) for r in refusals
    ]


def test_a_server_error_keeps_its_traceback(caplog, rf):
    """Only answers below 500 lose their traceback."""
    from django.http import HttpResponseServerError
    from django.utils.log import log_response

    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        with caplog.at_level(logging.INFO, logger="django.request"):
            log_response(
                "Internal Server Error: %s",
                "/",
                response=HttpResponseServerError(),
                request=rf.get("/"),
                exception=error,
            )
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None


def written_by(logger_name: str, log) -> str:
    """What the configured handlers write for the records ``log()`` makes on
    ``logger_name`` (pytest's own capturing handlers left out)."""
    logger, handlers = logging.getLogger(logger_name), []
    while logger is not None:
        handlers += [
            handler
            for handler in logger.handlers
            if isinstance(handler, logging.StreamHandler)
            and not type(handler).__module__.startswith("_pytest")
        ]
        logger = logger.parent if logger.propagate else None
    assert handlers, f"nothing writes {logger_name}'s records"
    stream = io.StringIO()
    previous = [handler.setStream(stream) for handler in handlers]
    try:
        log()
    finally:
        for handler, old in zip(handlers, previous, strict=True):
            handler.setStream(old)
    return stream.getvalue()


def test_runserver_access_lines_carry_no_link_tokens():
    """`make run` serves with runserver, whose access lines go to django.server: they
    are redacted like every other log line (cms/accesslog.py)."""
    token = "37.20792.mgluRBBRZ2ybEaKwfgVNrjqU"
    # The development server's request handler, as it logs a finished request.
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None
    handler.requestline = f"POST /es/subscribers/preferences/{token}/ HTTP/1.1"

    written = written_by("django.server", lambda: handler.log_request(200, 5120))

    assert "POST /es/subscribers/preferences/<token>/ HTTP/1.1" in written
    assert token not in written


def test_rsvp_cancel_links_carry_no_token_in_logs():
    """The RSVP-cancel link lives under its event page's URL, in any language."""
    from events.tokens import make_cancel_token

    token = make_cancel_token(12)
    line = f"GET /ar/events/know-your-rights/rsvp/cancel/{token}/ HTTP/1.1"

    written = written_by(
        "django.server", lambda: logging.getLogger("django.server").info(line)
    )

    assert "/ar/events/know-your-rights/rsvp/cancel/<token>/" in written
    assert token not in written


def test_rsvp_confirm_links_carry_no_token_in_logs():
    """Whoever reads the log must not be able to take a pending guest's place."""
    from events.tokens import make_confirm_token

    token = make_confirm_token(12)
    line = f"GET /es/events/know-your-rights/rsvp/confirm/{token}/ HTTP/1.1"

    written = written_by(
        "django.server", lambda: logging.getLogger("django.server").info(line)
    )

    assert "/es/events/know-your-rights/rsvp/confirm/<token>/" in written
    assert token not in written


@pytest.mark.django_db
def test_chinese_labels_end_in_one_full_width_colon(client, home_page):
    """Django's Chinese catalogue keeps the ASCII label suffix: "您的姓名:" and, after
    a label ending in "：", "...：:". (The public forms' labels have no suffix at all,
    tests/campaigns/test_petition_labels.py; staff forms keep Django's.)"""
    from django import forms
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    class NameForm(forms.Form):
        name = forms.CharField(label=gettext_lazy("Your name"))

    with translation.override("zh-hans"):
        name_label = NameForm()["name"].label_tag()
        form = NameForm()
        form.fields["name"].label = "也请通过电子邮件告诉我以下方面的消息："
        ending_in_colon = form["name"].label_tag()

    assert "您的姓名：</label>" in name_label
    assert "消息：</label>" in ending_in_colon
    assert "：:" not in ending_in_colon


@pytest.mark.django_db
def test_staff_password_reset_links_carry_no_token_in_logs():
    """A reset link sets a staff member's password for days (found in the privacy
    audit: it was in the access log in clear, and worked from there)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from tests.factories import UserFactory

    user = UserFactory()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    line = f'"GET /admin/password_reset/confirm/{uid}/{token}/ HTTP/1.1" 302 0'

    written = written_by(
        "django.server", lambda: logging.getLogger("django.server").info(line)
    )

    assert "GET /admin/password_reset/confirm/<token> HTTP/1.1" in written
    assert token not in written


def test_search_words_stay_out_of_the_logs():
    """What someone searched for is theirs (found by an attacker-tester: names and a
    phone number in an access line): the public search and the admin's alike."""
    line = (
        '"GET /es/search/?q=asylum+maria+lopez+212-555-0100&page=2 HTTP/1.1" 200 '
        '"GET /admin/subscribers_admin/?ordering=name&q=Fatima HTTP/1.1" 200'
    )

    written = written_by(
        "django.server", lambda: logging.getLogger("django.server").info(line)
    )

    assert "/es/search/?q=<query>&page=2 " in written
    assert "/admin/subscribers_admin/?ordering=name&q=<query> " in written
    for word in ("asylum", "lopez", "555", "Fatima"):
        assert word not in written


def test_a_django_log_line_is_written_once_in_development(tmp_path):
    """Under `make run` runserver said "Watching for file changes with StatReloader"
    twice, once bare and once with our time and level, and so every django.* record
    (a 404's "Not Found: ...", a 500's traceback): Django's own console handler on the
    "django" logger stayed beside ours on the root. Our handler alone writes them."""
    import os
    import subprocess
    import sys

    from tests.cms.test_settings import ROOT

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="cms.settings.dev", VAR_DIR=str(tmp_path))
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.utils.autoreload').info('Watching for changes'); "
        "logging.getLogger('django.request').warning('Not Found: /nowhere/')"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    output = result.stdout + result.stderr
    assert output.count("Watching for changes") == 1, output
    assert output.count("Not Found: /nowhere/") == 1, output
    assert "INFO django.utils.autoreload Watching for changes" in output
