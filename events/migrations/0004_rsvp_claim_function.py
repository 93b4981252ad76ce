"""events_claim_rsvp(): an RSVP decided and stored in one round trip (PostgreSQL only).

RSVPs to one event serialize on the event row's lock, so the places can never be
over-given. Taken from Python, that lock was held across a dozen round trips, each one
also waiting for the GIL behind a threaded worker's other requests: about 25 RSVPs a
second per event. Here the lock lives only as long as the server runs this function and
commits. Each statement in a PL/pgSQL function takes a fresh snapshot, so the count of
places comes after the lock is granted (one SQL statement with a locking CTE would count
from before the wait). SQLite keeps the Python path in events.services, which takes the
database's write lock instead.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION events_claim_rsvp(
    p_event integer,
    p_name bytea,
    p_email bytea,
    p_email_hash varchar,
    p_language varchar,
    p_now timestamptz
) RETURNS TABLE (outcome text, rsvp_id integer, rsvp_status varchar)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    ev record;
    taken integer;
    queued boolean;
    found_id integer;
    found_status varchar;
    new_status varchar := 'confirmed';
    new_id integer;
    -- The moment the place was decided: the caller's clock (p_now, read before the
    -- call) plus the time this call waited for the lock, so the stamps follow the
    -- lock's order and stay on the application's clock (tests freeze it).
    decided timestamptz;
BEGIN
    SELECT e.rsvp_mode, e.cancelled, e.start, e.capacity, e.waitlist INTO ev
      FROM events_eventpage e WHERE e.page_ptr_id = p_event FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'missing'::text, NULL::integer, NULL::varchar; RETURN;
    END IF;
    IF ev.rsvp_mode <> 'internal' THEN
        RETURN QUERY SELECT 'no_rsvp'::text, NULL::integer, NULL::varchar; RETURN;
    END IF;
    IF ev.cancelled THEN
        RETURN QUERY SELECT 'cancelled'::text, NULL::integer, NULL::varchar; RETURN;
    END IF;
    IF ev.start <= p_now THEN
        RETURN QUERY SELECT 'closed'::text, NULL::integer, NULL::varchar; RETURN;
    END IF;
    IF ev.capacity IS NOT NULL THEN
        SELECT count(*) INTO taken FROM events_rsvp r
         WHERE r.event_id = p_event AND r.status = 'confirmed';
        -- Before looking the address up: a full event answers a guest and a stranger
        -- alike (the guest's confirmation e-mail is what tells).
        IF taken >= ev.capacity AND NOT ev.waitlist THEN
            RETURN QUERY SELECT 'full'::text, NULL::integer, NULL::varchar; RETURN;
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
        RETURN QUERY SELECT 'existing'::text, found_id, found_status; RETURN;
    END IF;
    IF found_id IS NOT NULL THEN
        -- They cancelled and changed their mind: the same row, at the back.
        UPDATE events_rsvp SET
            name = p_name, language = p_language, status = new_status,
            created_at = decided,
            waitlisted_at = CASE WHEN new_status = 'waitlisted' THEN decided END,
            cancelled_at = NULL, confirmation_queued_at = p_now,
            version = version + 1
         WHERE id = found_id;
        RETURN QUERY SELECT 'returned'::text, found_id, new_status; RETURN;
    END IF;
    INSERT INTO events_rsvp (
        event_id, name, email, email_hash, language, status, created_at,
        confirmation_queued_at, waitlisted_at, cancelled_at, checked_in_at, version
    ) VALUES (
        p_event, p_name, p_email, p_email_hash, p_language, new_status, decided,
        p_now, CASE WHEN new_status = 'waitlisted' THEN decided END, NULL, NULL, 0
    ) RETURNING id INTO new_id;
    RETURN QUERY SELECT 'created'::text, new_id, new_status;
END;
$$;
"""

DROP = "DROP FUNCTION IF EXISTS events_claim_rsvp(integer, bytea, bytea, varchar, varchar, timestamptz);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("events", "0003_i16_guests_reminders_notices")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
