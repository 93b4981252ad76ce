"""The outside audit, replayed from the public side: HTTP through the real middleware
stack under the production settings (tests/security/production.py). Each test is one
finding's attack, and asserts that it no longer works.

The client behind a proxy and the Redis keys are also replayed against a real
gunicorn in test_behind_a_proxy.py.
"""

import base64
import fcntl
import io
import json
import logging
import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from freezegun import freeze_time

from campaigns.models import Signature
from cms import ratelimit
from cms.accesslog import RedactingFormatter
from events.models import GuestMessage, Rsvp
from events.services import record_rsvp, send_rsvp_confirmation
from subscribers import crypto, tokens
from subscribers.models import SignupPage, Subscriber, Subscription, Suppression
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    UserFactory,
    build_event,
    build_petition_page,
)
from tests.security.production import https_client
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db

SECRET = "hook-user:hook-pass"
SIGNING_KEY = "mailgun-signing-key"
VICTIM = "victim@example.org"
PROXY = "10.0.0.2"  # the reverse proxy every request arrives from


@pytest.fixture
def world(home_page):
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    signup = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    signup.save_revision().publish()
    campaign = CampaignFactory(slug="with-you")
    campaign.default_lists.add(legal)
    petition = build_petition_page(home_page, campaign, require_verification=True)
    event = build_event(title="Know Your Rights", rsvp_mode="internal")
    return {"legal": legal, "signup": signup, "petition": petition, "event": event}


def basic_auth(secret: str = SECRET) -> str:
    return "Basic " + base64.b64encode(secret.encode()).decode()


POSTMARK_BOUNCE = {
    "RecordType": "Bounce",
    "Type": "HardBounce",
    "TypeCode": 1,
    "ID": 1,
    "Email": VICTIM,
}


# --- 1. Forged webhooks suppress any address -------------------------------------------


def post_json(client, path, payload, **headers):
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return client.post(path, body, content_type="application/json", **headers)


def test_other_providers_webhooks_are_not_mounted(production, settings):
    settings.EMAIL_PROVIDER = "mailgun"
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
        "MAILGUN_API_KEY": "key",
    }
    client = https_client()
    for path in (
        "/anymail/postmark/tracking/",
        "/anymail/brevo/tracking/",
        "/anymail/sendinblue/tracking/",
        "/anymail/sparkpost/tracking/",
        "/anymail/mailgun/inbound/",
        "/anymail/postmark/inbound/",
        "/anymail/mandrill/",
    ):
        response = post_json(
            client, path, POSTMARK_BOUNCE, HTTP_AUTHORIZATION=basic_auth()
        )
        assert response.status_code == 404, path
    assert not Suppression.objects.exists()


def test_a_webhook_without_its_secret_or_signing_key_is_closed(production, settings):
    client = https_client()
    settings.EMAIL_PROVIDER = "postmark"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "token"}  # no WEBHOOK_SECRET
    response = post_json(client, "/anymail/postmark/tracking/", POSTMARK_BOUNCE)
    assert response.status_code == 404
    # Mailgun with the shared secret but no signing key: anymail would fall back to
    # checking signatures against the API key; we want the real signing key.
    settings.EMAIL_PROVIDER = "mailgun"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_API_KEY": "api-key"}
    payload = mailgun_bounce(key="api-key")
    response = post_json(
        client, "/anymail/mailgun/tracking/", payload, HTTP_AUTHORIZATION=basic_auth()
    )
    assert response.status_code == 404
    assert not Suppression.objects.exists()


def test_check_deploy_warns_while_the_webhook_is_closed(settings):
    from django.core.checks import run_checks

    settings.EMAIL_PROVIDER = "mailgun"
    settings.ANYMAIL = {"MAILGUN_API_KEY": "api-key"}
    found = [
        message.id
        for message in run_checks(include_deployment_checks=True)
        if message.id == "cms.W150"
    ]
    assert found == ["cms.W150"]
    settings.ANYMAIL = {
        "MAILGUN_API_KEY": "api-key",
        "WEBHOOK_SECRET": SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
    }
    messages = run_checks(include_deployment_checks=True)
    assert "cms.W150" not in {message.id for message in messages}


def mailgun_bounce(*, key: str = SIGNING_KEY, token: str = "t" * 50) -> dict:
    import hashlib
    import hmac
    import time

    stamp = str(int(time.time()))
    signature = hmac.new(key.encode(), (stamp + token).encode(), hashlib.sha256)
    return {
        "signature": {
            "token": token,
            "timestamp": stamp,
            "signature": signature.hexdigest(),
        },
        "event-data": {
            "event": "failed",
            "severity": "permanent",
            "timestamp": float(stamp),
            "id": "evt-" + token[:8],
            "recipient": VICTIM,
        },
    }


@pytest.fixture
def mailgun_webhook(settings):
    """Mailgun is the provider, with its webhook's basic auth and signing key set."""
    settings.EMAIL_PROVIDER = "mailgun"
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
        "MAILGUN_API_KEY": "key",
    }


def test_basic_auth_alone_is_not_enough_where_the_provider_signs(
    production, mailgun_webhook
):
    client = https_client()
    url = "/anymail/mailgun/tracking/"
    forged = mailgun_bounce(key="guessed-key")
    assert (
        post_json(client, url, forged, HTTP_AUTHORIZATION=basic_auth()).status_code
        == 400
    )
    unsigned = mailgun_bounce()
    del unsigned["signature"]
    assert (
        post_json(client, url, unsigned, HTTP_AUTHORIZATION=basic_auth()).status_code
        == 400
    )
    assert post_json(client, url, mailgun_bounce()).status_code == 400  # no basic auth
    assert not Suppression.objects.exists()
    # The provider itself still gets through: the same request, signed and authorised.
    genuine = post_json(client, url, mailgun_bounce(), HTTP_AUTHORIZATION=basic_auth())
    assert genuine.status_code == 200
    assert Suppression.objects.get().email_hash == crypto.lookup_hash(VICTIM)


def test_forged_webhook_calls_are_one_warning_line_each(
    production, mailgun_webhook, caplog
):
    """Anyone can post to the webhook: a refused call is one line saying which
    provider and why, not an ERROR with a traceback (a flood would page the on-call)."""
    client = https_client()
    url = "/anymail/mailgun/tracking/"
    with caplog.at_level(logging.INFO):
        forged = post_json(
            client, url, mailgun_bounce(key="guessed"), HTTP_AUTHORIZATION=basic_auth()
        )
        no_auth = post_json(client, url, mailgun_bounce())

    assert forged.status_code == no_auth.status_code == 400
    refusals = [
        r
        for r in caplog.records
        if r.name == "django.security.AnymailWebhookValidationFailure"
    ]
    assert len(refusals) == 2
    assert [(r.levelno, r.exc_info) for r in refusals] == [(logging.WARNING, None)] * 2
    assert all("Mailgun" in r.getMessage() for r in refusals)
    assert "signature" in refusals[0].getMessage()
    assert "basic auth" in refusals[1].getMessage()


def test_unsigned_provider_needs_the_secret_and_optionally_its_networks(
    production, settings
):
    settings.EMAIL_PROVIDER = "postmark"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "POSTMARK_SERVER_TOKEN": "token"}
    settings.WEBHOOK_ALLOWED_NETWORKS = ["192.0.2.0/24"]
    url = "/anymail/postmark/tracking/"
    outsider = https_client(REMOTE_ADDR="203.0.113.5")
    assert post_json(outsider, url, POSTMARK_BOUNCE).status_code in (400, 403)
    stolen_secret = post_json(
        outsider, url, POSTMARK_BOUNCE, HTTP_AUTHORIZATION=basic_auth()
    )
    assert stolen_secret.status_code == 403
    assert not Suppression.objects.exists()
    postmark = https_client(REMOTE_ADDR="192.0.2.10")
    assert post_json(postmark, url, POSTMARK_BOUNCE).status_code == 400  # no secret
    genuine = post_json(postmark, url, POSTMARK_BOUNCE, HTTP_AUTHORIZATION=basic_auth())
    assert genuine.status_code == 200
    assert Suppression.objects.filter(email_hash=crypto.lookup_hash(VICTIM)).exists()


# --- 2. Rate limits were site-wide behind a proxy --------------------------------------


def rsvp(client, event, email, name="Ana Morales", **extra):
    data = {"name": name, "email": email, "website": "", **extra}
    return client.post(event.url + "rsvp/", data)


def sign(client, petition, email, name="Ana Morales"):
    data = {"name": name, "email": email, "zip_code": "", "website": ""}
    return client.post(f"/petitions/{petition.pk}/sign/", data)


def visitor(address: str, *, spoofed: str = ""):
    """A browser at ``address`` behind our proxy (which appends what it saw)."""
    forwarded = f"{spoofed}, {address}" if spoofed else address
    return https_client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def test_behind_a_proxy_each_visitor_has_their_own_limit(
    production, settings, world, rate_limit
):
    settings.TRUSTED_PROXY_COUNT = 1
    rate_limit("rsvp.client", "3/1h")
    rate_limit("petition.client", "3/10m")
    event, petition = world["event"], world["petition"]
    # Ten visitors, one proxy: before, the 11th RSVP of the hour was a 429 for all.
    for n in range(10):
        browser = visitor(f"198.51.100.{n + 1}")
        assert rsvp(browser, event, f"guest{n}@example.org").status_code == 303
        assert sign(browser, petition, f"signer{n}@example.org").status_code == 303
    # One visitor past the limit is stopped, and a forged X-Forwarded-For entry in
    # front of the proxy's does not make them somebody else.
    noisy = [
        rsvp(visitor("203.0.113.7", spoofed=f"192.0.2.{n}"), event, f"n{n}@example.org")
        for n in range(4)
    ]
    assert [r.status_code for r in noisy] == [303, 303, 303, 429]
    assert rsvp(visitor("198.51.100.99"), event, "late@example.org").status_code == 303
    assert Rsvp.objects.count() == 14


def test_a_crowd_on_one_carrier_address_is_not_locked_out(production, world):
    """Default limits: a rally's phones behind one carrier address all get through."""
    carrier = https_client(REMOTE_ADDR="198.51.100.200")
    event, petition = world["event"], world["petition"]
    rsvps = [rsvp(carrier, event, f"p{n}@example.org").status_code for n in range(100)]
    signed = [
        sign(carrier, petition, f"s{n}@example.org").status_code for n in range(100)
    ]
    assert set(rsvps) == set(signed) == {303}
    assert Rsvp.objects.count() == 100
    assert Signature.objects.count() == 100


# --- 3. The RSVP form revealed attendance ---------------------------------------------


def test_a_full_event_answers_a_guest_and_a_stranger_alike(production, home_page):
    event = build_event(title="Know Your Rights", rsvp_mode="internal", capacity=1)
    event.waitlist = False
    event.save_revision().publish()
    record_rsvp(event_id=event.pk, name="Ana", email="guest@example.org", language="en")
    answers = [
        rsvp(https_client(), event, email)
        for email in ("guest@example.org", "stranger@example.org", "GUEST@example.org")
    ]
    assert {response.status_code for response in answers} == {200}
    bodies = {response.content for response in answers}
    assert len(bodies) == 1, "the page must not tell a guest from a stranger"
    assert "Sorry, this event is full." in answers[0].content.decode()
    assert Rsvp.objects.count() == 1


# --- 4. Mail bombing ----------------------------------------------------------------------


def test_the_daily_allowance_of_verification_and_confirmation_mails_per_mailbox(
    production, world, queued, settings, django_capture_on_commit_callbacks
):
    """Repeated signatures, plus-address and dot variants and a signup to the same
    mailbox: the mailbox's allowance in all (3 a day). RSVPs to an event have their own allowance per
    mailbox and event (a guest must get the event's details even after another
    e-mail that day): however many variants RSVP, two confirmations at most, and
    no place without its confirmation."""
    victim = ["victim@gmail.com", "vic.tim@gmail.com", "Victim+1@gmail.com"]
    victim += ["victim+2@googlemail.com", "v.i.c.t.i.m+3@gmail.com"]
    client = https_client(REMOTE_ADDR="203.0.113.50")
    signup = {"email": "victim+9@gmail.com", "language": "en"}
    signup["lists"] = [world["legal"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        for address in victim:
            assert sign(client, world["petition"], address).status_code == 303
        assert client.post(world["signup"].url, signup).status_code == 200
        answers = [
            rsvp(client, world["event"], address).status_code
            for address in ("victim+10@gmail.com", "vic.tim+11@gmail.com", *victim)
        ]
    # Two places with their e-mails; then nothing stored or sent (a place with no
    # e-mail has no cancel link), and the answer anybody gets, as past
    # RATE_LIMIT_RSVP_PER_ADDRESS (5/1h): a 429 told who had RSVPed.
    assert answers == [303] * 7
    assert Rsvp.objects.count() == 2
    mails = [
        name
        for name, _ in queued
        if name
        in {
            "send_signature_verification_task",
            "send_confirmation_task",
            "send_guest_messages_task",
        }
    ]
    # (The guest-message sender is queued to send what is owed: the rows count.)
    assert settings.RATE_LIMITS["confirmation-mail.address"] == "3/1d"
    assert [name for name in mails if name != "send_guest_messages_task"] == [
        "send_signature_verification_task"
    ] * 3
    assert GuestMessage.objects.count() == 2, "the RSVP's first, and one again"
    # One signature per mailbox, stored in the form first typed (only the limits and
    # the mailbox's hash normalise).
    stored = [signature.email for signature in Signature.objects.all()]
    assert stored == ["victim@gmail.com"]


def test_plus_tags_share_the_signup_limit(production, world, queued):
    client = https_client(REMOTE_ADDR="203.0.113.51")
    for n in range(8):
        data = {"email": f"ana+{n}@example.org", "language": "en"}
        data["lists"] = [world["legal"].pk]
        assert client.post(world["signup"].url, data).status_code == 200
    # RATE_LIMIT_SIGNUP_PER_ADDRESS (5/1h): the rest were answered the same, unstored.
    assert run_signup_requests() == 5
    assert Subscriber.objects.count() == 5


def run_password_resets(queued) -> None:
    from cms.tasks import send_password_reset_task

    for name, args in queued:
        if name == "send_password_reset_task":
            send_password_reset_task(*args)


def test_password_reset_mails_are_throttled(production, home_page, queued):
    UserFactory(username="maria", email="maria@ona.example.org")
    client = https_client(REMOTE_ADDR="203.0.113.52")
    answers = [
        client.post("/admin/password_reset/", {"email": "maria@ona.example.org"})
        for _ in range(11)
    ]
    assert {response.status_code for response in answers} == {302}
    run_password_resets(queued)
    assert len(mail.outbox) == 3  # RATE_LIMIT_PASSWORD_RESET_PER_ADDRESS
    # And one client cannot walk through the staff list either.
    more = [
        client.post("/admin/password_reset/", {"email": f"x{n}@example.org"})
        for n in range(12)
    ]
    assert more[-1].status_code == 429
    assert "Too many attempts" in more[-1].content.decode()


def test_password_reset_answers_a_staff_address_like_any_other(
    production, home_page, queued
):
    """The reset form did the sending in the request: a staff address waited for the
    mail server or the ESP (through gunicorn with the file outbox 13 ms against 11,
    with an ESP a whole HTTPS call), so the clock told who has an account. Now the
    request does the same for every address and the worker sends."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    UserFactory(username="maria", email="maria@ona.example.org")

    def ask(email: str):
        client = https_client(REMOTE_ADDR="203.0.113.53")
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/admin/password_reset/", {"email": email})
        return response, len(queries), len(mail.outbox)

    staff, staff_queries, sent_by_staff = ask("Maria@ona.example.org")
    stranger, stranger_queries, sent_by_stranger = ask("nobody@ona.example.org")
    assert staff.status_code == stranger.status_code == 302
    assert staff["Location"] == stranger["Location"]
    assert sent_by_staff == sent_by_stranger == 0, "nothing is sent in the request"
    assert staff_queries == stranger_queries
    assert [name for name, _args in queued] == ["send_password_reset_task"] * 2
    # The worker sends the staff member their link, in the language asked in.
    run_password_resets(queued)
    assert [message.to for message in mail.outbox] == [["maria@ona.example.org"]]
    link = re.search(r"(/admin/password_reset/confirm/\S+)", mail.outbox[0].body)
    page = https_client().get(link.group(1), follow=True)
    assert page.status_code == 200
    assert b"new_password1" in page.content, "the link opens the new-password form"


# --- 5. Admin login brute force -------------------------------------------------------


def login(client, username, password):
    return client.post("/admin/login/", {"username": username, "password": password})


def test_password_guessing_locks_the_name_and_the_client(production, home_page):
    UserFactory(username="organizer", password="the-right-passphrase-42")
    guesser = https_client(REMOTE_ADDR="203.0.113.60")
    answers = [login(guesser, "organizer", f"guess-{n}") for n in range(60)]
    assert answers[0].status_code == 200  # the form again, with its error
    assert answers[-1].status_code == 429
    assert "Too many wrong passwords" in answers[-1].content.decode()
    # The right password no longer works from there...
    right = login(guesser, "organizer", "the-right-passphrase-42")
    assert right.status_code == 429
    assert SESSION_KEY not in guesser.session
    # ...nor from elsewhere for that name (locked by name), and that client cannot
    # move on to another name (locked by client).
    elsewhere = https_client(REMOTE_ADDR="198.51.100.61")
    assert login(elsewhere, "organizer", "the-right-passphrase-42").status_code == 429
    UserFactory(username="editor", password="another-passphrase-43")
    assert login(guesser, "editor", "another-passphrase-43").status_code == 429
    # An honest colleague elsewhere signs in normally.
    colleague = https_client(REMOTE_ADDR="198.51.100.62")
    assert login(colleague, "editor", "another-passphrase-43").status_code == 302
    # An administrator can lift the name's lock before the cool-off ends.
    call_command("unlock_sign_in", "organizer", stdout=io.StringIO())
    assert login(elsewhere, "organizer", "the-right-passphrase-42").status_code == 302
    assert login(guesser, "organizer", "the-right-passphrase-42").status_code == 429
    # All of it in the cache under keyed hashes: axes' tables (with their IP address
    # columns) stay empty.
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()


def test_guesses_at_a_name_never_lock_its_owner_out_of_their_own_browser(
    production, home_page
):
    """Wrong guesses at an organizer's name, from anywhere, lock that name; but not in
    a browser the organizer has signed in from, which a signed cookie remembers."""
    from cms.logins import DEVICE_COOKIE

    UserFactory(username="organizer", password="the-right-passphrase-42")
    UserFactory(username="editor", password="another-passphrase-43")
    owner = https_client(REMOTE_ADDR="198.51.100.70")
    assert login(owner, "organizer", "the-right-passphrase-42").status_code == 302
    remembered = owner.cookies[DEVICE_COOKIE]
    assert remembered["httponly"]
    assert remembered["secure"]
    assert remembered["path"] == "/admin/", "public pages never see it"
    assert "organizer" not in remembered.value, "a keyed hash, signed; no name"

    guesser = https_client(REMOTE_ADDR="203.0.113.70")
    answers = [login(guesser, "organizer", f"guess-{n}") for n in range(12)]
    assert answers[-1].status_code == 429
    # The name is locked on any other browser...
    new_browser = https_client(REMOTE_ADDR="198.51.100.71")
    assert login(new_browser, "organizer", "the-right-passphrase-42").status_code == 429

    def browser(cookie: str, address: str):
        client = https_client(REMOTE_ADDR=address)
        client.cookies[DEVICE_COOKIE] = cookie
        return client

    # ...and on one carrying an altered cookie, or one remembered for another name...
    altered = browser(remembered.value[:-3] + "abc", "198.51.100.72")
    assert login(altered, "organizer", "the-right-passphrase-42").status_code == 429
    colleague = https_client(REMOTE_ADDR="198.51.100.73")
    assert login(colleague, "editor", "another-passphrase-43").status_code == 302
    theirs = browser(colleague.cookies[DEVICE_COOKIE].value, "198.51.100.73")
    assert login(theirs, "organizer", "the-right-passphrase-42").status_code == 429
    # ...but the owner's own browser, from its usual address or a new one, signs in.
    again = browser(remembered.value, "198.51.100.70")
    assert login(again, "organizer", "the-right-passphrase-42").status_code == 302
    assert SESSION_KEY in again.session
    travelling = browser(remembered.value, "192.0.2.74")
    assert login(travelling, "organizer", "the-right-passphrase-42").status_code == 302
    # Guessing from a remembered browser still locks that client.
    stolen = browser(remembered.value, "203.0.113.75")
    tries = [login(stolen, "organizer", f"guess-{n}") for n in range(12)]
    assert tries[-1].status_code == 429
    assert login(stolen, "organizer", "the-right-passphrase-42").status_code == 429


def test_guesses_behind_a_shared_address_never_lock_out_its_staff_browsers(
    production, home_page
):
    """An office or a carrier gives many people one address: a stranger's five wrong
    guesses there, at any name, lock that address for new browsers, but not for a
    browser that has signed in with the name being tried (it locked the organizers'
    own phones at a rally for as long as anyone kept guessing)."""
    from cms.logins import DEVICE_COOKIE

    UserFactory(username="organizer", password="the-right-passphrase-42")
    shared = "198.51.100.80"
    owner = https_client(REMOTE_ADDR=shared)
    assert login(owner, "organizer", "the-right-passphrase-42").status_code == 302
    remembered = owner.cookies[DEVICE_COOKIE].value

    stranger = https_client(REMOTE_ADDR=shared)
    answers = [login(stranger, f"guess{n}", "wrong") for n in range(8)]
    assert answers[-1].status_code == 429
    # The address is locked for a browser nobody has signed in from...
    new_browser = https_client(REMOTE_ADDR=shared)
    assert login(new_browser, "organizer", "the-right-passphrase-42").status_code == 429
    # ...not for the organizer's own phone behind it.
    phone = https_client(REMOTE_ADDR=shared)
    phone.cookies[DEVICE_COOKIE] = remembered
    assert login(phone, "organizer", "the-right-passphrase-42").status_code == 302
    assert SESSION_KEY in phone.session
    # That phone's own wrong guesses still lock it (a stolen cookie gets five).
    thief = https_client(REMOTE_ADDR="203.0.113.81")
    thief.cookies[DEVICE_COOKIE] = remembered
    tries = [login(thief, "organizer", f"guess-{n}") for n in range(6)]
    assert tries[-1].status_code == 429
    assert login(thief, "organizer", "the-right-passphrase-42").status_code == 429


def test_a_crowd_with_a_private_events_password_is_not_locked_out(
    production, password_doors
):
    """A private event's password, shared at a rally, is typed by many phones behind
    one carrier address: only wrong passwords count against it (the 31st person in
    ten minutes with the right password was refused). A guesser is still stopped."""
    event, doors = password_doors

    def enter(door: str, password: str, address: str):
        client = https_client(REMOTE_ADDR=address)
        data = {"password": password, "return_url": event.url}
        return client.post(door, data)

    assert settings_limit() == "30/10m"
    for door in doors:
        crowd = [enter(door, "rally", "198.51.100.90").status_code for _ in range(40)]
        assert set(crowd) == {302}
    # A guesser's wrong passwords are counted (both doors together), and past the
    # limit even the right one is refused, so an answer tells them nothing.
    guesses = [enter(doors[n % 2], f"guess{n}", "203.0.113.90") for n in range(31)]
    assert {answer.status_code for answer in guesses[:30]} == {200}
    assert guesses[-1].status_code == 429
    assert guesses[-1]["Retry-After"]
    for door in doors:
        assert enter(door, "rally", "203.0.113.90").status_code == 429
        # The crowd's address is not the guesser's.
        assert enter(door, "rally", "198.51.100.90").status_code == 302


def settings_limit() -> str:
    from django.conf import settings

    return settings.RATE_LIMITS["page-password.client"]


def test_lockout_page_is_translated(rf, home_page):
    """The admin answers anonymous visitors in English (unprefixed URLs use the default
    language); a staff member whose admin language is Spanish reads Spanish."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from cms.logins import lockout_response

    request = rf.post("/admin/login/")
    request.user = AnonymousUser()
    with translation.override("es"):
        response = lockout_response(request)
    assert response.status_code == 429
    assert 'lang="es"' in response.content.decode()
    assert "Too many wrong passwords" not in response.content.decode()


def test_sign_in_beyond_the_hashing_cap_is_busy_without_hashing(
    production, settings, tmp_path, home_page, monkeypatch
):
    settings.LOGIN_SLOT_DIR = tmp_path
    settings.LOGIN_HASH_CONCURRENCY = 1
    UserFactory(username="organizer", password="the-right-passphrase-42")
    hashed = []
    from django.contrib.auth.hashers import MD5PasswordHasher

    original = MD5PasswordHasher.verify
    monkeypatch.setattr(
        MD5PasswordHasher,
        "verify",
        lambda self, *a: hashed.append(1) or original(self, *a),
    )
    # Another web process is hashing right now: it holds the only slot.
    with (tmp_path / "slot-0").open("ab") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        busy = login(https_client(), "organizer", "the-right-passphrase-42")
    assert busy.status_code == 429
    assert busy["Retry-After"]
    assert not hashed
    done = login(https_client(), "organizer", "the-right-passphrase-42")
    assert done.status_code == 302
    assert hashed


# --- 6. Attacker text in official mail -------------------------------------------------

PHISHING = "Hello ICE notice: confirm status at https://ona-verify.example/ now"


def test_names_cannot_carry_a_message(production, world):
    client = https_client()
    for name in (
        PHISHING,
        "ICE notice confirm status at ona-verify.example",
        "Call 312 555 0100",
        "ana@example.org",
        "www ona verify",
    ):
        assert (
            rsvp(client, world["event"], "ana@example.org", name=name).status_code
            == 400
        )
        assert (
            sign(client, world["petition"], "ana@example.org", name=name).status_code
            == 400
        )
    assert not Rsvp.objects.exists()
    assert not Signature.objects.exists()
    for name in ("María-José O’Neil", "J. R. Okafor", "李 小龍", "अनीता शर्मा", "سارا"):
        assert (
            rsvp(
                client, world["event"], f"{len(name)}@example.org", name=name
            ).status_code
            == 303
        )


def test_mail_to_an_unconfirmed_address_carries_no_typed_text(world, outbox_dir):
    from cms.mail import outbox

    event = world["event"]
    typed = "Ana Morales-Reyes"
    guest = record_rsvp(
        event_id=event.pk, name=typed, email="ana@example.org", language="en"
    )
    send_rsvp_confirmation(rsvp_id=guest.pk)
    (name,) = outbox.list_messages()
    text, html = outbox.body_parts(outbox.read_message(name))
    assert "Hello, your RSVP is confirmed." in text
    assert "Hello, your RSVP is confirmed." in html
    assert "Morales" not in text + html


# --- 7. The unsubscribe link opened full data access -----------------------------------


@pytest.fixture
def ana(world):
    return subscribe("ana@example.org", [world["legal"]], name="Ana")


def test_the_unsubscribe_page_has_no_path_into_the_data(
    production, ana, queued, settings
):
    link = tokens.unsubscribe_url(ana.pk).removeprefix(settings.WAGTAILADMIN_BASE_URL)
    client = https_client()
    page = client.get(link)
    assert page.status_code == 200
    body = page.content.decode()
    assert "/subscribers/preferences/" not in body
    assert "ana@example.org" not in body
    # The owner can have a fresh preferences link sent to the address itself.
    asked = client.post(link, {"action": "send_link"})
    assert asked.status_code == 200
    assert "/subscribers/preferences/" not in asked.content.decode()
    # Ids only; the worker looks the person up (the page's timing must not tell
    # whether they are still here) and queues the link, made when it is sent, which
    # revokes the earlier ones once opened.
    from subscribers.tasks import preferences_link_for_id_task

    assert queued == [("preferences_link_for_id_task", (ana.pk,))]
    preferences_link_for_id_task(ana.pk)
    assert queued[1:] == [("send_preferences_link_task", (ana.pk,))]
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED


def test_a_preference_link_reaches_someone_who_joined_today(
    production, world, queued, settings, rate_limit, django_capture_on_commit_callbacks
):
    """The signup's confirmation used the address's daily allowance of confirmation
    e-mails; the preference link asked for from the unsubscribe page has its own, and
    past it no more are sent. The page says the same each time (a link went out
    today, if we still hold the address): saying "already sent today" only for
    people still here told a forward's reader who had erased their data
    (tests/security/test_forwarded_links.py)."""
    from cms import ratelimit
    from subscribers.services import request_signup

    rate_limit(ratelimit.CONFIRMATION_MAIL, "1/1d")  # one, used by the signup

    with django_capture_on_commit_callbacks(execute=True):
        request_signup(
            email="omar@example.org",
            list_ids=[world["legal"].pk],
            language="en",
            source="form",
        )
    omar = Subscriber.objects.with_email("omar@example.org").get()
    assert not ratelimit.allow_confirmation_mail("omar@example.org"), "used today"
    link = tokens.unsubscribe_url(omar.pk).removeprefix(settings.WAGTAILADMIN_BASE_URL)
    client = https_client()
    from subscribers.tasks import preferences_link_for_id_task

    def ask() -> str:
        """The page's answer, after the worker's part (the page only hands it on)."""
        answer = client.post(link, {"action": "send_link"}).content.decode()
        assert queued.pop() == ("preferences_link_for_id_task", (omar.pk,))
        preferences_link_for_id_task(omar.pk)
        return answer

    for _ in range(2):
        assert "we have sent it a link today" in ask()
    sent = [("send_preferences_link_task", (omar.pk,))] * 2
    assert [task for task in queued if task in sent] == sent
    third = ask()
    assert "we have sent it a link today" in third
    assert [task for task in queued if task[0] == "send_preferences_link_task"] == sent


def test_preference_links_expire(production, ana, queued):
    with freeze_time(timedelta(days=-61)):
        old = tokens.make_preferences_token(ana.pk)
    path = f"/subscribers/preferences/{old}/"
    client = https_client()
    page = client.get(path)
    assert page.status_code == 410
    assert "ana@example.org" not in page.content.decode()
    page = client.get(path)
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()
    )
    erase = client.post(
        path,
        {"action": "erase", "confirm": "on", "csrfmiddlewaretoken": token[1]},
    )
    download = client.post(
        path, {"action": "download", "csrfmiddlewaretoken": token[1]}
    )
    assert erase.status_code == download.status_code == 410
    assert b"ana@example.org" not in download.content
    assert Subscriber.objects.filter(pk=ana.pk).exists()
    fresh = client.get(
        f"/subscribers/preferences/{tokens.make_preferences_token(ana.pk)}/"
    )
    assert fresh.status_code == 200
    assert "a\u2022\u2022\u2022@example.org" in fresh.content.decode()


def test_tokens_never_reach_the_log(production, ana, caplog):
    """django.request logs every 4xx with its path; the console handler redacts."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h.formatter, RedactingFormatter)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        token = tokens.make_preferences_token(ana.pk)
        https_client().post(f"/subscribers/preferences/{token}/", {"action": "nope"})
        https_client().get(f"/es/subscribers/unsubscribe/{token}x/")
        https_client().get("/petitions/verify/some-secret-token/")
        logging.getLogger("django.request").warning(
            "seen %s from %s", f"/subscribers/confirm/{token}/", "ana@example.org"
        )
    finally:
        handler.setStream(previous)
    written = stream.getvalue()
    assert "/subscribers/preferences/<token>/" in written
    assert "/subscribers/confirm/<token>/" in written
    assert token not in written
    assert "some-secret-token" not in written
    assert "ana@example.org" not in written


# --- 8. Anonymous 500s -----------------------------------------------------------------


ODD_CONTENT_TYPES = [
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=utf-32",
    "application/x-www-form-urlencoded; charset=utf-7",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "multipart/form-data; charset=utf-16; boundary=xyz",
    "multipart/form-data",
    "text/plain; charset=utf-16",
]


def test_odd_charsets_with_a_csrf_cookie_are_400_not_500(production, world, ana):
    from tests.security.production import HttpsClient

    client = HttpsClient(raise_request_exception=False)
    client.cookies["csrftoken"] = "a" * 32
    paths = [
        world["signup"].url,
        world["petition"].url,
        f"/petitions/{world['petition'].pk}/sign/",
        f"/petitions/embed/{world['petition'].pk}/",
        world["event"].url + "rsvp/",
        f"/subscribers/preferences/{tokens.make_preferences_token(ana.pk)}/",
        f"/subscribers/unsubscribe/{tokens.make_unsubscribe_token(ana.pk)}/",
        "/subscribers/new-link/",
        "/i18n/setlang/",
        "/admin/login/",
        "/admin/password_reset/",
    ]
    body = "email=a@example.org&csrfmiddlewaretoken=" + "a" * 32
    for path in paths:
        for content_type in ODD_CONTENT_TYPES:
            response = client.generic(
                "POST",
                path,
                body.encode("utf-16"),
                content_type=content_type,
                HTTP_REFERER="https://testserver/",
            )
            assert response.status_code < 500, (path, content_type)
            # 200: an unknown charset is ignored, and the form says what is missing.
            assert response.status_code in (200, 302, 400, 403, 429), (
                path,
                content_type,
            )


MALFORMED_BODIES = [
    b"{",
    b"[]",
    b"null",
    b'"text"',
    b"\xff\xfe\x00{",
    b'{"RecordType": ["Bounce"], "ID": {"x": 1}, "Email": 5}',
    b'[{"event": null, "email": []}]',
    b'{"event-data": "x", "signature": "y"}',
    b'{"Type": "Notification", "Message": "{"}',
    b'{"msys": {}}',
    b'[{"msys": {"message_event": {"type": "bounce", "timestamp": "x"}}}]',
]


@pytest.mark.parametrize(
    "provider",
    ["postmark", "brevo", "sendinblue", "sparkpost", "mailjet", "mailgun", "mandrill"],
)
def test_malformed_webhook_bodies_are_400_not_500(production, settings, provider):
    from django.test import Client

    from cms.webhooks import PROVIDERS

    settings.EMAIL_PROVIDER = provider
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": "k",
        "MANDRILL_WEBHOOK_KEY": "k",
    }
    client = Client(raise_request_exception=False)
    url = "/anymail/" + PROVIDERS[provider].path
    for body in MALFORMED_BODIES:
        response = client.post(
            url,
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=basic_auth(),
            secure=True,
        )
        assert response.status_code in (200, 400), (provider, body)
    assert not Suppression.objects.exists()


# --- 9. Client IPs recoverable from Redis: see test_behind_a_proxy.py --------------------


def test_limiter_keys_are_keyed_hashes(production, world, settings):
    """Every key the limiters write is an HMAC: hashing candidate IPs finds nothing."""
    import hashlib

    from cms.ratelimit import counter_cache

    addresses = [f"198.51.100.{n}" for n in range(1, 30)]
    for address in addresses:
        rsvp(
            https_client(REMOTE_ADDR=address), world["event"], f"{address}@example.org"
        )
    store = counter_cache()._cache  # LocMemCache internals: the keys as stored
    keys = " ".join(store.keys())
    assert f"rl:{settings.RATELIMIT_NAMESPACE}:rsvp.client:" in keys
    for address in addresses:
        assert address not in keys
        for text in (address, f"ip:{address}", f"{address}@example.org"):
            for digest in (hashlib.sha256, hashlib.md5, hashlib.sha1):
                assert digest(text.encode()).hexdigest()[:32] not in keys
    assert crypto.lookup_hash(f"{addresses[0]}@example.org")[:32] not in keys


# --- 10. No Content-Security-Policy --------------------------------------------------


def test_every_public_answer_has_a_strict_policy(production, world, ana, settings):
    settings.PETITION_FRAME_ANCESTORS = ["https://partner.example.org"]
    client = https_client()
    pages = [
        "/",
        world["signup"].url,
        world["petition"].url,
        world["event"].url,
        world["event"].url + "rsvp/",
        f"/subscribers/unsubscribe/{tokens.make_unsubscribe_token(ana.pk)}/",
        "/no-such-page/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        policy = response["Content-Security-Policy"]
        for directive in (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ):
            assert directive in policy, (path, directive)
        assert "unsafe" not in policy, path
        assert "nonce-" not in policy, path  # no inline script: nothing to cache
    widget = client.get(f"/petitions/embed/{world['petition'].pk}/")
    assert (
        "frame-ancestors 'self' https://partner.example.org"
        in widget["Content-Security-Policy"]
    )
    admin = client.get("/admin/login/")
    assert "frame-ancestors 'self'" in admin["Content-Security-Policy"]
    assert "object-src 'none'" in admin["Content-Security-Policy"]


def test_a_nonce_names_only_its_own_response(production, rf):
    from django.http import HttpResponse
    from django.template import Context, Template

    from cms.csp import SiteCSPMiddleware

    def view(request):
        html = Template('<script nonce="{{ request.csp_nonce }}"></script>')
        return HttpResponse(html.render(Context({"request": request})))

    middleware = SiteCSPMiddleware(view)
    first, second = (middleware(rf.get("/")) for _ in range(2))
    nonces = [
        re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"])[1]
        for r in (first, second)
    ]
    assert nonces[0] != nonces[1]
    assert nonces[0] in first.content.decode()


def test_rate_limits_fail_open_when_redis_is_down(production, world, settings):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "cms.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    assert ratelimit.allow_confirmation_mail("ana@example.org")
    assert rsvp(https_client(), world["event"], "ana@example.org").status_code == 303
    assert login(https_client(), "nobody", "wrong").status_code == 200
