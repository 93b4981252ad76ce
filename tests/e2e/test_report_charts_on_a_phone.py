"""The signups and mailing reports' charts on a phone (390 px): the 800 px charts
were shrunk to under half their size, their 13 px labels drawn at 6 px and the
week dates running into each other. A phone now gets charts drawn for its width
(?narrow=1, as the campaign report's chart): shown near their own size, no two
x-axis labels overlapping, nothing cut at the image's edge, the legend inside."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services import control
from campaigns.mailings.services.starting import materialise_deliveries
from tests.campaigns.mailing_fixtures import subscribe
from tests.e2e.test_hardening_journeys import log_in
from tests.e2e.test_report_chart_narrow import LABEL_BOXES, overlapping
from tests.factories import (
    MailingListFactory,
    build_bulletin,
    staff_member,
)
from tests.subscribers.test_signups_report import signed_up

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = None  # a folder to keep screenshots in, when looking at the charts by hand

LISTS = ("Legal Protection/Services", "Mental Health/Well-being", "Youth & Families")
# Every text of the chart (labels, titles, legend), as the <img> shows it.
TEXT_BOXES = """() => [...document.querySelectorAll('text')]
    .filter(t => t.textContent.trim() && getComputedStyle(t).display !== 'none')
    .map(t => { const b = t.getBoundingClientRect();
                return {text: t.textContent, left: b.left, right: b.right}; })"""


def a_sent_mailing(home_page, user):
    lists = [
        MailingListFactory(name=name, slug=f"list-{n}") for n, name in enumerate(LISTS)
    ]
    for n in range(12):
        subscribe(
            f"p{n}@example.org", [lists[n % 3]], language=["en", "es", "ar"][n % 3]
        )
    mailing = control.create_mailing(
        user=user, page=build_bulletin(title="March"), list_ids=[x.pk for x in lists]
    )
    materialise_deliveries(mailing, ["en", "es", "ar"])
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    for index, delivery in enumerate(Delivery.objects.filter(mailing=mailing)):
        delivery.sent_at = start + timedelta(minutes=index * 2)
        delivery.status = "bounced" if index % 5 == 0 else "delivered"
        delivery.save()
    Mailing.objects.filter(pk=mailing.pk).update(
        status=Mailing.Status.SENT, recipients_count=12, started_at=start
    )
    return mailing


def check_charts(page, width, where):
    images = page.locator("main figure img")
    assert images.count() >= 1
    sources = []
    for index in range(images.count()):
        chart = images.nth(index)
        chart.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
        )
        shown = chart.bounding_box()
        assert shown["width"] <= width
        source = chart.evaluate("img => img.currentSrc")
        if width < 600:
            # Drawn for the phone: shown near its own size, so its type stays readable.
            assert "narrow=1" in source, source
            natural = chart.evaluate("img => img.naturalWidth")
            assert shown["width"] >= 0.85 * natural, (source, shown, natural)
        else:
            assert "narrow=1" not in source
        if SHOTS:
            chart.screenshot(path=f"{SHOTS}/{where}-{index}-{width}.png")
        sources.append((source, shown))
    for source, shown in sources:
        # The image's own text, laid out at the size the page shows it.
        page.goto(source)
        page.evaluate(
            f"""() => {{ const svg = document.documentElement;
            svg.setAttribute('width', {shown["width"]});
            svg.setAttribute('height', {shown["height"]}); }}"""
        )
        boxes = page.evaluate(LABEL_BOXES)
        assert len(boxes) >= 2, (source, boxes)
        assert not overlapping(boxes), (source, boxes)
        texts = page.evaluate(TEXT_BOXES)
        assert all(
            -1 <= box["left"] and box["right"] <= shown["width"] + 1 for box in texts
        ), ("no text is cut at the image's edge", source, texts)


@pytest.mark.parametrize(
    ("width", "language"), [(390, "en"), (390, "pl"), (1280, "en")]
)
def test_the_signups_chart_fits_a_phone(open_page, live_server, width, language):
    with transaction.atomic():
        staff_member(language, username="staff")
        for n, name in enumerate(LISTS):
            mailing_list = MailingListFactory(name=name, slug=f"list-{n}")
            for week in range(12):
                signed_up(f"{n}-{week}@example.org", mailing_list, days_ago=week * 7)
    page = open_page(width=width, height=844)
    log_in(page, live_server.url, "staff")
    page.goto(live_server.url + reverse("subscribers_signups_report"))
    check_charts(page, width, f"signups-{language}")


@pytest.mark.parametrize(
    ("width", "language"), [(390, "en"), (390, "ar"), (1280, "en")]
)
def test_the_mailing_reports_charts_fit_a_phone(
    open_page, live_server, home_page, width, language
):
    with transaction.atomic():
        mailing = a_sent_mailing(home_page, staff_member(language, username="staff"))
    page = open_page(width=width, height=844)
    log_in(page, live_server.url, "staff")
    page.goto(live_server.url + reverse("campaigns_mailings:detail", args=[mailing.pk]))
    check_charts(page, width, f"mailing-{language}")
