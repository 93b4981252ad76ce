"""The places fragment's states in order: EventPlaces.changes, and the claim says it.

Each RSVP re-rendered the event's cached "places left" fragments after its commit, and
counted the places again for it (a query) since it could not tell whether another
change had been shown since its own. The triggers of migration 0006 now also number
every change of an event's confirmed count (``changes``), and ``events_claim_rsvp``
returns, with its outcome, the places left (under the event's lock, with the event's
own capacity; NULL when it has none) and that number. The refill that sets the
fragment's token records the number it showed, so the RSVP's refill shows its own
state when the record is older, and stops when it is newer (events.rsvps.refill_places,
cms.page_cache.purge_and_refill).
"""

from django.db import migrations, models

COUNT_PLACES = """
CREATE OR REPLACE FUNCTION events_count_places() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'confirmed' THEN
        UPDATE events_eventplaces
           SET confirmed = confirmed - 1, changes = changes + 1
         WHERE event_id = OLD.event_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'confirmed' THEN
        INSERT INTO events_eventplaces (event_id, confirmed, changes)
        VALUES (NEW.event_id, 1, 1)
        ON CONFLICT (event_id)
        DO UPDATE SET confirmed = events_eventplaces.confirmed + 1,
                      changes = events_eventplaces.changes + 1;
    END IF;
    RETURN NULL;
END;
$$;
"""

SQLITE_TRIGGERS = [
    """
CREATE TRIGGER events_rsvp_places_insert AFTER INSERT ON events_rsvp
WHEN NEW.status = 'confirmed'
BEGIN
    INSERT INTO events_eventplaces (event_id, confirmed, changes)
    VALUES (NEW.event_id, 1, 1)
    ON CONFLICT (event_id)
    DO UPDATE SET confirmed = confirmed + 1, changes = changes + 1;
END;
""",
    """
CREATE TRIGGER events_rsvp_places_delete AFTER DELETE ON events_rsvp
WHEN OLD.status = 'confirmed'
BEGIN
    UPDATE events_eventplaces SET confirmed = confirmed - 1, changes = changes + 1
     WHERE event_id = OLD.event_id;
END;
""",
    """
CREATE TRIGGER events_rsvp_places_update AFTER UPDATE OF status, event_id ON events_rsvp
BEGIN
    UPDATE events_eventplaces SET confirmed = confirmed - 1, changes = changes + 1
     WHERE event_id = OLD.event_id AND OLD.status = 'confirmed';
    INSERT INTO events_eventplaces (event_id, confirmed, changes)
    SELECT NEW.event_id, 1, 1 WHERE NEW.status = 'confirmed'
    ON CONFLICT (event_id)
    DO UPDATE SET confirmed = confirmed + 1, changes = changes + 1;
END;
""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS events_rsvp_places_insert;",
    "DROP TRIGGER IF EXISTS events_rsvp_places_delete;",
    "DROP TRIGGER IF EXISTS events_rsvp_places_update;",
]

CLAIM = """
CREATE FUNCTION events_claim_rsvp(
    p_event integer,
    p_name bytea,
    p_email bytea,
    p_email_hash varchar,
    p_language varchar,
    p_now timestamptz,
    p_owe boolean
) RETURNS TABLE (
    outcome text,
    rsvp_id integer,
    rsvp_status varchar,
    places_left integer,
    places_changes bigint
)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    ev record;
    taken integer;
    changed bigint;
    queued boolean;
    found_id integer;
    found_status varchar;
    new_status varchar := 'confirmed';
    new_id integer;
    new_version integer;
    -- The moment the place was decided: the caller's clock (p_now, read before the
    -- call) plus the time this call waited for the lock, so the stamps follow the
    -- lock's order and stay on the application's clock (tests freeze it).
    decided timestamptz;
BEGIN
    SELECT e.rsvp_mode, e.cancelled, e.start, e.capacity, e.waitlist INTO ev
      FROM events_eventpage e WHERE e.page_ptr_id = p_event FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'missing'::text, NULL::integer, NULL::varchar,
                            NULL::integer, NULL::bigint;
        RETURN;
    END IF;
    IF ev.rsvp_mode <> 'internal' THEN
        RETURN QUERY SELECT 'no_rsvp'::text, NULL::integer, NULL::varchar,
                            NULL::integer, NULL::bigint;
        RETURN;
    END IF;
    IF ev.cancelled THEN
        RETURN QUERY SELECT 'cancelled'::text, NULL::integer, NULL::varchar,
                            NULL::integer, NULL::bigint;
        RETURN;
    END IF;
    IF ev.start <= p_now THEN
        RETURN QUERY SELECT 'closed'::text, NULL::integer, NULL::varchar,
                            NULL::integer, NULL::bigint;
        RETURN;
    END IF;
    IF ev.capacity IS NOT NULL THEN
        SELECT coalesce(
            (SELECT p.confirmed FROM events_eventplaces p WHERE p.event_id = p_event),
            0) INTO taken;
        -- Before looking the address up: a full event answers a guest and a stranger
        -- alike (the guest's confirmation e-mail is what tells).
        IF taken >= ev.capacity AND NOT ev.waitlist THEN
            RETURN QUERY SELECT 'full'::text, NULL::integer, NULL::varchar,
                                NULL::integer, NULL::bigint;
            RETURN;
        END IF;
        SELECT EXISTS (SELECT 1 FROM events_rsvp r
                        WHERE r.event_id = p_event AND r.status = 'waitlisted')
          INTO queued;
        -- Places freed for the waitlist are theirs, first come first served.
        IF taken >= ev.capacity OR (queued AND ev.waitlist) THEN
            new_status := 'waitlisted';
        END IF;
    END IF;
    decided := p_now + (clock_timestamp() - statement_timestamp());
    SELECT r.id, r.status INTO found_id, found_status FROM events_rsvp r
     WHERE r.event_id = p_event AND r.email_hash = p_email_hash;
    IF found_id IS NOT NULL AND found_status <> 'cancelled' THEN
        RETURN QUERY SELECT 'existing'::text, found_id, found_status,
                            NULL::integer, NULL::bigint;
        RETURN;
    END IF;
    IF found_id IS NOT NULL THEN
        -- They cancelled and changed their mind: the same row, at the back.
        UPDATE events_rsvp SET
            name = p_name, language = p_language, status = new_status,
            created_at = decided,
            waitlisted_at = CASE WHEN new_status = 'waitlisted' THEN decided END,
            cancelled_at = NULL, version = version + 1
         WHERE id = found_id
        RETURNING version INTO new_version;
        new_id := found_id;
    ELSE
        INSERT INTO events_rsvp (
            event_id, name, email, email_hash, language, status, created_at,
            waitlisted_at, cancelled_at, checked_in_at, version
        ) VALUES (
            p_event, p_name, p_email, p_email_hash, p_language, new_status, decided,
            CASE WHEN new_status = 'waitlisted' THEN decided END, NULL, NULL, 0
        ) RETURNING id, version INTO new_id, new_version;
    END IF;
    IF p_owe THEN
        -- The confirmation the guest is owed, one per change (events.guest_mail).
        INSERT INTO events_guestmessage (
            rsvp_id, kind, key, status, attempts, error, created_at
        ) VALUES (
            new_id, 'confirmation', 'confirmation:' || new_version, 'queued', 0, '',
            decided
        ) ON CONFLICT DO NOTHING;
    END IF;
    -- The places left after this RSVP (its row's trigger has counted it) and the
    -- number of that state, still under the event's lock: no other change between.
    SELECT p.confirmed, p.changes INTO taken, changed
      FROM events_eventplaces p WHERE p.event_id = p_event;
    RETURN QUERY SELECT
        CASE WHEN found_id IS NULL THEN 'created' ELSE 'returned' END::text,
        new_id, new_status,
        CASE WHEN ev.capacity IS NULL THEN NULL
             ELSE greatest(ev.capacity - coalesce(taken, 0), 0) END,
        coalesce(changed, 0);
END;
$$;
"""

DROP_CLAIM = (
    "DROP FUNCTION IF EXISTS "
    "events_claim_rsvp(integer, bytea, bytea, varchar, varchar, timestamptz, boolean);"
)


def drop_sqlite_triggers(apps, schema_editor):
    # SQLite rebuilds events_eventplaces to add the column, and refuses while
    # triggers on events_rsvp name it: they go first and come back numbering.
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


def restore_former_sqlite_triggers(apps, schema_editor):
    from importlib import import_module

    former = import_module("events.migrations.0006_places_counted_by_triggers")
    if schema_editor.connection.vendor == "sqlite":
        for statement in former.SQLITE:
            schema_editor.execute(statement)


def number_the_changes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(COUNT_PLACES)
        # The result's columns change: a new function, not a replacement.
        schema_editor.execute(DROP_CLAIM)
        schema_editor.execute(CLAIM)
    elif vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"no places triggers for {vendor}")


def stop_numbering(apps, schema_editor):
    from importlib import import_module

    former = import_module("events.migrations.0006_places_counted_by_triggers")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP_CLAIM)
        schema_editor.execute(former._claim_function(reading=True))
        schema_editor.execute(former.POSTGRES.split("CREATE TRIGGER")[0])
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("events", "0008_rsvp_column_names")]

    operations = [
        migrations.RunPython(
            drop_sqlite_triggers, restore_former_sqlite_triggers, elidable=False
        ),
        migrations.AddField(
            model_name="eventplaces",
            name="changes",
            field=models.BigIntegerField(db_default=0),
        ),
        migrations.RunPython(number_the_changes, stop_numbering, elidable=False),
    ]
