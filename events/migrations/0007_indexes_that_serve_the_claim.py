"""Drop the single-column indexes the composite ones already serve.

``events_rsvp.event_id`` had its own index beside ``(event_id, email_hash)`` (unique)
and ``(event_id, status)``. The claim function's statements are planned once per
connection (PL/pgSQL keeps a generic plan), and planned while the table has no
statistics yet (a new site's first rally, until autovacuum analyses it; every storm
benchmark) the lone ``event_id`` index looks as good as the composite ones: the plan
then looks up "this address's RSVP" and "anyone waitlisted" by reading every RSVP of
the event and filtering, so each RSVP cost more than the one before (the claim's time
per RSVP grew from 0.7 ms to 3.8-5.3 ms within 4,000 RSVPs, bench/RESULTS.md).
Without that index the address is looked up by the unique index. "Anyone waitlisted"
gets a partial index of its own (the waitlist in its order, which also answers "who is
first"): without statistics the unique index looks as good for it as
``(event_id, status)``, and was chosen. Now the plans do not depend on statistics.

``events_guestmessage.rsvp_id`` is served by ``(rsvp_id, key)`` (unique) in the same
way; ``notice_id`` and ``reminder_id`` are empty on most messages (confirmations,
promotions...), so their indexes keep only the rows that have one. Each owed message
now writes three index entries instead of six.

Plain ``DROP INDEX`` on both databases: altering the foreign keys would make SQLite
rebuild ``events_rsvp`` and lose its places triggers (migration 0006).
"""

from django.db import migrations, models
import django.db.models.deletion

# (index, table, column): Django's names for the foreign keys' indexes (the same on
# both databases).
SINGLE_COLUMN = [
    ("events_rsvp_event_id_312e1877", "events_rsvp", "event_id"),
    ("events_guestmessage_rsvp_id_9714c9f7", "events_guestmessage", "rsvp_id"),
    ("events_guestmessage_notice_id_bff27f3b", "events_guestmessage", "notice_id"),
    ("events_guestmessage_reminder_id_c7266b22", "events_guestmessage", "reminder_id"),
]


def _drop(index, table, column):
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{index}"',
        reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
    )


class Migration(migrations.Migration):
    dependencies = [("events", "0006_places_counted_by_triggers")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[_drop(*index) for index in SINGLE_COLUMN],
            state_operations=[
                migrations.AlterField(
                    model_name="rsvp",
                    name="event",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rsvps",
                        to="events.eventpage",
                    ),
                ),
                migrations.AlterField(
                    model_name="guestmessage",
                    name="rsvp",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="messages",
                        to="events.rsvp",
                    ),
                ),
                migrations.AlterField(
                    model_name="guestmessage",
                    name="notice",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="events.eventnotice",
                    ),
                ),
                migrations.AlterField(
                    model_name="guestmessage",
                    name="reminder",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="events.eventreminder",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="rsvp",
            index=models.Index(
                condition=models.Q(status="waitlisted"),
                fields=["event", "waitlisted_at", "id"],
                name="rsvp_waitlist",
            ),
        ),
        migrations.AddIndex(
            model_name="guestmessage",
            index=models.Index(
                condition=models.Q(notice__isnull=False),
                fields=["notice"],
                name="guestmessage_notice",
            ),
        ),
        migrations.AddIndex(
            model_name="guestmessage",
            index=models.Index(
                condition=models.Q(reminder__isnull=False),
                fields=["reminder"],
                name="guestmessage_reminder",
            ),
        ),
    ]
