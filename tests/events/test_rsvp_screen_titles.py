"""An RSVP's own admin screens name it in the staff member's language: found by the
desk tester, round 16."""

import re

import pytest
from django.urls import reverse

from events.services import record_rsvp
from tests.factories import build_event, staff_member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "RSVP #{pk} to Know Your Rights session: confirmed"),
        ("es", "Confirmación de asistencia n.º {pk} a Know Your Rights session: "),
        ("ar", "تأكيد الحضور رقم {pk} إلى Know Your Rights session: "),
    ],
)
def test_inspect_delete_and_history_titles_are_in_the_admin_language(
    client, home_page, language, expected
):
    """The Arabic organizer's inspect screen was titled "فحص: RSVP #1 to 26
    (confirmed)", the Spanish delete and history screens "Eliminar: RSVP #1 to 26
    (confirmed)": English words of ours, and the event as a bare id."""
    event = build_event(title="Know Your Rights session", rsvp_mode="internal")
    guest = record_rsvp(
        event_id=event.pk, name="Ana", email="ana@example.org", language="es"
    )
    client.force_login(staff_member(language))
    for view in ("inspect", "delete", "history"):
        body = client.get(reverse(f"rsvps:{view}", args=[guest.pk])).content.decode()
        title = re.search(r"<title>(.*?)</title>", body, re.DOTALL).group(1)
        assert expected.format(pk=guest.pk) in title, (view, title)
        assert f"to {event.pk} (" not in body
