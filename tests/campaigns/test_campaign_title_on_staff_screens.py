"""Screens that name a campaign name it in their reader's language: the dashboard's
milestones panel in the staff member's admin language, the partner API's campaigns
in the language of ``Accept-Language``. The campaign's own name is written once, in
the default language; a petition published in the reader's language gives it there."""

import pytest
from django.utils import translation

from campaigns.selectors import nearest_milestones
from tests.factories import (
    CampaignFactory,
    SuperuserFactory,
    build_home_page,
    build_petition_page,
    speaking,
    translate_page,
)
from tests.partners.conftest import auth, build_world, make_key

pytestmark = pytest.mark.django_db

SPANISH = "No al odio en Chicago"
ARABIC = "لا مكان للكراهية في شيكاغو"


def _panel_names(html: str) -> str:
    """The dashboard's milestones panel."""
    start = html.index('id="next-milestones-section"')
    return html[start : html.index("</table>", start)]


def test_the_milestones_panel_names_campaigns_in_the_admin_language(
    client, django_assert_max_num_queries
):
    home = build_home_page()
    translated = CampaignFactory(name="Hate has no place in Chicago", slug="hate")
    petition = build_petition_page(home, translated)
    translate_page(petition, "es", title=SPANISH)
    translate_page(petition, "ar", title=ARABIC)
    plain = CampaignFactory(name="Clean air for Pilsen", slug="air")
    build_petition_page(home, plain, title="Clean air", slug="clean-air")
    staff = SuperuserFactory()
    client.force_login(speaking(staff, "es"))

    panel = _panel_names(client.get("/admin/").content.decode())

    assert f">{SPANISH}</a>" in panel
    assert "Hate has no place in Chicago" not in panel
    # No Spanish petition: the campaign's own name.
    assert ">Clean air for Pilsen</a>" in panel

    client.force_login(speaking(staff, "pl"))
    panel = _panel_names(client.get("/admin/").content.decode())
    assert ">Hate has no place in Chicago</a>" in panel

    # The names cost a fixed number of queries, however many campaigns there are.
    for n in range(4):
        more = CampaignFactory(name=f"Drive {n}", slug=f"drive-{n}")
        translate_page(
            build_petition_page(home, more, title=f"Drive {n}", slug=f"d-{n}"),
            "es",
            title=f"Campaña {n}",
        )
    with translation.override("es"), django_assert_max_num_queries(4):
        titles = [row["title"] for row in nearest_milestones(limit=10)]
    assert SPANISH in titles
    assert "Campaña 3" in titles


@pytest.mark.parametrize(("language", "title"), [("es", SPANISH), ("ar", ARABIC)])
def test_the_partner_api_names_campaigns_in_the_accept_language(
    client, language, title
):
    world = build_world()
    translate_page(world.petition_a, language, title=title)
    _key, token = make_key(world)
    headers = {**auth(token), "HTTP_ACCEPT_LANGUAGE": language}

    listed = client.get("/api/v1/campaigns/", **headers)
    one = client.get(f"/api/v1/campaigns/{world.campaign_a.pk}/", **headers)

    assert [row["title"] for row in listed.json()] == [title]
    assert one.json()["title"] == title
    # Without a language, or in one the petition is not published in: the name.
    for asked in ({}, {"HTTP_ACCEPT_LANGUAGE": "pl"}):
        answer = client.get(
            f"/api/v1/campaigns/{world.campaign_a.pk}/", **auth(token), **asked
        )
        assert answer.json()["title"] == world.campaign_a.name
