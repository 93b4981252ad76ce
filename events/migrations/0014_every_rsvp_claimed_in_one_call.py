"""Every RSVP, repeat or new, held until confirmed or not, is one call to the claim.

On PostgreSQL a new RSVP was one call to ``events_claim_rsvp``, which writes the place
and the confirmation it owes; a repeat (the address had RSVPed) got "existing" back and
the application then wrote the confirmation it is sent again with four more statements
(get_or_create: a SELECT, then BEGIN, INSERT, COMMIT). The repeat took about twice as
long in-process (10.2 against 4.8 ms), and over HTTP the answer's timing told a
stranger that the address had RSVPed. The claim now writes that message too: the link
to confirm for a pending guest, the confirmation for anyone else.

An event that holds places until the guest confirms by e-mail (migration 0013) claimed
in Python, a new guest's row and owed link in more statements than a repeat's: the
same tell, at the small trainings the option is for. ``p_pending`` makes that claim
the function's too: a new or returning guest is stored pending (no place, not counted
by the places triggers, never waitlisted) and owed the link to confirm.

The function gains a parameter: dropped and created again (migration 0009's, back).
"""

from importlib import import_module

from django.db import migrations

FORMER = import_module("events.migrations.0009_places_changes")

DROP_CLAIM = (
    "DROP FUNCTION IF EXISTS events_claim_rsvp("
    "integer, bytea, bytea, varchar, varchar, timestamptz, boolean, boolean);"
)

CLAIM = """
CREATE FUNCTION events_claim_rsvp(
    p_event integer,
    p_name bytea,
    p_email bytea,
    p_email_hash varchar,
    p_language varchar,
    p_now timestamptz,
    p_owe boolean,
    p_pending boolean
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
    new_status varchar := CASE WHEN p_pending THEN 'pending' ELSE 'confirmed' END;
    new_id integer;
    new_version integer;
    -- What a new or returning guest is owed: the link to confirm when the place
    -- waits for it, the confirmation otherwise.
    owed_kind varchar := CASE WHEN p_pending THEN 'confirm_request'
                              ELSE 'confirmation' END;
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
        IF NOT p_pending THEN
            SELECT EXISTS (SELECT 1 FROM events_rsvp r
                            WHERE r.event_id = p_event AND r.status = 'waitlisted')
              INTO queued;
            -- Places freed for the waitlist are theirs, first come first served.
            IF taken >= ev.capacity OR (queued AND ev.waitlist) THEN
                new_status := 'waitlisted';
            END IF;
        END IF;
    END IF;
    decided := p_now + (clock_timestamp() - statement_timestamp());
    SELECT r.id, r.status INTO found_id, found_status FROM events_rsvp r
     WHERE r.event_id = p_event AND r.email_hash = p_email_hash;
    IF found_id IS NOT NULL AND found_status <> 'cancelled' THEN
        IF p_owe THEN
            -- Asking again sends the confirmation again (a lost e-mail); a pending
            -- guest gets the link to confirm again. Written here, as a new guest's
            -- is, so a repeat costs a new RSVP's one round trip.
            INSERT INTO events_guestmessage (
                rsvp_id, kind, key, status, attempts, error, created_at
            )
            SELECT found_id, again.kind,
                   again.kind || ':again:'
                       || floor(extract(epoch FROM p_now) * 1000000)::bigint,
                   'queued', 0, '', decided
              FROM (SELECT CASE WHEN found_status = 'pending' THEN 'confirm_request'
                                ELSE 'confirmation' END AS kind) AS again
            ON CONFLICT DO NOTHING;
        END IF;
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
        -- What the guest is owed, one per change (events.guest_mail).
        INSERT INTO events_guestmessage (
            rsvp_id, kind, key, status, attempts, error, created_at
        ) VALUES (
            new_id, owed_kind, owed_kind || ':' || new_version, 'queued', 0, '',
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


def claim_every_rsvp_in_one_call(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORMER.DROP_CLAIM)
        schema_editor.execute(CLAIM)


def back_to_seven_parameters(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_CLAIM)
        schema_editor.execute(FORMER.CLAIM)


class Migration(migrations.Migration):
    dependencies = [("events", "0013_rsvp_confirm_by_email")]

    operations = [
        migrations.RunPython(
            claim_every_rsvp_in_one_call, back_to_seven_parameters, elidable=False
        ),
    ]
