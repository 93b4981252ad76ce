"""The campaign admin: editing, the report (counters, chart, ZIPs) and the CSV export."""

import csv
import io
import re
from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone
from hypothesis import given
from hypothesis import strategies as st

from campaigns import selectors
from campaigns.admin_forms import ThresholdsField
from campaigns.models import Campaign, Signature
from campaigns.services.petitions import record_signature
from subscribers.exports import neutralise
from tests.factories import SuperuserFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(petition):
    for index, (name, zip_code) in enumerate(
        [
            ("Ana Morales", "60608"),
            ('=HYPERLINK("http://evil.example")', "60608"),
            ("+Piotr", "60634"),
            ("@Li Wei", ""),
            ("-Omar", "60645"),
        ]
        + [(f"Person {n}", "60623") for n in range(8)]
    ):
        record_signature(
            page=petition,
            email=f"s{index}@example.org",
            name=name,
            zip_code=zip_code,
            language="en",
        )
    return petition


def test_campaigns_are_listed_and_editable(client, campaign):
    client.force_login(SuperuserFactory())
    listing = client.get(reverse("campaigns_admin:index"))
    assert listing.status_code == 200
    assert "Hate has no place in Chicago" in listing.content.decode()
    edit = client.get(reverse("campaigns_admin:edit", args=[campaign.pk]))
    assert edit.status_code == 200
    assert 'name="milestone_thresholds"' in edit.content.decode()


def test_report_shows_counters_chart_milestones_and_zips(client, signed, campaign):
    client.force_login(SuperuserFactory())
    response = client.get(reverse("campaigns_admin:report", args=[campaign.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<td data-counter>13</td>" in body
    chart_url = reverse("campaigns_admin:signatures_chart", args=[campaign.pk])
    assert f'<img src="{chart_url}"' in body
    assert "<td>60623</td><td>8</td>" in body
    assert "s1@example.org" not in body
    # What a lead asks when a signup comes back after an erasure: said on the report.
    assert "A person who erases their data is taken off both counts" in body

    chart = client.get(chart_url)
    assert chart["Content-Type"] == "image/svg+xml"
    svg = chart.content.decode()
    root = ElementTree.fromstring(chart.content)  # well-formed XML
    assert root.tag.endswith("svg")
    assert "<script" not in svg, "no script in the admin, not even pygal's own"
    assert "Signatures over time" in svg
    assert svg.count("10 reached on") == 1, "the 10-signature milestone, marked once"
    axis = [text for text in root.iter() if text.tag.endswith("text")]
    assert any(node.text == "0" for node in axis), "a y axis that starts at zero"
    today = formats.date_format(timezone.localtime(), "SHORT_DATE_FORMAT")
    assert today in svg, "the range ends today"


@pytest.mark.parametrize("spread_minutes", [50, 5 * 60, 20 * 60, 5 * 24 * 60])
def test_chart_line_never_counts_a_signature_before_it_came(
    petition, campaign, spread_minutes
):
    """Each point of the chart's line was the start of its hour (or day): on launch
    day all 513 signatures stood at 4:00 p.m., before the campaign was made and ahead
    of the 10, 25, 50 and 100 milestones marked at 4:09 and 4:10."""
    start = timezone.now() - timedelta(minutes=spread_minutes + 1)
    # The top of an hour, then a few minutes in: where a bucket's start would show.
    start = start.replace(minute=7, second=30, microsecond=0)
    times = [start + timedelta(minutes=spread_minutes * step / 9) for step in range(10)]
    for index, when in enumerate(times):
        outcome = record_signature(
            page=petition, email=f"t{index}@example.org", name="Ana", language="en"
        )
        Signature.objects.filter(pk=outcome.signature_id).update(verified_at=when)
    points = selectors.count_over_time(campaign_id=campaign.pk)
    assert points[-1][1] == 10
    for when, count in points:
        reached = sum(1 for moment in times if moment <= when)
        assert count == reached, (when, count, reached)


def test_csv_export_is_formula_safe_and_has_no_addresses(client, signed, campaign):
    client.force_login(SuperuserFactory())
    response = client.get(
        reverse("campaigns_admin:export_signatures", args=[campaign.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    # The times are Chicago's, whatever zone the viewer chose: the heading says so.
    assert rows[0] == ["Name", "ZIP code", "Signed at (Chicago time)"]
    names = [row[0] for row in rows[1:]]
    assert len(names) == 13
    assert '\'=HYPERLINK("http://evil.example")' in names
    assert {"'+Piotr", "'@Li Wei", "'-Omar", "Ana Morales"} <= set(names)
    assert "@example.org" not in text


def test_csv_export_heading_names_the_clock_in_the_admin_language(
    client, signed, campaign
):
    """The 'Signed at' column is Chicago time, but its heading did not say so where the
    report's headings say '(Chicago time)'."""

    user = staff_member("zh-hans")
    client.force_login(user)
    response = client.get(
        reverse("campaigns_admin:export_signatures", args=[campaign.pk])
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][2] == "签名时间（芝加哥时间）"


def test_csv_export_opens_in_excel_with_every_script(client, petition, campaign):
    """Excel reads a CSV without a byte-order mark in the machine's legacy code page:
    the Arabic, Chinese and Hindi names a lead delivers to the target came out as
    mojibake ("Ø³Ø§Ø±Ø©" for "سارة")."""
    names = ["سارة أحمد", "王芳", "प्रिया शर्मा", "Łucja Wójcik"]
    for index, name in enumerate(names):
        record_signature(
            page=petition, email=f"w{index}@example.org", name=name, language="en"
        )
    client.force_login(SuperuserFactory())
    response = client.get(
        reverse("campaigns_admin:export_signatures", args=[campaign.pk])
    )
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfName,"), body[:20]
    assert body.count(b"\xef\xbb\xbf") == 1, "one mark, at the very start"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == sorted(names)


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\tcmd") == "'\tcmd"
    assert neutralise("Ana") == "Ana"


def test_report_and_export_need_permission(client, campaign):
    user = UserFactory(username="nobody")
    user.user_permissions.add(
        Permission.objects.get(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
    )
    client.force_login(user)
    report = reverse("campaigns_admin:report", args=[campaign.pk])
    export = reverse("campaigns_admin:export_signatures", args=[campaign.pk])
    # Wagtail answers a denied admin page by sending the user back to the dashboard.
    for url in (report, export):
        denied = client.get(url)
        assert (denied.status_code, denied["Location"]) == (302, "/admin/")
    user.user_permissions.add(Permission.objects.get(codename="view_campaign"))
    assert client.get(report).status_code == 200


def test_new_campaign_form_offers_the_default_thresholds(client):
    """ "Add campaign" showed the thresholds field empty (and required), so a lead had
    to type the milestones that every campaign has by default."""
    client.force_login(SuperuserFactory())
    response = client.get(reverse("campaigns_admin:add"))
    body = response.content.decode()
    assert response.status_code == 200
    field = re.search(r'<input[^>]*name="milestone_thresholds"[^>]*>', body)[0]
    assert 'value="10, 25, 50, 100, 250, 500, 1000, 2500,' in field, field
    saved = client.post(
        reverse("campaigns_admin:add"),
        {
            "name": "Sanctuary schools pledge",
            "slug": "sanctuary-schools",
            "description": "",
            "goal": "600",
            "milestone_thresholds": re.search(r'value="([^"]*)"', field)[1],
            "lead_emails": "",
        },
    )
    assert saved.status_code == 302
    campaign = Campaign.objects.get(slug="sanctuary-schools")
    assert campaign.milestone_thresholds == Campaign().milestone_thresholds


def test_campaign_form_rejects_bad_thresholds_and_leads(client, campaign):
    client.force_login(SuperuserFactory())
    url = reverse("campaigns_admin:edit", args=[campaign.pk])
    data = {
        "name": campaign.name,
        "slug": campaign.slug,
        "description": "",
        "goal": "100",
        "milestone_thresholds": '[10, "many", -5]',
        "lead_emails": "lead@organizers.example.org\nnot an address",
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "“many” is not a whole number above zero." in body
    assert "is not an e-mail address" in body
    campaign.refresh_from_db()
    assert campaign.milestone_thresholds == [10, 25, 50, 100, 500]

    data.update(milestone_thresholds="[10, 20]", lead_emails="a@example.org")
    assert client.post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.milestone_thresholds == [10, 20]
    assert campaign.lead_email_list == ["a@example.org"]


def _campaign_data(campaign, thresholds: str) -> dict:
    return {
        "name": campaign.name,
        "slug": campaign.slug,
        "description": "",
        "goal": "100",
        "milestone_thresholds": thresholds,
        "lead_emails": "",
    }


def test_thresholds_are_typed_as_numbers_separated_by_commas(client, campaign):
    """The field wanted JSON: "10, 25, 50, 100" got only "Enter a valid JSON."."""
    client.force_login(SuperuserFactory())
    url = reverse("campaigns_admin:edit", args=[campaign.pk])

    edit = client.get(url).content.decode()
    field = re.search(r'<input[^>]*name="milestone_thresholds"[^>]*>', edit).group(0)
    assert 'value="10, 25, 50, 100, 500"' in field
    assert (
        "Numbers separated by a comma and a space, for example 10, 25, 50, 100, 2,500. "
        "A comma or a space followed by three digits inside a number separates "
        "thousands (2,500 and 2 500 are two thousand five hundred)."
    ) in edit

    for typed, saved in [
        ("10, 25, 50, 100, 500, 521, 1000", [10, 25, 50, 100, 500, 521, 1000]),
        ("100 10\n25,  50", [10, 25, 50, 100]),
        ("[5, 15, 5]", [5, 15]),
    ]:
        response = client.post(url, _campaign_data(campaign, typed))
        assert response.status_code == 302, typed
        campaign.refresh_from_db()
        assert campaign.milestone_thresholds == saved

    added = client.post(
        reverse("campaigns_admin:add"),
        {**_campaign_data(campaign, "1, 2"), "name": "Second", "slug": "second"},
    )
    assert added.status_code == 302
    assert Campaign.objects.get(slug="second").milestone_thresholds == [1, 2]


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("10, 25, 2,500", [10, 25, 2500]),  # was 2, 10, 25, 500
        ("10,000", [10000]),  # no list has a 000
        ("1,000,000", [1000000]),
        ("2,500; 10,000", [2500, 10000]),
        ("10,25,50", [10, 25, 50]),
        ("10,25,50,100", [10, 25, 50, 100]),
        ("50, 10, 25, 10", [10, 25, 50]),
    ],
)
def test_thousands_separators_are_read_where_they_can_only_be_that(
    client, campaign, typed, saved
):
    client.force_login(SuperuserFactory())
    url = reverse("campaigns_admin:edit", args=[campaign.pk])
    assert client.post(url, _campaign_data(campaign, typed)).status_code == 302
    campaign.refresh_from_db()
    assert campaign.milestone_thresholds == saved


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "2,500",
            "“2,500” could be one number (2500) or several (2, 500). Write 2500 for "
            "one number, or put a space after each comma between numbers: 2, 500.",
        ),
        ("100,250,500", "“100,250,500” could be one number (100250500) or several"),
        (
            "10,25,2,500",
            "In “10,25,2,500” some commas may separate thousands and others numbers. "
            "Put a space after each comma between numbers, for example 10, 25, 2,500.",
        ),
    ],
)
def test_commas_that_could_be_either_are_refused_not_guessed(
    client, campaign, typed, message
):
    client.force_login(SuperuserFactory())
    url = reverse("campaigns_admin:edit", args=[campaign.pk])
    response = client.post(url, _campaign_data(campaign, typed))
    assert response.status_code == 200
    assert message in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.milestone_thresholds == [10, 25, 50, 100, 500]


thresholds = st.lists(st.integers(1, 10**7), min_size=1, max_size=6, unique=True)


@given(thresholds)
def test_a_list_typed_without_spaces_is_read_as_typed_or_refused(numbers):
    """Never silently another list: "2,500" is 2 and 500 or 2500, so it is refused."""
    typed = ",".join(map(str, sorted(numbers)))
    assert _reading(typed) in (sorted(numbers), "ambiguous", "mixed"), typed


def _reading(typed: str) -> list[int] | str:
    """The thresholds read from ``typed``, or the code of the error refusing it."""
    try:
        return ThresholdsField().clean(typed)
    except ValidationError as error:
        return error.code


@given(
    st.lists(st.integers(1, 10**7), min_size=2, max_size=6),
    st.sampled_from([", ", "; ", "\n"]),
)
def test_a_spaced_list_with_thousands_separators_is_read_as_meant(numbers, separator):
    typed = separator.join(f"{number:,}" for number in numbers)
    assert ThresholdsField().clean(typed) == sorted(set(numbers)), typed


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("2\u00a0500", [2500]),  # was 2 and 500
        ("2\u202f500", [2500]),
        ("1\u00a0000\u00a0000", [1000000]),
        ("1\u00a0000, 2\u00a0500 10\u00a0000", [1000, 2500, 10000]),
        ("10, 25, 2 500", [10, 25, 2500]),  # was 2, 10, 25, 500
        ("2 500; 10 000", [2500, 10000]),
        ("10 000", [10000]),  # no list has a 000
        ("10 25 50 100 500", [10, 25, 50, 100, 500]),
        ("10\u00a025", [10, 25]),  # no thousands there: spaces between numbers
    ],
)
def test_a_space_inside_a_number_separates_thousands(client, campaign, typed, saved):
    client.force_login(SuperuserFactory())
    url = reverse("campaigns_admin:edit", args=[campaign.pk])
    assert client.post(url, _campaign_data(campaign, typed)).status_code == 302
    campaign.refresh_from_db()
    assert campaign.milestone_thresholds == saved


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "2 500",
            "“2 500” could be one number (2500) or several (2, 500). Write 2500 for "
            "one number, or put a comma and a space between numbers: 2, 500.",
        ),
        (
            "10 25 2 500",
            "In “10 25 2 500” some spaces may separate thousands and others numbers. "
            "Put a comma and a space between numbers, for example 10, 25, 2 500.",
        ),
    ],
)
def test_spaces_that_could_be_either_are_refused_not_guessed(
    client, campaign, typed, message
):
    client.force_login(SuperuserFactory())
    url = reverse("campaigns_admin:edit", args=[campaign.pk])
    response = client.post(url, _campaign_data(campaign, typed))
    assert response.status_code == 200
    assert message in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.milestone_thresholds == [10, 25, 50, 100, 500]


@given(thresholds)
def test_a_list_typed_with_single_spaces_is_read_as_typed_or_refused(numbers):
    typed = " ".join(map(str, sorted(numbers)))
    assert _reading(typed) in (sorted(numbers), "ambiguous", "mixed"), typed


@given(
    st.lists(st.integers(1, 10**7), min_size=2, max_size=6),
    st.sampled_from([", ", "; ", "\n"]),
    st.sampled_from([" ", "\u00a0", "\u202f"]),
)
def test_a_list_with_spaces_between_thousands_is_read_as_meant(
    numbers, separator, thousands
):
    typed = separator.join(f"{number:,}".replace(",", thousands) for number in numbers)
    assert ThresholdsField().clean(typed) == sorted(set(numbers)), typed


@given(st.integers(1000, 10**7), st.sampled_from(["\u00a0", "\u202f"]))
def test_one_number_with_no_break_spaces_is_that_number(number, thousands):
    typed = f"{number:,}".replace(",", thousands)
    assert ThresholdsField().clean(typed) == [number], typed


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("10, 25, lots", "lots"),
        ("10, 0", "0"),
        ("10,0", "0"),
        ("10, 2.5", "2.5"),
        ("-5", "-5"),
        ("10,-5", "-5"),
    ],
)
def test_a_threshold_that_is_not_a_number_is_named(client, campaign, typed, named):
    client.force_login(SuperuserFactory())
    url = reverse("campaigns_admin:edit", args=[campaign.pk])
    response = client.post(url, _campaign_data(campaign, typed))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"“{named}” is not a whole number above zero." in body
    assert f'value="{typed}"' in body, "what was typed is shown again"
    campaign.refresh_from_db()
    assert campaign.milestone_thresholds == [10, 25, 50, 100, 500]


def test_editors_can_add_a_petition_under_the_home_page(client, home_page, campaign):
    from campaigns.models import PetitionPage

    client.force_login(SuperuserFactory())
    add = reverse(
        "wagtailadmin_pages:add", args=["campaigns", "petitionpage", home_page.pk]
    )
    form = client.get(add)
    assert form.status_code == 200
    body = form.content.decode()
    for field in ("campaign", "target", "statement", "why", "require_verification"):
        assert f'name="{field}"' in body
    response = client.post(
        add,
        {
            "title": "Stand with neighbors",
            "slug": "stand-with-neighbors",
            "campaign": campaign.pk,
            "target": "City Council",
            "statement": "Keep Chicago welcoming.",
            "why": '{"blocks": [], "entityMap": {}}',
            "thank_you": "",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302
    page = PetitionPage.objects.get(slug="stand-with-neighbors")
    assert page.live
    assert page.campaign == campaign
    assert client.get(page.url).status_code == 200


def test_report_lists_the_campaigns_mailings_its_reader_may_send_to(
    client, home_page, campaign
):
    """Choosing a campaign for a mailing shows it on the campaign's report, to those
    who hold SEND on all its lists (as the mailings screen itself does)."""
    from campaigns.mailings.models import Delivery
    from campaigns.mailings.services.starting import materialise_deliveries
    from tests.campaigns.alert_fixtures import organizer
    from tests.campaigns.mailing_fixtures import lists, sending_mailing, subscribe
    from tests.factories import build_bulletin

    legal, outreach = lists(2)
    subscribe("ana@example.org", [legal], language="es")
    ours = sending_mailing(
        build_bulletin(title="Rally recap"), [legal], campaign=campaign
    )
    materialise_deliveries(ours, ["es"])
    Delivery.objects.update(status="sent")
    sending_mailing(
        build_bulletin(title="Outreach only"), [outreach], campaign=campaign
    )
    sending_mailing(build_bulletin(title="No campaign"), [legal])
    report = reverse("campaigns_admin:report", args=[campaign.pk])

    client.force_login(SuperuserFactory())
    body = client.get(report).content.decode()
    assert "Rally recap" in body
    assert "Outreach only" in body
    assert "No campaign" not in body
    detail = reverse("campaigns_mailings:detail", args=[ours.pk])
    assert f'<a href="{detail}">Rally recap</a>' in body
    assert "<td>1</td>" in body, "the one message handed over"

    lead = organizer("lead", [legal])
    lead.user_permissions.add(Permission.objects.get(codename="view_campaign"))
    client.force_login(lead)
    body = client.get(report).content.decode()
    assert "Rally recap" in body
    assert "Outreach only" not in body, "a list they cannot send to stays hidden"


def test_mailing_detail_names_its_campaign_and_tracking(client, home_page, campaign):
    from tests.campaigns.mailing_fixtures import lists, sending_mailing
    from tests.factories import build_bulletin

    (legal,) = lists(1)
    mailing = sending_mailing(
        build_bulletin(title="Recap"), [legal], campaign=campaign, track_opens=True
    )
    client.force_login(SuperuserFactory())
    body = client.get(
        reverse("campaigns_mailings:detail", args=[mailing.pk])
    ).content.decode()
    report = reverse("campaigns_admin:report", args=[campaign.pk])
    assert f'<a href="{report}">Hate has no place in Chicago</a>' in body
    assert '<dd id="mailing-tracking">Opens</dd>' in body


def test_chart_dates_read_left_to_right_in_the_arabic_admin(client, signed, campaign):
    """Django's Arabic short date puts a right-to-left mark after each slash; in an
    SVG text laid out left to right "03/05/2024" showed as "032024/05/"."""
    from datetime import timedelta

    from campaigns.models import Campaign

    # Over more than three days the axis shows dates (the short date format).
    Campaign.objects.filter(pk=campaign.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    user = staff_member("ar")
    client.force_login(user)
    chart = client.get(reverse("campaigns_admin:signatures_chart", args=[campaign.pk]))
    svg = chart.content.decode()
    assert 'lang="ar"' in client.get(reverse("campaigns_admin:index")).content.decode()
    assert "\u200f" not in svg
    assert "\u200e" not in svg
    assert re.search(r">\d\d/\d\d/\d{4}<", svg), "a date in one left-to-right run"


def test_report_names_the_clock_and_groups_the_counts(client, campaign):
    """The report wrote 'Reached at' with no clock (in the viewer's own zone, where
    they had chosen one) and '1234' where the lead's e-mail says '1,234' and 'Chicago
    time'."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import translation
    from freezegun import freeze_time
    from wagtail.users.models import UserProfile

    from campaigns.services.counters import increment_counter

    campaign.milestone_thresholds = [1000]
    campaign.goal = 5000
    campaign.save()
    reached = datetime(2026, 12, 5, 22, 16, tzinfo=ZoneInfo("UTC"))  # 4:16 p.m. CST
    with freeze_time(reached):
        increment_counter(campaign_id=campaign.pk, kind="signatures", by=1234)
    user = SuperuserFactory()
    profile = UserProfile.get_for_user(user)
    profile.current_time_zone = (
        "Asia/Kolkata"  # the viewer's own zone is not the city's
    )
    profile.save()
    client.force_login(user)
    url = reverse("campaigns_admin:report", args=[campaign.pk])

    body = client.get(url).content.decode()
    assert "<td data-counter>1,234</td>" in body
    assert "<td>5,000</td>" in body  # the goal
    assert "<th>Reached at (Chicago time)</th>" in body
    assert "<th>Leads notified at (Chicago time)</th>" in body
    assert "<td>1,000</td><td>Dec. 5, 2026, 4:16 p.m.</td>" in body

    profile.preferred_language = "es"
    profile.save()
    body = client.get(url).content.decode()
    with translation.override("es"):  # as the e-mail writes it in Spanish
        spanish = formats.number_format(1234, force_grouping=True)
    assert spanish != "1234"
    assert f"<td data-counter>{spanish}</td>" in body
    assert "(hora de Chicago)</th>" in body
