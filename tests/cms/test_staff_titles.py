"""Staff titles: a pasted right-to-left override (U+202E, or another direction
control) was accepted in a page title or campaign name and turned what follows it
around wherever it is shown; a NUL pasted into a title was saved as U+FFFD. Such a
title is now refused with a message in the admin's language, and NUL and U+FFFD are
dropped. Arabic, Hindi and Chinese titles are kept as typed."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page

from campaigns.models import Campaign
from tests.factories import (
    build_bulletin,
    build_bulletin_index,
    staff_member,
)

pytestmark = pytest.mark.django_db

CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]
ARABIC_ERROR = "أزل أحرف اتجاه النص غير المرئية"
ENGLISH_ERROR = "Remove the invisible text-direction characters"
LEGITIMATE = [
    "اجتماع حول حقوق المهاجرين",
    "अप्रवासी अधिकार बैठक: 12 मार्च",
    "移民权利会议（3月12日）",
    "Spotkanie: prawa imigrantów",
]


def save_bulletin_title(client, bulletin, title: str, action: str):
    return client.post(
        reverse("wagtailadmin_pages:edit", args=[bulletin.pk]),
        {
            "title": title,
            "slug": bulletin.slug,
            "date": "2026-03-01",
            "body-count": "0",
            f"action-{action}": action,
        },
    )


def save_campaign_name(client, campaign, name: str):
    return client.post(
        reverse("campaigns_admin:edit", args=[campaign.pk]),
        {
            "name": name,
            "slug": campaign.slug,
            "description": "",
            "goal": "100",
            "milestone_thresholds": "10, 25",
            "lead_emails": "",
        },
    )


@pytest.mark.parametrize("control", CONTROLS)
def test_a_page_title_with_a_direction_control_is_refused_in_the_admins_language(
    client, home_page, control
):
    bulletin = build_bulletin(build_bulletin_index(home_page), title="March news")
    client.force_login(staff_member("ar"))

    for action in ("publish", "save"):  # a draft (or autosave) too
        response = save_bulletin_title(client, bulletin, f"March {control}swen", action)
        assert response.status_code == 200
        assert ARABIC_ERROR in html.unescape(response.content.decode())
    bulletin.refresh_from_db()
    assert (bulletin.title, bulletin.draft_title) == ("March news", "March news")
    assert not any(control in title for title in Page.objects.values_list("title"))


def test_a_campaign_name_with_an_override_is_refused(client):
    campaign = Campaign.objects.create(name="Clean name", slug="clean", goal=100)
    client.force_login(staff_member())

    response = save_campaign_name(client, campaign, "Know your \u202erights")
    assert response.status_code == 200
    assert ENGLISH_ERROR in html.unescape(response.content.decode())
    campaign.refresh_from_db()
    assert campaign.name == "Clean name"


def test_nul_and_replacement_characters_are_dropped_from_titles(client, home_page):
    bulletin = build_bulletin(build_bulletin_index(home_page), title="March news")
    client.force_login(staff_member())

    response = save_bulletin_title(client, bulletin, "April\x00 ne\ufffdws", "save")
    assert response.status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.draft_title == "April news"
    assert bulletin.get_latest_revision_as_object().title == "April news"
    save_bulletin_title(client, bulletin, "\ufffdApril news\x00", "publish")
    bulletin.refresh_from_db()
    assert bulletin.title == "April news"

    campaign = Campaign.objects.create(name="Clean name", slug="clean", goal=100)
    assert (
        save_campaign_name(client, campaign, "Know\x00 your\ufffd rights").status_code
        == 302
    )
    campaign.refresh_from_db()
    assert campaign.name == "Know your rights"


@pytest.mark.parametrize("title", LEGITIMATE)
def test_arabic_hindi_chinese_and_polish_titles_are_kept_as_typed(
    client, home_page, title
):
    bulletin = build_bulletin(build_bulletin_index(home_page), title="March news")
    client.force_login(staff_member("ar"))

    assert save_bulletin_title(client, bulletin, title, "publish").status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.title == title
    campaign = Campaign.objects.create(name="Clean name", slug="clean", goal=100)
    assert save_campaign_name(client, campaign, title).status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == title


# The promote tab's fields are shown too: seo_title in the page's <title> and link
# previews, search_description in <meta name="description"> and og:description.
PAGE_FIELDS = ("title", "seo_title", "search_description")


def page_models():
    from wagtail.models import get_page_models

    return [model for model in get_page_models() if model is not Page]


def test_every_page_model_refuses_direction_controls_and_drops_nul():
    """Walks every page type, so a Wagtail upgrade (or a page type) that gave a model
    its own copy of a field without the guard is caught, in the model (what every
    save, draft and autosave runs) and in the editor's form."""
    models = page_models()
    names = {model.__name__ for model in models}
    assert {"HomePage", "BulletinPage", "AlertPage", "SignupPage"} <= names
    assert {"EventIndexPage", "EventPage", "PetitionPage"} <= names
    for model in models:
        form_fields = model.get_edit_handler().get_form_class().base_fields
        for name in PAGE_FIELDS:
            field = model._meta.get_field(name)
            for control in CONTROLS:
                with pytest.raises(ValidationError) as refused:
                    field.clean(f"Know your {control}rights", model())
                codes = [error.code for error in refused.value.error_list]
                assert codes == ["direction_control"], (model, name)
            assert field.clean("Know your rights", model()) == "Know your rights"
            assert name in form_fields, (model, name)
            cleaned = form_fields[name].clean("Know\x00 your\ufffd rights")
            assert cleaned == "Know your rights", (model, name)


@pytest.mark.parametrize("name", ["seo_title", "search_description"])
def test_the_promote_tab_refuses_an_override_in_the_admins_language(
    client, home_page, name
):
    bulletin = build_bulletin(build_bulletin_index(home_page), title="March news")
    client.force_login(staff_member("ar"))

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[bulletin.pk]),
        {
            "title": "March news",
            "slug": bulletin.slug,
            "date": "2026-03-01",
            "body-count": "0",
            name: "Know your \u202erights",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 200
    assert ARABIC_ERROR in html.unescape(response.content.decode())
    bulletin.refresh_from_db()
    assert getattr(bulletin, name) == ""


def test_the_promote_tab_drops_nul_from_what_the_head_shows(client, home_page):
    bulletin = build_bulletin(build_bulletin_index(home_page), title="March news")
    client.force_login(staff_member())

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[bulletin.pk]),
        {
            "title": "March news",
            "slug": bulletin.slug,
            "date": "2026-03-01",
            "body-count": "0",
            "seo_title": "March\x00 news for\ufffd immigrants",
            "search_description": "Know\x00 your rights\ufffd.",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.seo_title == "March news for immigrants"
    assert bulletin.search_description == "Know your rights."
    head = client.get(bulletin.url).content.decode()
    assert "<title>March news for immigrants" in head
    assert 'content="Know your rights."' in head
