"""A file part sent to a public form is not read (cms/uploads.py).

Through gunicorn under the production settings, one anonymous multipart POST to the
signup page with a 1.25 GB file part was spooled to /tmp whole and held a web worker
until gunicorn's timeout killed it (a 500): no public form has a file field, but
Django reads every file part of every multipart body. These requests go through the
site's real WSGI application (the lean chain for the crowd's POSTs included) with a
body that counts what the application read of it.
"""

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from cms.lean_posts import with_lean_posts
from subscribers.models import MailingList, SignupPage, SignupRequest
from tests.factories import CampaignFactory, build_event, build_petition_page

pytestmark = pytest.mark.django_db

CSRF = "c" * 32
BOUNDARY = "zzBoundaryzz"
FILE_SIZE = 20 * 1024 * 1024


class CountingBody(io.BytesIO):
    """The request body, as the server hands it over: counts the bytes read."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = super().readline(size)
        self.taken += len(line)
        return line


def multipart(fields: dict[str, str]) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n".encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; '
        f'filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + b"A" * FILE_SIZE
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def post(path: str, fields: dict[str, str]) -> tuple[str, CountingBody]:
    body = CountingBody(multipart({"csrfmiddlewaretoken": CSRF, **fields}))
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": f"csrftoken={CSRF}",
        "REMOTE_ADDR": "198.51.100.20",
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(len(body.getvalue())),
        "wsgi.input": body,
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    statuses = []
    # As Django's test client does: the test's transaction outlives the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = with_lean_posts(WSGIHandler())(
            environ, lambda status, headers, *args: statuses.append(status)
        )
        b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return statuses[0], body


def test_the_signup_form_answers_without_reading_the_file(home_page):
    legal = MailingList.objects.create(name="Legal Protection/Services", slug="legal")
    page = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    page.save_revision().publish()

    status, body = post(
        page.url, {"email": "ana@example.org", "lists": str(legal.pk), "language": "es"}
    )

    assert status.startswith("200"), "the fields before the file, as without it"
    assert SignupRequest.objects.count() == 1
    assert body.taken < 1024 * 1024, f"read {body.taken} bytes of the body"


def test_the_rsvp_and_petition_forms_do_not_read_it_either(home_page):
    event = build_event(title="Know Your Rights session", rsvp_mode="internal")
    petition = build_petition_page(home_page, CampaignFactory())

    for path in (event.url + "rsvp/", f"/petitions/{petition.pk}/sign/"):
        status, body = post(path, {"name": "Ana", "email": "ana@example.org"})

        assert status[:3] in {"200", "303", "400"}, (path, status)
        assert body.taken < 1024 * 1024, (path, body.taken)
