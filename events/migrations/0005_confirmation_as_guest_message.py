"""The RSVP confirmation becomes an owed GuestMessage, written by the claim itself.

A crowd's RSVPs each published one Celery task for their confirmation: 2.2 M
instructions of the web worker per RSVP, more than the rest of it. Now the claim writes
the owed message in the same statement (PostgreSQL: events_claim_rsvp gains
``p_owe``) and the guest-message sender, which finds its own work, is queued once per
burst (cms.wakeup). Confirmations a broker outage kept from the queue (an empty
``confirmation_queued_at``) become owed messages here; that column and its index go.
Confirmation tasks already in the queue at the upgrade are still run
(events.tasks.send_rsvp_confirmation_task).
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

CREATE = """
CREATE OR REPLACE FUNCTION events_claim_rsvp(
    p_event integer,
    p_name bytea,
    p_email bytea,
    p_email_hash varchar,
    p_language varchar,
    p_now timestamptz,
    p_owe boolean
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
    new_version integer;
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
    RETURN QUERY SELECT
        CASE WHEN found_id IS NULL THEN 'created' ELSE 'returned' END::text,
        new_id, new_status;
END;
$$;
"""

DROP = (
    "DROP FUNCTION IF EXISTS "
    "events_claim_rsvp(integer, bytea, bytea, varchar, varchar, timestamptz, boolean);"
)
DROP_FORMER = (
    "DROP FUNCTION IF EXISTS "
    "events_claim_rsvp(integer, bytea, bytea, varchar, varchar, timestamptz);"
)


def owe_unqueued_confirmations(apps, schema_editor):
    """What the resend beat task would have queued: confirmations of RSVPs still
    standing, not older than EMAIL_RESEND_MAX_AGE, that never reached the queue."""
    Rsvp = apps.get_model("events", "Rsvp")
    GuestMessage = apps.get_model("events", "GuestMessage")
    since = timezone.now() - timedelta(seconds=settings.EMAIL_RESEND_MAX_AGE)
    unqueued = Rsvp.objects.filter(
        confirmation_queued_at=None, created_at__gte=since
    ).exclude(status="cancelled")
    GuestMessage.objects.bulk_create(
        [
            GuestMessage(
                rsvp_id=pk, kind="confirmation", key=f"confirmation:{version}"
            )
            for pk, version in unqueued.values_list("pk", "version")
        ],
        ignore_conflicts=True,
    )


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FORMER)
        schema_editor.execute(CREATE)


def restore_former_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        former = import_module("events.migrations.0004_rsvp_claim_function")
        schema_editor.execute(DROP)
        schema_editor.execute(former.CREATE)


class Migration(migrations.Migration):
    dependencies = [("events", "0004_rsvp_claim_function")]

    operations = [
        migrations.AlterField(
            model_name="guestmessage",
            name="kind",
            field=models.CharField(
                choices=[
                    ("confirmation", "RSVP confirmation"),
                    ("update", "update"),
                    ("cancellation", "cancellation"),
                    ("reminder", "reminder"),
                    ("promoted", "place confirmed from the waitlist"),
                    ("rsvp_cancelled", "RSVP cancelled by the guest"),
                ],
                max_length=16,
            ),
        ),
        migrations.RunPython(owe_unqueued_confirmations, migrations.RunPython.noop),
        # The function no longer writes the column: it goes before the column does.
        migrations.RunPython(create_function, restore_former_function, elidable=False),
        migrations.RemoveIndex(model_name="rsvp", name="rsvp_unqueued"),
        migrations.RemoveField(model_name="rsvp", name="confirmation_queued_at"),
    ]
