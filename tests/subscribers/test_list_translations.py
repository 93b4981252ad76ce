"""List names and descriptions in the reader's language wherever a list appears:
signup, preferences, petition opt-in, RSVP opt-in, home page and the confirmation e-mail."""

import pytest
from django.conf import settings

from campaigns.selectors import forget_petitions
from cms.mail import outbox
from subscribers.emails import send_confirmation_email
from subscribers.models import MailingListTranslation, SignupPage
from subscribers.tokens import mailed_preferences_url, preferences_path
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    build_event,
    build_petition_page,
    make_subscriber,
)

pytestmark = pytest.mark.django_db

NAMES = {
    "en": ("Legal Protection/Services", "Free legal consultations."),
    "es": ("Protección y Servicios Legales", "Consultas legales gratuitas."),
    "hi": ("कानूनी सुरक्षा/सेवाएँ", "निःशुल्क कानूनी परामर्श।"),
    "zh-hans": ("法律保护/服务", "免费法律咨询。"),
    "ar": ("الحماية والخدمات القانونية", "استشارات قانونية مجانية."),
    "pl": ("Ochrona prawna/usługi prawne", "Bezpłatne konsultacje prawne."),
}
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def prefix(language):
    return "" if language == "en" else f"/{language}"


@pytest.fixture
def legal(db):
    mailing_list = MailingListFactory(
        name=NAMES["en"][0], slug="legal", description=NAMES["en"][1]
    )
    for language, (name, description) in NAMES.items():
        if language != "en":
            MailingListTranslation.objects.create(
                mailing_list=mailing_list,
                language=language,
                name=name,
                description=description,
            )
    return mailing_list


@pytest.fixture
def surfaces(home_page, legal):
    signup = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    signup.save_revision().publish()
    campaign = CampaignFactory()
    campaign.default_lists.set([legal])
    petition = build_petition_page(home_page, campaign)
    forget_petitions()
    event = build_event(title="Know Your Rights", rsvp_mode="internal", rsvp_list=legal)
    subscriber = make_subscriber("ana@example.org", language="en")
    subscriber.subscriptions.create(
        mailing_list=legal, status="confirmed", source="staff"
    )
    return {
        "home": "/",
        "signup": "/join/",
        "preferences": preferences_path(subscriber.pk),
        "petition": petition.url,
        "rsvp": f"{event.url}rsvp/",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_surface_names_lists_in_the_readers_language(
    client, surfaces, language
):
    name, description = NAMES[language]
    for surface, path in surfaces.items():
        if surface == "preferences":  # reversed without a prefix: add the reader's
            path = path.replace("/subscribers/", f"{prefix(language)}/subscribers/", 1)
        else:
            path = f"{prefix(language)}{path}"
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200, (surface, path)
        assert name in html, (surface, language)
        if language != "en":
            assert NAMES["en"][0] not in html, (surface, language)
    home = client.get(f"{prefix(language)}/").content.decode()
    assert description in home


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_confirmation_email_names_lists_in_the_readers_language(
    legal, outbox_dir, language
):
    subscriber = make_subscriber(f"{language}@example.org", language=language)
    send_confirmation_email(
        subscriber=subscriber, list_ids=[legal.pk], page_id=None, language=language
    )
    (name,) = outbox.list_messages()
    message = outbox.read_message(name)
    assert message["Content-Language"] == language
    text, html = outbox.body_parts(message)
    assert NAMES[language][0] in text
    assert NAMES[language][0] in html
    if language != "en":
        assert NAMES["en"][0] not in text + html


def test_one_query_names_every_list_in_a_form(legal, django_assert_num_queries):
    from subscribers.forms import SignupForm

    form = SignupForm()
    with django_assert_num_queries(2):  # the lists, and all their translations at once
        labels = [label for _value, label in form.fields["lists"].choices]
    assert labels == [NAMES["en"][0]]


def test_staff_name_a_list_in_other_languages_in_the_admin(client):
    from django.urls import reverse

    from subscribers.models import MailingList
    from tests.factories import SuperuserFactory

    client.force_login(SuperuserFactory())
    form = client.get(reverse("mailing_lists:add")).content.decode()
    assert "Name and description in other languages" in form

    response = client.post(
        reverse("mailing_lists:add"),
        {
            "name": "Mental Health/Well-being",
            "slug": "mental-health",
            "description": "",
            "lead_organisation": "",
            "translations-TOTAL_FORMS": "1",
            "translations-INITIAL_FORMS": "0",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1000",
            "translations-0-language": "ar",
            "translations-0-name": "الصحة النفسية والرفاه",
            "translations-0-description": "",
            "translations-0-id": "",
            "translations-0-ORDER": "0",
            "translations-0-DELETE": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    mental = MailingList.objects.get(slug="mental-health")
    assert mental.translated("name", "ar") == "الصحة النفسية والرفاه"
    assert mental.translated("name", "pl") == "Mental Health/Well-being"


@pytest.mark.parametrize("language", ["ar", "pl"])
def test_data_download_names_lists_in_the_persons_language(client, legal, language):
    """The Arabic "download my data" named the lists in English."""
    import json

    english_only = MailingListFactory(name="Community Outreach", slug="outreach")
    subscriber = make_subscriber(f"reader-{language}@example.org", language=language)
    for mailing_list in (legal, english_only):
        subscriber.subscriptions.create(
            mailing_list=mailing_list, status="confirmed", source="staff"
        )

    # The download is on the full page only: the link mailed on request.
    url = mailed_preferences_url(subscriber.pk, generation=0)
    download = client.post("/" + url.split("/", 3)[3], {"action": "download"})

    assert download.status_code == 200
    names = {row["list"] for row in json.loads(download.content)["subscriptions"]}
    assert names == {NAMES[language][0], "Community Outreach"}
