"""The office's name (SITE_NAME) is the same in the web header, the feeds and every
e-mail: in the reader's language when the catalogues hold it, as written otherwise;
another city gives its office's name in each language (SITE_NAME_ES, _HI, _ZH_HANS,
_AR, _PL), as CITY_NOTE and LOCAL_TIME_NAME do."""

import json
import subprocess
import sys
from email.utils import parseaddr

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.utils import translation

from cms.mail.sender import from_address
from events.services import record_rsvp, send_rsvp_confirmation
from subscribers.emails import send_confirmation_email
from subscribers.models import Subscriber
from tests.cms.test_settings import ROOT, bare_env
from tests.factories import (
    MailingListFactory,
    build_event,
    make_subscriber,
    translate_page,
)
from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db

ANOTHER_OFFICE = "Mayor's Office of Immigrant Affairs"


def office_in(language: str) -> str:
    with translation.override(language):
        return translation.gettext("Office of New Americans")


def mails_and_header(client, home_page, language: str) -> tuple[str, str, str]:
    """The signup confirmation's text, the RSVP confirmation's text and the home
    page's HTML, all in ``language``."""
    mail.outbox.clear()
    listing = MailingListFactory()
    subscriber = make_subscriber(f"reader-{language}@example.net", language=language)
    send_confirmation_email(
        subscriber=subscriber, list_ids=[listing.pk], page_id=None, language=language
    )
    event = build_event(rsvp_mode="internal", slug=f"session-{language}")
    rsvp = record_rsvp(
        event_id=event.pk,
        name="Ana Ruiz",
        email=f"guest-{language}@example.net",
        language=language,
    )
    send_rsvp_confirmation(rsvp_id=rsvp.pk)
    signup, guest = (message.body for message in mail.outbox)
    prefix = "" if language == "en" else f"/{language}"
    return signup, guest, client.get(f"{prefix}/").content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_office_is_named_in_the_readers_language_everywhere(
    client, home_page, language
):
    office = office_in(language)
    if language != "en":
        assert office != "Office of New Americans", "every catalogue holds the name"
    signup, guest, home = mails_and_header(client, home_page, language)
    assert office in signup
    assert office in guest
    assert (
        f'class="site-name" href="/{"" if language == "en" else language + "/"}">{office}</a>'
        in home
    )
    if language != "en":
        # An untranslated home page's <title> is English throughout, marked so (a
        # screen reader reads it with an English voice); a translated one is the
        # reader's, the office's name with it.
        assert ' lang="en" dir="ltr">' in home.split("</title>")[0]
        translate_page(home_page, language, title=f"Home ({language})")
        home = client.get(f"/{language}/").content.decode()
    assert f" · {office}</title>" in home


def test_another_offices_name_is_kept_as_written_everywhere(
    client, home_page, settings
):
    settings.WAGTAIL_SITE_NAME = ANOTHER_OFFICE
    signup, guest, home = mails_and_header(client, home_page, "es")
    written = "Mayor&#x27;s Office of Immigrant Affairs"
    assert ANOTHER_OFFICE in signup
    assert ANOTHER_OFFICE in guest
    assert f">{written}</a>" in home
    assert office_in("es") not in home.split("<footer", 1)[0]


DENVER = "Denver Office of Immigrant and Refugee Affairs"
DENVER_ES = "Oficina de Asuntos de Inmigrantes y Refugiados de Denver"
DENVER_AR = "مكتب شؤون المهاجرين واللاجئين في دنفر"
ADDRESS = "news@denver.example.org"


@pytest.fixture
def denver(settings):
    settings.WAGTAIL_SITE_NAME = DENVER
    settings.SITE_NAMES = {"es": DENVER_ES, "ar": DENVER_AR}
    settings.DEFAULT_FROM_EMAIL = f"{DENVER} <{ADDRESS}>"
    settings.SENDER_POSTAL_ADDRESS = "201 W Colfax Ave, Denver, CO 80202"


def test_the_names_come_from_the_environment(tmp_path):
    probe = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.WAGTAIL_SITE_NAME, settings.SITE_NAMES]))"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=bare_env(
            DJANGO_SETTINGS_MODULE="cms.settings.dev",
            VAR_DIR=str(tmp_path),
            SITE_NAME=DENVER,
            SITE_NAME_ES=DENVER_ES,
            SITE_NAME_ZH_HANS="丹佛移民和难民事务办公室",
        ),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(output.splitlines()[-1]) == [
        DENVER,
        {"es": DENVER_ES, "zh-hans": "丹佛移民和难民事务办公室"},
    ]


def test_the_site_header_and_title_name_the_office_in_the_readers_language(
    client, home_page, denver
):
    for prefix, name in [("/", DENVER), ("/es/", DENVER_ES), ("/ar/", DENVER_AR)]:
        html = client.get(prefix).content.decode()
        assert f'class="site-name" href="{prefix}">{name}</a>' in html, prefix
        assert "Office of New Americans" not in html, prefix
    # The title is the page's: English (an untranslated page) under every prefix.
    assert f" · {DENVER}</title>" in client.get("/es/").content.decode()
    hindi = client.get("/hi/").content.decode()
    assert f">{DENVER}</a>" in hindi, "a language left unset: SITE_NAME as written"


def test_e_mails_come_from_the_office_in_the_readers_language(denver):
    assert from_address("ar") == f"{DENVER_AR} <{ADDRESS}>"
    assert from_address("hi") == f"{DENVER} <{ADDRESS}>"
    subscriber = Subscriber.objects.create(email="rosa@example.org", language="es")
    send_confirmation_email(
        subscriber=subscriber, list_ids=[], page_id=None, language="es"
    )
    (message,) = mail.outbox
    assert parseaddr(message.from_email) == (DENVER_ES, ADDRESS)
    body = message.body + "".join(content for content, _type in message.alternatives)
    assert DENVER_ES in body
    assert "Office of New Americans" not in body


def postal_address_warnings() -> list[str]:
    return [message.msg for message in run_checks() if message.id == "cms.W011"]


def confirmation_footer() -> str:
    mail.outbox.clear()
    subscriber = make_subscriber(
        f"reader{Subscriber.objects.count()}@example.org", language="es"
    )
    send_confirmation_email(
        subscriber=subscriber, list_ids=[], page_id=None, language="es"
    )
    (message,) = mail.outbox
    return message.body


@pytest.mark.parametrize(
    "city",
    [{"WAGTAIL_SITE_NAME": DENVER}, {"TIME_ZONE": "America/Denver"}],
)
def test_another_city_without_its_postal_address_is_warned_of(settings, city):
    """The bulk-mail laws ask every message for the sender's postal address: another
    city that left SENDER_POSTAL_ADDRESS unset signs with Chicago's office's."""
    assert postal_address_warnings() == [], "Chicago's own deployment"
    for name, value in city.items():
        setattr(settings, name, value)

    assert "121 N LaSalle St, Chicago" in confirmation_footer()
    (warning,) = postal_address_warnings()
    assert "SENDER_POSTAL_ADDRESS is not set" in warning

    settings.SENDER_POSTAL_ADDRESS = "201 W Colfax Ave, Denver, CO 80202"
    assert postal_address_warnings() == []
    footer = confirmation_footer()
    assert "201 W Colfax Ave" in footer
    assert "LaSalle" not in footer


def test_a_languages_name_without_site_name_is_warned_of(client, home_page, settings):
    """Denver set its office's Spanish name and forgot SITE_NAME: its English header
    and e-mails named Chicago's office, and check said nothing (every other city
    warning looks at SITE_NAME, still the default)."""

    def site_name_warnings():
        return [message.msg for message in run_checks() if message.id == "cms.W013"]

    assert site_name_warnings() == [], "Chicago's own deployment"
    settings.SITE_NAMES = {"es": DENVER_ES, "zh-hans": "丹佛移民和难民事务办公室"}
    html = client.get("/").content.decode()
    assert 'class="site-name" href="/">Office of New Americans</a>' in html
    (warning,) = site_name_warnings()
    assert warning.startswith("SITE_NAME_ES, SITE_NAME_ZH_HANS set without SITE_NAME")
    assert "Chicago's office" in warning

    settings.WAGTAIL_SITE_NAME = DENVER
    assert site_name_warnings() == []
