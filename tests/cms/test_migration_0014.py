"""Alias chains already in a database (cms migration 0014): an alias more than three
steps from its source, past what the privacy checks follow, names the source itself
after the upgrade, and is then as private as its source; shorter chains keep the alias
they were made from."""

import pytest
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from tests.factories import build_bulletin
from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("cms", "0013_moderator_approval_name")
AFTER = ("cms", "0014_short_alias_chains")


def test_a_long_chain_is_shortened_and_its_far_end_kept_private(home_page):
    bulletin = build_bulletin(title="Private plans", slug="plans")
    chain = [bulletin]
    for step in range(1, 6):
        made = bulletin.create_alias(
            parent=bulletin.get_parent(), update_slug=f"alias-{step}"
        )
        # As a chain made before the save hook: each alias names the one before it.
        Page.objects.filter(pk=made.pk).update(alias_of_id=chain[-1].pk)
        chain.append(made)
    PageViewRestriction.objects.create(
        page=bulletin, restriction_type=PageViewRestriction.PASSWORD, password="rally"
    )
    try:
        migrate(BEFORE)
        before = [Page.objects.get(pk=p.pk).alias_of_id for p in chain[1:]]
        migrate(AFTER)
        after = [Page.objects.get(pk=p.pk).alias_of_id for p in chain[1:]]
    finally:
        migrate_to_latest()

    ids = [page.pk for page in chain]
    assert before == ids[:5]
    # Three steps and fewer keep their own source; the fourth and fifth name the page.
    assert after == [ids[0], ids[1], ids[2], ids[0], ids[0]]
    client = Client()
    for page in chain[1:]:
        assert 'name="password"' in client.get(page.url).content.decode(), page.slug
