"""One inbox, one address: the spellings Django's validator takes for an inbox we
already know are refused at every public door.

Django's e-mail validator takes a quoted local part (``"gone"@example.org``, and with
quoted pairs ``"\\g\\one"@example.org``), a domain literal (``gone@[10.0.0.5]``) and
``localhost``. Django's sender unquotes the first two to ``gone@example.org`` (a quoted
pair is the character itself), so each spelling was stored as a new address, with a
lookup hash and a mail allowance of its own, and mailed to the one inbox: through
gunicorn under the production settings, nine signups in a row sent ``bomb@example.org``
six confirmations in seconds (its allowance is three a day, one a minute), and an
erased or suppressed address got a confirmation again. Now each is a 400 in the
reader's language, nothing stored, nothing sent.
"""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMessage
from wagtail.models import Locale

from campaigns.models import Signature
from events.models import Rsvp
from subscribers.imports import import_subscribers
from subscribers.models import MailingList, SignupRequest, Subscriber, Suppression
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    SuperuserFactory,
    build_event,
    build_petition_page,
    translate_page,
)
from tests.signups import run_signup_requests
from tests.smtp_sink import SmtpSink, free_port

pytestmark = pytest.mark.django_db

QUOTED = ['"gone"@example.org', '"\\g\\one"@example.org', '"Gone"@Example.org']
ELSEWHERE = ["gone@[10.0.0.5]", "root@localhost"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_djangos_sender_delivers_a_quoted_spelling_to_the_plain_inbox(settings):
    """The premise, on the wire: the SMTP envelope of "\\g\\one"@ is gone@."""
    sink = SmtpSink(port=free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    sink.start()
    try:
        EmailMessage("Hello", "Hi", "news@example.org", [QUOTED[1]]).send()
    finally:
        sink.stop()
    assert [to for to, _raw in sink.envelopes] == [["gone@example.org"]]


@pytest.fixture
def spanish_signup(home_page):
    from subscribers.models import SignupPage

    MailingListFactory(name="Legal Protection/Services", slug="legal")
    page = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    page.save_revision().publish()
    spanish = page.copy_for_translation(
        Locale.objects.get(language_code="es"), copy_parents=True
    )
    spanish.save_revision().publish()
    return spanish


@pytest.mark.parametrize("email", QUOTED + ELSEWHERE)
def test_signup_refuses_another_spelling_of_an_erased_inbox(
    client, spanish_signup, email, django_capture_on_commit_callbacks
):
    Suppression.objects.create(
        email_hash=Subscriber.for_email("gone@example.org").email_hash,
        reason="erased",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            spanish_signup.url,
            {
                "email": email,
                "language": "es",
                "lists": [MailingList.objects.get().pk],
                "website": "",
            },
        )
        run_signup_requests()

    assert response.status_code == 400
    page = response.content.decode()
    assert 'lang="es"' in page
    assert "Introduzca una dirección de correo electrónico válida." in page
    assert not SignupRequest.objects.exists()
    assert not Subscriber.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize("email", QUOTED + ELSEWHERE)
def test_rsvp_gives_no_second_place_to_another_spelling(client, home_page, email):
    event = build_event(title="Know Your Rights session", rsvp_mode="internal")
    first = client.post(
        event.url + "rsvp/",
        {"name": "Ana", "email": "gone@example.org", "website": ""},
    )
    again = client.post(
        event.url + "rsvp/", {"name": "Ana", "email": email, "website": ""}
    )

    assert first.status_code == 303
    assert again.status_code == 400
    assert "Enter a valid email address." in again.content.decode()
    assert Rsvp.objects.count() == 1


@pytest.mark.parametrize("email", QUOTED + ELSEWHERE)
def test_petition_counts_no_second_signature_for_another_spelling(
    client, home_page, email
):
    petition = build_petition_page(home_page, CampaignFactory())
    polish = translate_page(petition, "pl")
    sign = f"/petitions/{polish.pk}/sign/"
    first = client.post(sign, {"name": "Ana", "email": "gone@example.org"})
    again = client.post(sign, {"name": "Ana", "email": email})

    assert first.status_code == 303
    assert again.status_code == 400
    assert "Wprowadź poprawny adres e-mail." in again.content.decode()
    assert Signature.objects.count() == 1


def test_an_import_refuses_them_too(home_page):
    legal = MailingListFactory(slug="legal")
    emails = ["ana@example.org", *QUOTED, *ELSEWHERE]
    rows = [
        (line, {"email": email, "lists": "legal"})
        for line, email in enumerate(emails, 2)
    ]

    report = import_subscribers(
        rows=rows,
        allowed_lists=MailingList.objects.all(),
        importer=SuperuserFactory(),
    )

    assert list(Subscriber.objects.values_list("email", flat=True)) == [
        "ana@example.org"
    ]
    assert report.rejected == [
        (line, "not a valid e-mail address") for line in range(3, len(emails) + 2)
    ]
    assert legal.pk
