"""The two-person rule's notes and messages list approvers, lists, groups and people:
staff using the admin in Arabic or Chinese read them joined with a Latin ", ". They
are now joined with the admin language's own comma (cms.languages.join_names)."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.mailings.services import alerts
from tests.campaigns.alert_fixtures import alert_site, audience, organizer
from tests.campaigns.test_alerts import rally
from tests.factories import speaking

pytestmark = pytest.mark.django_db

COMMAS = {"ar": "، ", "zh-hans": "、"}


def named(username, send_lists, first_name, *, group_name="Organizers"):
    user = organizer(username, send_lists, group_name=group_name)
    user.first_name, user.last_name = first_name, "Staff"
    user.save()
    return user


def alert_lists_with_a_two_person_legal_list(home_page):
    """The alert site's legal and outreach lists, legal under the two-person rule."""
    alert_site(home_page)
    legal, outreach = audience()
    legal.two_person_rule = True
    legal.save()
    return legal, outreach


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_the_approvers_a_list_shows_are_joined_with_the_languages_comma(
    home_page, language
):
    legal, _outreach = audience()
    legal.two_person_rule = True
    legal.save()
    author = named("olga", [legal], "Olga")
    named("amal", [legal], "Amal")
    named("bo", [legal], "Bo")

    with translation.override(language):
        note = alerts.approval_note(author, legal)
    assert f"Amal Staff{COMMAS[language]}Bo Staff" in note
    assert "Amal Staff, Bo Staff" not in note


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_why_nobody_may_approve_lists_names_with_the_languages_comma(
    home_page, language
):
    legal, outreach = audience()
    for mailing_list in (legal, outreach):
        mailing_list.two_person_rule = True
        mailing_list.save()
    # Two groups may send to both lists, but only the author is in either.
    author = named("olga", [legal, outreach], "Olga", group_name="Legal desk")
    organizer("nobody", [legal, outreach], group_name="Outreach desk").delete()
    # Two colleagues with admin access who could be given the right.
    named("amal", [], "Amal", group_name="Readers")
    named("bo", [], "Bo", group_name="Readers")
    comma = COMMAS[language]

    with translation.override(language):
        message = alerts.no_approver_message(
            author, [legal, outreach], [legal.pk, outreach.pk]
        )
    assert f"“{legal.name}”{comma}“{outreach.name}”" in message
    assert f"Legal desk{comma}Outreach desk" in message
    assert f"Amal Staff{comma}Bo Staff" in message
    assert ", " not in message


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_the_approvers_email_lists_the_alerts_lists_with_their_languages_comma(
    home_page, fake_esp, language
):
    legal, outreach = alert_lists_with_a_two_person_legal_list(home_page)
    author = named("olga", [legal, outreach], "Olga")
    approver = named("amal", [legal, outreach], "Amal")
    approver.email = "amal@staff.example.org"
    approver.save()
    speaking(approver, language)
    mailing = rally(author, [legal.pk, outreach.pk])
    alerts.send_alert(user=author, mailing_id=mailing.pk)

    assert alerts.notify_alert_approvers(mailing_id=mailing.pk) == 1
    (notice,) = fake_esp.delivered
    first, second = sorted([legal.name, outreach.name])
    assert f"{first}{COMMAS[language]}{second}" in notice.text
    assert f"{first}, {second}" not in notice.text


def dd_after(html: str, term: str) -> str:
    """The text of the <dd> that follows the <dt> ``term`` on a facts list."""
    _before, _term, after = html.partition(f"<dt>{term}</dt><dd>")
    return after.partition("</dd>")[0]


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_the_approval_screen_joins_lists_and_approvers_with_the_languages_comma(
    client, home_page, language
):
    legal, outreach = alert_lists_with_a_two_person_legal_list(home_page)
    author = speaking(named("olga", [legal, outreach], "Olga"), language)
    named("amal", [legal, outreach], "Amal")
    named("bo", [legal, outreach], "Bo")
    mailing = rally(author, [legal.pk, outreach.pk])
    comma = COMMAS[language]
    client.force_login(author)

    for url in (
        reverse("campaigns_mailings:alert", args=[mailing.pk]),
        reverse("campaigns_mailings:detail", args=[mailing.pk]),
    ):
        html = client.get(url).content.decode()
        with translation.override(language):
            shown = dd_after(html, translation.gettext("Lists"))
        assert comma.join(sorted([legal.name, outreach.name])) in shown, url
        assert ", " not in shown, url
    html = client.get(reverse("campaigns_mailings:alert", args=[mailing.pk]))
    html = html.content.decode()
    assert f"Amal Staff{comma}Bo Staff" in html
    assert "Amal Staff, Bo Staff" not in html
