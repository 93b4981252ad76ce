"""The seed petition loads with its history, fast and idempotently."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.demo import MILESTONES, SIGNATURES, nth_signature_time
from campaigns.models import Campaign, Counter, Milestone, PetitionPage, Signature

pytestmark = pytest.mark.django_db


def snapshot(campaign) -> dict:
    return {
        "signatures": Signature.objects.filter(campaign=campaign).count(),
        "counter": Counter.objects.get(campaign=campaign, kind="signatures").value,
        "milestones": list(
            Milestone.objects.filter(campaign=campaign)
            .order_by("threshold")
            .values_list("threshold", "reached_at")
        ),
        "pages": sorted(
            PetitionPage.objects.filter(campaign=campaign).values_list(
                "locale__language_code", "title", "live"
            )
        ),
    }


def test_load_demo_builds_the_seed_petition_once(demo_content, client):
    campaign = Campaign.objects.get(slug="hate-has-no-place-in-chicago")
    first = snapshot(campaign)
    call_command("load_demo", stdout=open(demo_content / "out2", "w"))
    assert snapshot(campaign) == first

    assert first["signatures"] == first["counter"] == SIGNATURES
    assert [t for t, _ in first["milestones"]] == [10, 25, 50, 100, 500]
    assert dict(first["milestones"]) == MILESTONES
    assert {code for code, _title, live in first["pages"] if live} == {
        "en", "es", "hi", "zh-hans", "ar", "pl",
    }  # fmt: skip
    assert not Milestone.objects.filter(notified_at=None).exists(), (
        "historical milestones must not mail the leads"
    )

    page = PetitionPage.objects.get(campaign=campaign, locale__language_code="en")
    body = client.get(page.url).content.decode()
    assert "520 signatures" in body
    assert "Goal: 1,000" in body
    assert "May 8, 2024, 8:33 p.m." in body  # 21:33 -04:00 is 20:33 in Chicago
    assert "500 signatures reached" in body
    polish = PetitionPage.objects.get(campaign=campaign, locale__language_code="pl")
    polish_body = client.get(polish.url).content.decode()
    assert "Nienawiść nie ma miejsca w Chicago" in polish_body
    assert "nie damy się podzielić" in polish_body


def test_the_nth_demo_signature_lands_on_its_milestone():
    for threshold, reached_at in MILESTONES.items():
        assert nth_signature_time(threshold) == reached_at
    assert (
        nth_signature_time(1) < nth_signature_time(2) < nth_signature_time(SIGNATURES)
    )
    assert nth_signature_time(SIGNATURES) < timezone.now()
