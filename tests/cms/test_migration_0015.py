"""The admin's history of person rows already in a database (cms migration 0015):
Wagtail's entries about RSVPs, subscriptions and the other person rows move to their own
table, which site history shows administrators only; other models' entries stay; going
back moves them back."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms.models import PersonLogEntry
from events.models import Rsvp
from subscribers.models import MailingList
from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("cms", "0014_short_alias_chains")
AFTER = ("cms", "0015_person_log_entries")


def entry(model, object_id: str, label: str) -> dict:
    return {
        "content_type": ContentType.objects.get_for_model(model),
        "object_id": object_id,
        "label": label,
        "action": "wagtail.edit",
        "timestamp": timezone.now(),
        "data": {"note": label},
    }


def test_person_entries_move_to_their_own_table_and_back():
    try:
        migrate(BEFORE)
        ModelLogEntry.objects.create(**entry(Rsvp, "7", "RSVP #7 to Legal clinic"))
        ModelLogEntry.objects.create(**entry(MailingList, "3", "Legal"))
        migrate(AFTER)
        moved = list(PersonLogEntry.objects.values("object_id", "label", "data"))
        kept = list(ModelLogEntry.objects.values_list("label", flat=True))
        migrate(BEFORE)
        back = sorted(ModelLogEntry.objects.values_list("label", flat=True))
    finally:
        ModelLogEntry.objects.all().delete()
        migrate_to_latest()

    assert moved == [
        {
            "object_id": "7",
            "label": "RSVP #7 to Legal clinic",
            "data": {"note": "RSVP #7 to Legal clinic"},
        }
    ]
    assert kept == ["Legal"]
    assert back == ["Legal", "RSVP #7 to Legal clinic"]
