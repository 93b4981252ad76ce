"""The From line names the office in the reader's language, at the same address."""

import json
import subprocess
import sys
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.utils import parseaddr

import pytest
from django.core import mail
from django.utils import translation

from cms.mail.sender import from_address
from events.ical import organizer_address
from subscribers.emails import send_confirmation_email
from subscribers.models import Subscriber
from tests.cms.test_settings import ROOT, bare_env
from tests.events.guests import guest_event, rsvp
from tests.languages import LANGUAGES

ADDRESS = "news@ona.example.org"
NAMES = {
    "en": "Office of New Americans",
    "es": "Oficina de Nuevos Estadounidenses",
    "ar": "مكتب الأمريكيين الجدد",
}


@pytest.fixture
def office_sender(settings):
    settings.WAGTAIL_SITE_NAME = "Office of New Americans"
    settings.DEFAULT_FROM_EMAIL = f"Office of New Americans <{ADDRESS}>"


def decoded_sender(raw_from: str) -> tuple[str, str]:
    """(display name, address) of a raw From value, decoded as RFC 2047 says mail
    clients show it: the white space between two adjacent encoded words is not part of
    the name. (The email package's newer parser keeps it inside an address's display
    name, so a long Hindi name split across two encoded words would show a space.)"""
    return parseaddr(str(make_header(decode_header(raw_from))))


def sender(message) -> tuple[str, str]:
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    return decoded_sender(dict(parsed.raw_items())["From"])


def test_every_language_has_its_own_name_for_the_office(office_sender):
    names = {}
    for code in LANGUAGES:
        with translation.override(code):
            names[code] = from_address()
        assert names[code].endswith(f" <{ADDRESS}>"), names[code]
    assert len(set(names.values())) == len(LANGUAGES), names
    assert names["en"] == f"Office of New Americans <{ADDRESS}>"
    assert from_address("ar") == f"{NAMES['ar']} <{ADDRESS}>"


def test_a_name_that_is_not_the_office_stays_as_written(settings):
    settings.WAGTAIL_SITE_NAME = "Office of New Americans"
    settings.DEFAULT_FROM_EMAIL = f"Ana from the task force <{ADDRESS}>"
    assert from_address("ar") == settings.DEFAULT_FROM_EMAIL
    settings.DEFAULT_FROM_EMAIL = ADDRESS
    assert from_address("ar") == ADDRESS


def test_a_translation_with_specials_is_quoted(office_sender, monkeypatch):
    monkeypatch.setattr(
        "cms.mail.sender.site_name", lambda: 'Oficina "Nuevos", Chicago'
    )
    value = from_address("es")
    assert value == f'"Oficina \\"Nuevos\\", Chicago" <{ADDRESS}>'
    message = mail.EmailMessage("s", "b", from_email=value, to=["a@example.org"])
    assert sender(message) == ('Oficina "Nuevos", Chicago', ADDRESS)


@pytest.mark.django_db
def test_a_guest_confirmation_in_arabic_comes_from_the_office_in_arabic(
    home_page, office_sender
):
    event = guest_event()
    mail.outbox.clear()
    rsvp(event, "Fatima", "fatima@example.org", language="ar")
    (message,) = mail.outbox
    assert sender(message) == (NAMES["ar"], ADDRESS)
    # The calendar invitation's organizer too.
    with translation.override("ar"):
        assert str(organizer_address().params["cn"]) == NAMES["ar"]


@pytest.mark.django_db
def test_a_subscription_confirmation_in_spanish_comes_from_the_office_in_spanish(
    office_sender,
):
    subscriber = Subscriber.objects.create(email="rosa@example.org", language="es")
    send_confirmation_email(
        subscriber=subscriber, list_ids=[], page_id=None, language="es"
    )
    (message,) = mail.outbox
    assert sender(message) == (NAMES["es"], ADDRESS)


FROM_PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "from django.core import mail; from cms.mail.sender import from_address; "
    "message = mail.EmailMessage('s', 'b', from_email=from_address('en'), "
    "to=['a@example.org']).message(); "
    "print(json.dumps({'default': settings.DEFAULT_FROM_EMAIL, "
    "'raw': message['From'], 'es': from_address('es')}))"
)


@pytest.mark.parametrize(
    "site_name",
    [
        "Denver Office of Immigrant and Refugee Affairs",
        "Office of Immigrant Affairs, City of St. Paul",
        "Oficina de Asuntos del Inmigrante de San José",
    ],
)
def test_another_citys_office_name_is_the_default_sender(tmp_path, site_name):
    """SITE_NAME set, DEFAULT_FROM_EMAIL not: every e-mail came from "Office of New
    Americans", Chicago's office, whatever the city's office is called."""
    found = json.loads(
        subprocess.run(
            [sys.executable, "-c", FROM_PROBE],
            cwd=ROOT,
            env=bare_env(
                DJANGO_SETTINGS_MODULE="cms.settings.dev",
                VAR_DIR=str(tmp_path),
                SITE_NAME=site_name,
            ),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()[-1]
    )
    assert parseaddr(found["default"]) == (site_name, "newsletter@ona.example.org")
    assert decoded_sender(found["raw"]) == (site_name, "newsletter@ona.example.org")
    # A name the catalogues do not hold stays as written, in every language.
    assert parseaddr(found["es"]) == (site_name, "newsletter@ona.example.org")


def test_the_default_sender_is_still_the_office_in_the_readers_language(tmp_path):
    found = json.loads(
        subprocess.run(
            [sys.executable, "-c", FROM_PROBE],
            cwd=ROOT,
            env=bare_env(
                DJANGO_SETTINGS_MODULE="cms.settings.dev", VAR_DIR=str(tmp_path)
            ),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()[-1]
    )
    assert found["default"] == "Office of New Americans <newsletter@ona.example.org>"
    assert parseaddr(found["es"]) == (NAMES["es"], "newsletter@ona.example.org")
