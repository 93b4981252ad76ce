"""How far below the bare counter view a signature must fall, whatever the code does.

Three views served by gunicorn exactly like the project and the bare counter
(``gunicorn bench.petition_floor``), each adding to the one before only what any
signature handler must do:

- ``/bump/``: the bare counter view (what ``bench/bare_counter.py`` serves), but POSTed
  the petition benchmark's form body;
- ``/csrf/``: plus Django's CSRF check, the parsed form body and a redirect answer;
- ``/sign/``: plus the address normalised, its keyed hash, the address and name
  encrypted (AES-GCM) and the signature inserted once per address and counted in one
  prepared statement, like the project's fast path.

No form class, no language, no petition lookup, no security headers: the floor, not a
petition. ``bench/bench_petition.py --floor`` runs them in turn with wrk.
"""

import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from bench._bare_django import configure

configure(__name__)


KEY = AESGCM(b"\x01" * 32)
HASH_KEY = b"\x02" * 32
SIGN = """
WITH signed AS (
    INSERT INTO floor_signature (campaign_id, email, email_hash, name, created_at)
    VALUES (1, %s, %s, %s, now())
    ON CONFLICT (campaign_id, email_hash) DO NOTHING RETURNING id
), counted AS (
    UPDATE floor_counter SET value = value + 1
    WHERE id = 1 AND EXISTS (SELECT FROM signed) RETURNING value
)
SELECT (SELECT id FROM signed), (SELECT value FROM counted)
"""


def _encrypt(text: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + KEY.encrypt(nonce, text.encode(), None)


def _bump() -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE floor_counter SET value = value + 1 WHERE id = 1 RETURNING value"
        )
        return cursor.fetchone()[0]


@csrf_exempt
def bump(request):
    return HttpResponse(str(_bump()))


@csrf_protect
def csrf(request):
    request.POST["email"]  # the body is parsed, as any form's is
    _bump()
    return HttpResponseRedirect("/petition/?signed=1#signed")


@csrf_protect
def sign(request):
    import psycopg

    email = request.POST["email"].strip().lower()
    email_hash = hmac.new(HASH_KEY, email.encode(), hashlib.sha256).hexdigest()
    name = request.POST.get("name", "")
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            SIGN, [_encrypt(email), email_hash, _encrypt(name)], prepare=True
        )
        cursor.fetchone()
    return HttpResponseRedirect("/petition/?signed=1#signed")


urlpatterns = [path("bump/", bump), path("csrf/", csrf), path("sign/", sign)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
