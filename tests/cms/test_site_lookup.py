"""cms/site_lookup.py: the site for a host without a query per request, forgotten when
sites or pages change, and after its seconds in other processes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from cms import site_lookup
from tests.factories import build_bulletin

pytestmark = pytest.mark.django_db


@pytest.fixture
def remembered(settings):
    settings.SITE_LOOKUP_SECONDS = 10
    site_lookup.forget()
    yield
    site_lookup.forget()


def site_queries(client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    # Wagtail's host lookup ranks the candidate sites with a CASE.
    lookups = [
        q for q in queries if "wagtailcore_site" in q["sql"] and "CASE" in q["sql"]
    ]
    return status, len(lookups)


def test_the_second_request_finds_the_site_without_a_query(remembered, home_page):
    bulletin = build_bulletin(home_page, title="February bulletin")
    client = Client()
    assert site_queries(client, bulletin.url) == (200, 1)
    assert site_queries(client, bulletin.url) == (200, 0)
    assert site_queries(client, "/") == (200, 0)


def test_a_changed_site_is_looked_up_again(remembered, home_page):
    client = Client()
    assert client.get("/").status_code == 200
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Office of New Americans"
    site.save()
    status, queries = site_queries(client, "/")
    assert (status, queries) == (200, 1)
    found = site_lookup.get_site_for_hostname(site.hostname, site.port)
    assert found.site_name == "Office of New Americans"


def test_each_caller_gets_its_own_copy(remembered, home_page):
    site = Site.objects.get(is_default_site=True)
    first = site_lookup.get_site_for_hostname(site.hostname, site.port)
    first.root_page.title = "changed by one request"
    second = site_lookup.get_site_for_hostname(site.hostname, site.port)
    assert second.root_page.title != "changed by one request"
    assert second.pk == first.pk


def test_expired_answers_are_looked_up_again(remembered, home_page, monkeypatch):
    site = Site.objects.get(is_default_site=True)
    site_lookup.get_site_for_hostname(site.hostname, site.port)
    clock = site_lookup.time.monotonic() + 11
    monkeypatch.setattr(site_lookup.time, "monotonic", lambda: clock)
    with CaptureQueriesContext(connection) as queries:
        site_lookup.get_site_for_hostname(site.hostname, site.port)
    assert len(queries) == 1


def test_unknown_hosts_cannot_grow_the_memo(remembered, home_page):
    Site.objects.update(is_default_site=False)
    site_lookup.forget()
    for number in range(site_lookup.MAX_HOSTS + 50):
        with pytest.raises(Site.DoesNotExist):
            site_lookup.get_site_for_hostname(f"h{number}.example", 80)
    assert len(site_lookup._answers) <= site_lookup.MAX_HOSTS
