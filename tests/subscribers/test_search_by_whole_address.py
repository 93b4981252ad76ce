"""Subscriptions and suppressions are searched by a whole e-mail address, and say so:
found by the desk tester, round 16."""

import pytest
from django.urls import reverse

from subscribers.models import Suppression
from tests.factories import staff_member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("screen", ["subscribers_admin:index", "suppression:index"])
@pytest.mark.parametrize(
    ("language", "placeholder", "nothing"),
    [
        ("en", "Whole e-mail address", "part of one finds nothing"),
        ("es", "Dirección de correo electrónico completa", "una parte no encuentra"),
        ("ar", "عنوان البريد الإلكتروني كاملًا", "جزء منه لا يجد شيئًا"),
    ],
)
def test_the_search_says_it_takes_a_whole_address(
    client, screen, language, placeholder, nothing
):
    """Searching "ana" on the Spanish Subscriptions screen answered "No
    suscripciones match your query." under a box saying "Search…" (both English):
    nothing said that only a whole address is found (addresses are encrypted; the
    search matches their keyed hash), so staff looking up "ana@" by part of it
    concluded she was on no list."""
    Suppression.objects.create(email_hash="0" * 64, reason="hard_bounce")
    client.force_login(staff_member(language))
    body = client.get(reverse(screen), {"q": "ana"}).content.decode()
    assert f'placeholder="{placeholder}"' in body
    assert nothing in body
    assert "match your query" not in body
