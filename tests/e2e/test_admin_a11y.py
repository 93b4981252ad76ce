"""Every admin screen this project adds (and the new public ones) in headless Chromium,
checked by axe-core: no serious or critical violation. The report charts must also
load as images (an SVG the browser can draw, under their own narrow policy).

One browser page, one login, one visit per screen."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services import control
from campaigns.mailings.services.starting import materialise_deliveries
from campaigns.services.petitions import record_signature
from tests.campaigns.alert_fixtures import alert_site, organizer, rally
from tests.campaigns.mailing_fixtures import subscribe
from tests.e2e.test_hardening_journeys import log_in
from tests.e2e.test_pages_a11y import AXE
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    SuperuserFactory,
    build_bulletin,
    build_petition_page,
)

pytestmark = pytest.mark.django_db(transaction=True)


def serious_violations(page, context: str = "document") -> list[dict]:
    # Evaluated by the browser's debugger protocol, not as a <script> element: the
    # site's Content-Security-Policy rightly refuses inline scripts.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        f"async () => await axe.run({context}, {{resultTypes: ['violations']}})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def screens(home_page):
    with transaction.atomic():
        alert_site(home_page)
        legal = MailingListFactory(
            name="Legal Protection/Services", slug="legal", two_person_rule=True
        )
        outreach = MailingListFactory(name="Community Outreach/Education", slug="out")
        for n, language in enumerate(["es", "es", "en", "zh-hans", "ar", "pl"]):
            subscribe(
                f"p{n}@example.org", [legal, outreach][n % 2 :], language=language
            )
        admin = SuperuserFactory(username="staff")
        bulletin = build_bulletin(title="March bulletin", summary="News for March.")
        sent = control.create_mailing(
            user=admin, page=bulletin, list_ids=[legal.pk, outreach.pk]
        )
        materialise_deliveries(sent, ["en"])
        start = timezone.now() - timedelta(hours=1)
        for index, delivery in enumerate(Delivery.objects.filter(mailing=sent)):
            delivery.sent_at = start + timedelta(minutes=index)
            delivery.status = "bounced" if index == 0 else "delivered"
            delivery.save()
        Mailing.objects.filter(pk=sent.pk).update(
            status=Mailing.Status.SENT, recipients_count=6, started_at=start
        )
        draft = control.create_mailing(user=admin, page=bulletin, list_ids=[legal.pk])
        olga = organizer("olga", [legal, outreach], group_name="Organizers")
        alert = rally(olga, [outreach.pk])
        Mailing.objects.filter(pk=alert.pk).update(status=Mailing.Status.SENT)
        # No milestone crossed: nothing is queued for a worker this test does not run.
        campaign = CampaignFactory(
            name="Hate has no place in Chicago", goal=100, milestone_thresholds=[50]
        )
        petition = build_petition_page(home_page, campaign)
        for n in range(12):
            record_signature(page=petition, email=f"s{n}@example.org", language="en")
    return {
        "sent": sent,
        "draft": draft,
        "alert": alert,
        "campaign": campaign,
        "group": Group.objects.get(name="Organizers"),
    }


def test_new_admin_screens_have_no_serious_accessibility_violations(
    open_page, live_server, screens
):
    page = open_page()
    log_in(page, live_server.url, "staff")
    base = live_server.url
    found = {}

    # The admin's menu is Wagtail's and the same on every screen: checked once, on the
    # dashboard; elsewhere only what this project draws (main, with its header).
    def check(name, path=None, context="document.querySelector('main')"):
        if path is not None:
            page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() >= 1, name
        found[name] = serious_violations(page, context)

    check("dashboard", "/admin/", context="document")
    check("mailings", reverse("campaigns_mailings:index"))
    check(
        "mailing report",
        reverse("campaigns_mailings:detail", args=[screens["sent"].pk]),
    )
    charts = page.locator(".report-charts img")
    assert charts.count() == 3
    for index in range(3):
        assert charts.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    page.goto(base + reverse("campaigns_mailings:detail", args=[screens["draft"].pk]))
    page.get_by_role("button", name="Send now to 3 people").click()
    check("confirmation")
    check("alert", reverse("campaigns_mailings:alert", args=[screens["alert"].pk]))
    check("rally alert form", reverse("campaigns_mailings:rally_alert"))
    check(
        "campaign report",
        reverse("campaigns_admin:report", args=[screens["campaign"].pk]),
    )
    chart = page.locator("figure.chart img")
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    check("signups report", reverse("subscribers_signups_report"))
    check("next bulletin", reverse("cms_next_bulletin"))
    check(
        "group list permissions",
        reverse("wagtailusers_groups:edit", args=[screens["group"].pk]),
        context="document.querySelector('#mailing-list-permissions-section')",
    )
    check("home page (es)", "/es/", context="document")
    check("search (es)", "/es/search/?q=March", context="document")

    assert found == {name: [] for name in found}
