"""The floor's views (see bench/petition_floor.py): what any signature handler must do,
and nothing more. No settings are read at import, so the floor can be served on a bare
Django (bench/petition_floor.py) or behind the project's own stack
(bench/petition_stack_floor.py)."""

import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt, csrf_protect

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


def _signed():
    # See Other, as the platform's own forms answer (cms.redirects.see_other).
    response = HttpResponseRedirect("/petition/?signed=1#signed")
    response.status_code = 303
    return response


@csrf_exempt
def bump(request):
    return HttpResponse(str(_bump()))


@csrf_protect
def csrf(request):
    request.POST["email"]  # the body is parsed, as any form's is
    _bump()
    return _signed()


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
    return _signed()
