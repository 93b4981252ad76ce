"""The claim also says whether the event was putting new RSVPs on its waitlist.

The RSVP form answered every RSVP with the same "we have sent you the details" page, so
a guest put on the waitlist learned it only from the e-mail. The page may say it, but
only from the event's state, never from the address's history (a stranger typing
someone's address must not learn that it had a place): ``waitlisting`` is whether a
new guest would be waitlisted at the moment of this claim, decided under the event's
lock before the address is looked up, so a repeat's answer is a new guest's answer.

The function's result gains a column: dropped and created again (migration 0014's,
back).
"""

from importlib import import_module

from django.db import migrations

FORMER = import_module("events.migrations.0014_every_rsvp_claimed_in_one_call")

DROP_CLAIM = FORMER.DROP_CLAIM


def _claim() -> str:
    claim = FORMER.CLAIM
    replacements = [
        (
            "    places_changes bigint\n)",
            "    places_changes bigint,\n    waitlisting boolean\n)",
        ),
        # A repeat answers with the event's state, as a new guest would be answered.
        (
            "RETURN QUERY SELECT 'existing'::text, found_id, found_status,\n"
            "                            NULL::integer, NULL::bigint;",
            "RETURN QUERY SELECT 'existing'::text, found_id, found_status,\n"
            "                            NULL::integer, NULL::bigint,\n"
            "                            new_status = 'waitlisted';",
        ),
        # Refusals: nobody is waitlisted.
        ("NULL::integer, NULL::bigint;", "NULL::integer, NULL::bigint, false;"),
        (
            "        coalesce(changed, 0);",
            "        coalesce(changed, 0),\n        new_status = 'waitlisted';",
        ),
    ]
    for old, new in replacements:
        if old not in claim:
            raise ValueError(f"migration 0014's claim changed: {old!r}")
        claim = claim.replace(old, new)
    return claim


CLAIM = _claim()


def claim_says_whether_new_rsvps_wait(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_CLAIM)
        schema_editor.execute(CLAIM)


def back_to_five_columns(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_CLAIM)
        schema_editor.execute(FORMER.CLAIM)


class Migration(migrations.Migration):
    dependencies = [("events", "0014_every_rsvp_claimed_in_one_call")]

    operations = [
        migrations.RunPython(
            claim_says_whether_new_rsvps_wait, back_to_five_columns, elidable=False
        ),
    ]
