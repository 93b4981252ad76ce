"""The campaign report's chart on a phone (390 px): the x axis's date labels ran into
each other (and were drawn at 6 px). A phone now gets a chart drawn for its width,
and a chart has only as many labels as fit. Measured in Chromium: no two labels of
the x axis overlap, on a phone and on a desktop, for a short campaign (dates with
times) and a long one."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.services.petitions import record_signature
from tests.e2e.test_hardening_journeys import log_in
from tests.factories import (
    CampaignFactory,
    build_petition_page,
    staff_member,
)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = None  # a folder to keep screenshots in, when looking at the chart by hand

LABEL_BOXES = """() => [...document.querySelectorAll('.axis.x text')]
    .filter(t => t.textContent.trim() && getComputedStyle(t).display !== 'none'
                 && getComputedStyle(t).visibility !== 'hidden')
    .map(t => { const b = t.getBoundingClientRect();
                return {text: t.textContent, left: b.left, right: b.right,
                        top: b.top, bottom: b.bottom}; })"""


def overlapping(boxes):
    return [
        (a["text"], b["text"])
        for index, a in enumerate(boxes)
        for b in boxes[index + 1 :]
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]


@pytest.mark.parametrize(
    ("width", "language", "days"),
    [(390, "en", 2), (390, "ar", 2), (390, "pl", 40), (1280, "en", 2)],
)
def test_the_charts_x_labels_do_not_overlap(
    open_page, live_server, home_page, width, language, days
):
    with transaction.atomic():
        staff_member(language, username="staff")
        campaign = CampaignFactory(name="Hate has no place", goal=100)
        petition = build_petition_page(home_page, campaign)
        for n in range(5):
            record_signature(page=petition, email=f"s{n}@example.org", language="en")
        Campaign.objects.filter(pk=campaign.pk).update(
            created_at=timezone.now() - timedelta(days=days)
        )
    page = open_page(width=width, height=844)
    log_in(page, live_server.url, "staff")
    page.goto(live_server.url + reverse("campaigns_admin:report", args=[campaign.pk]))
    chart = page.locator("figure.chart img")
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    shown = chart.bounding_box()
    assert shown["width"] <= width
    if width < 600:
        # Drawn for the phone: shown near its own size, so its type stays readable.
        assert "narrow=1" in chart.evaluate("img => img.currentSrc")
        assert shown["width"] >= 0.85 * chart.evaluate("img => img.naturalWidth")
    if SHOTS:
        chart.scroll_into_view_if_needed()
        chart.screenshot(path=f"{SHOTS}/{language}-{days}-{width}.png")

    # The image's own text, laid out as the <img> shows it (an SVG is drawn the same
    # way as a document): measured at the size the page shows it.
    page.goto(chart.evaluate("img => img.currentSrc"))
    page.evaluate(
        f"""() => {{ const svg = document.documentElement;
        svg.setAttribute('width', {shown["width"]});
        svg.setAttribute('height', {shown["height"]}); }}"""
    )
    boxes = page.evaluate(LABEL_BOXES)
    assert len(boxes) >= 2, boxes
    assert not overlapping(boxes), (language, days, boxes)
    assert all(0 <= box["left"] and box["right"] <= shown["width"] for box in boxes), (
        "no label is cut at the image's edge",
        boxes,
    )
