"""The first readers' batch goes out before the other languages are rendered (issue 18):
a rally alert's biggest language waits for one render, not six."""

from collections import Counter

import pytest

from campaigns.mailings.models import Delivery, MailingRendition
from campaigns.mailings.services import alerts, sending, starting
from tests.campaigns.alert_fixtures import alert_site, organizer
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.campaigns.test_alerts import rally

pytestmark = pytest.mark.django_db


def rendered(mailing) -> dict[str, bool]:
    rows = MailingRendition.objects.filter(mailing=mailing).values_list(
        "language", "html"
    )
    return {language: bool(html) for language, html in rows}


def test_the_biggest_language_goes_first_and_the_others_keep_the_page_as_it_was(
    home_page, fake_esp
):
    alert_site(home_page)
    (responders,) = lists(1)
    spanish = {f"lucia{n}@example.org" for n in range(3)}
    for address in spanish:
        subscribe(address, [responders], language="es")
    subscribe("grace@example.org", [responders], language="en")
    subscribe("layla@example.org", [responders], language="ar")
    user = organizer("olga", [responders])
    mailing = rally(user, [responders.pk])
    alerts.send_alert(user=user, mailing_id=mailing.pk)

    starting.start_mailing(mailing_id=mailing.pk)

    assert rendered(mailing) == {"es": True, "en": False, "ar": False}
    # Edited between the start and the other languages' render: nobody gets the edit.
    page = mailing.page.specific
    page.message = "<p>Edited after the start.</p>"
    page.save_revision().publish()

    assert sending.send_batch(mailing_id=mailing.pk) == 3
    assert {row.to for row in fake_esp.delivered} == spanish
    assert rendered(mailing) == {"es": True, "en": True, "ar": True}
    while sending.send_batch(mailing_id=mailing.pk):
        pass

    received = Counter(row.to for row in fake_esp.delivered)
    assert received == Counter({*spanish, "grace@example.org", "layla@example.org"})
    by_address = {row.to: row for row in fake_esp.delivered}
    assert 'lang="ar"' in by_address["layla@example.org"].html
    assert 'lang="en"' in by_address["grace@example.org"].html
    for row in fake_esp.delivered:
        assert "Join us in three hours." in row.html
        assert "Edited after the start." not in row.html
    assert set(
        Delivery.objects.filter(mailing=mailing).values_list("status", flat=True)
    ) == {Delivery.Status.SENT}


def test_languages_left_pending_by_a_lost_worker_are_rendered_by_the_next_batch(
    home_page, fake_esp
):
    alert_site(home_page)
    (responders,) = lists(1)
    subscribe("lucia@example.org", [responders], language="es")
    subscribe("lucas@example.org", [responders], language="es")
    subscribe("grace@example.org", [responders], language="en")
    user = organizer("olga", [responders])
    mailing = rally(user, [responders.pk])
    alerts.send_alert(user=user, mailing_id=mailing.pk)
    starting.start_mailing(mailing_id=mailing.pk)
    # The worker died after the Spanish batch was claimed and sent, before it rendered
    # English: the upkeep's chain finds only English rows waiting.
    Delivery.objects.filter(mailing=mailing, language="es").update(
        status=Delivery.Status.SENT
    )

    assert sending.send_batch(mailing_id=mailing.pk) == 1

    assert [row.to for row in fake_esp.delivered] == ["grace@example.org"]
    assert not sending.send_batch(mailing_id=mailing.pk)
