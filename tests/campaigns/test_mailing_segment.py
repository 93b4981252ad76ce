"""A mailing's segment (only some languages, only some ZIP codes) as staff set and
review it: found by the desk tester, round 16."""

import re

import pytest
from django.urls import reverse

from campaigns.mailings.services import control
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.factories import build_bulletin, staff_member

pytestmark = pytest.mark.django_db


def fact(body: str, label: str) -> str | None:
    """The value of the mailing's fact named ``label`` (its <dt>), as text."""
    found = re.search(
        rf"<dt>{re.escape(label)}</dt>\s*<dd[^>]*>(.*?)</dd>", body, re.DOTALL
    )
    if found is None:
        return None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


@pytest.mark.parametrize(
    ("language", "zip_label", "languages_label", "spanish"),
    [
        ("en", "Only ZIP codes starting with", "Only these languages", "Spanish"),
        (
            "es",
            "Solo códigos postales que empiecen por",
            "Solo estos idiomas",
            "Español",
        ),
    ],
)
def test_the_mailing_screen_names_its_segment(
    client, home_page, language, zip_label, languages_label, spanish
):
    """A mailing limited to ZIP codes starting 606 and to Spanish readers showed
    "24 people in 6 languages on 2 lists" and its lists, lane and tracking, but
    nowhere the ZIP prefix: whoever came back to it (or approved it) could not tell
    that people outside 606, and those who gave no ZIP code, were left out."""
    legal, outreach = lists(2)
    subscribe("ana@example.org", [legal], language="es")
    user = staff_member(language)
    client.force_login(user)
    segment = control.create_mailing(
        user=user,
        page=build_bulletin(title="Recap"),
        list_ids=[legal.pk, outreach.pk],
        languages=["es"],
        zip_prefix="606",
    )
    body = client.get(
        reverse("campaigns_mailings:detail", args=[segment.pk])
    ).content.decode()
    assert fact(body, zip_label) == "606"
    assert spanish in fact(body, languages_label)

    everyone = control.create_mailing(
        user=user, page=build_bulletin(title="Everyone"), list_ids=[legal.pk]
    )
    body = client.get(
        reverse("campaigns_mailings:detail", args=[everyone.pk])
    ).content.decode()
    assert fact(body, zip_label) is None
    assert fact(body, languages_label) is None


@pytest.mark.parametrize(
    ("language", "error", "help_text"),
    [
        ("en", "Enter up to five digits, like 606.", "leaves out those who gave none"),
        ("es", "Escriba hasta cinco cifras, como 606.", "deja fuera a quienes no"),
        ("ar", "اكتب خمسة أرقام على الأكثر، مثل 606.", "ويستبعد من لم يذكروا"),
    ],
)
def test_the_zip_prefix_says_what_to_type_and_who_it_leaves_out(
    client, home_page, language, error, help_text
):
    """Typed "6x", "Only ZIP codes starting with" answered "Enter a valid value."
    (in Spanish "Introduzca un valor válido."), and the field said nothing of what
    it takes, nor that people who gave no ZIP code are left out by any prefix."""
    (legal,) = lists(1)
    page = build_bulletin(title="Recap")
    client.force_login(staff_member(language))
    create = reverse("campaigns_mailings:create")
    form = client.get(create, {"page": page.pk}).content.decode()
    assert help_text in form
    answer = client.post(
        create,
        {"page": page.pk, "lists": [legal.pk], "zip_prefix": "6x", "lane": "bulk"},
    )
    assert answer.status_code == 200
    body = answer.content.decode()
    assert error in body
    assert "Enter a valid value." not in body
