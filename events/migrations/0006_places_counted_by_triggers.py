"""An event's confirmed RSVPs, counted by the database (EventPlaces).

Every RSVP counted the event's confirmed rows twice (the claim, under the event's lock,
and the places fragment's refill): 2.7 ms of PostgreSQL each at 10,000 RSVPs, growing
with the rally. Triggers on events_rsvp keep the count for every insert, change of
status or event, and delete, whoever makes it (an RSVP, a cancellation, a promotion,
the admin, a cascade), on PostgreSQL and SQLite alike; the claim function reads it.
(tests/events/test_places_count.py checks the count against the rows after every kind
of change, so a later migration that drops a trigger, as SQLite's table rebuilds do,
fails there.)
"""

from importlib import import_module

from django.db import migrations, models
import django.db.models.deletion

POSTGRES = """
CREATE OR REPLACE FUNCTION events_count_places() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'confirmed' THEN
        UPDATE events_eventplaces SET confirmed = confirmed - 1
         WHERE event_id = OLD.event_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'confirmed' THEN
        INSERT INTO events_eventplaces (event_id, confirmed) VALUES (NEW.event_id, 1)
        ON CONFLICT (event_id)
        DO UPDATE SET confirmed = events_eventplaces.confirmed + 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER events_rsvp_places
AFTER INSERT OR DELETE OR UPDATE OF status, event_id ON events_rsvp
FOR EACH ROW EXECUTE FUNCTION events_count_places();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS events_rsvp_places ON events_rsvp;
DROP FUNCTION IF EXISTS events_count_places();
"""

SQLITE = [
    """
CREATE TRIGGER events_rsvp_places_insert AFTER INSERT ON events_rsvp
WHEN NEW.status = 'confirmed'
BEGIN
    INSERT INTO events_eventplaces (event_id, confirmed) VALUES (NEW.event_id, 1)
    ON CONFLICT (event_id) DO UPDATE SET confirmed = confirmed + 1;
END;
""",
    """
CREATE TRIGGER events_rsvp_places_delete AFTER DELETE ON events_rsvp
WHEN OLD.status = 'confirmed'
BEGIN
    UPDATE events_eventplaces SET confirmed = confirmed - 1
     WHERE event_id = OLD.event_id;
END;
""",
    """
CREATE TRIGGER events_rsvp_places_update AFTER UPDATE OF status, event_id ON events_rsvp
BEGIN
    UPDATE events_eventplaces SET confirmed = confirmed - 1
     WHERE event_id = OLD.event_id AND OLD.status = 'confirmed';
    INSERT INTO events_eventplaces (event_id, confirmed)
    SELECT NEW.event_id, 1 WHERE NEW.status = 'confirmed'
    ON CONFLICT (event_id) DO UPDATE SET confirmed = confirmed + 1;
END;
""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS events_rsvp_places_insert;",
    "DROP TRIGGER IF EXISTS events_rsvp_places_delete;",
    "DROP TRIGGER IF EXISTS events_rsvp_places_update;",
]

BACKFILL = """
INSERT INTO events_eventplaces (event_id, confirmed)
SELECT event_id, count(*) FROM events_rsvp WHERE status = 'confirmed' GROUP BY event_id
"""

COUNTED = """        SELECT count(*) INTO taken FROM events_rsvp r
         WHERE r.event_id = p_event AND r.status = 'confirmed';"""
READ = """        SELECT coalesce(
            (SELECT p.confirmed FROM events_eventplaces p WHERE p.event_id = p_event),
            0) INTO taken;"""


def _claim_function(reading: bool) -> str:
    former = import_module("events.migrations.0005_confirmation_as_guest_message")
    assert COUNTED in former.CREATE
    return former.CREATE.replace(COUNTED, READ) if reading else former.CREATE


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"no places triggers for {vendor}")
    # Inside the migration's transaction: no RSVP can change between the two.
    schema_editor.execute(BACKFILL)
    if vendor == "postgresql":
        schema_editor.execute(_claim_function(reading=True))


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_claim_function(reading=False))
        schema_editor.execute(POSTGRES_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("events", "0005_confirmation_as_guest_message")]

    operations = [
        migrations.CreateModel(
            name="EventPlaces",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="events.eventpage",
                    ),
                ),
                ("confirmed", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
