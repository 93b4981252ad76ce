"""An alias of a private page is as private as its source (cms/routing.py): staff's
"Create alias" of a restricted bulletin, of its Spanish copy, or of a page under a
restricted section, on any public path (the page, the archive, the sitemap, search).

Found by an attacker's round on production settings: the Spanish copy's alias of a
private English bulletin (/es/bulletins/recursos-alias/) answered anyone and was
listed in the Spanish archive, the sitemap and the Spanish search."""

import pytest
from django.test import Client
from wagtail.models import Locale, Page, PageViewRestriction

from tests.cms.site_builders import multilingual_site
from tests.factories import build_bulletin

pytestmark = pytest.mark.django_db

SPANISH_TITLE = "Actualización: conozca sus derechos"


@pytest.fixture
def site(home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pages = multilingual_site(home_page)
        pages["spanish_bulletin"] = (
            pages["bulletin"]
            .get_translation(Locale.objects.get(language_code="es"))
            .specific
        )
    return pages


def restrict(page):
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="rally"
    )


def alias(page, parent, slug):
    return page.specific.create_alias(parent=parent, update_slug=slug).specific


def shown(client, url, words):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return words in response.content.decode()


def test_a_same_locale_alias_of_a_restricted_page_s_translation_is_kept(
    site, django_capture_on_commit_callbacks
):
    spanish = site["spanish_bulletin"]
    with django_capture_on_commit_callbacks(execute=True):
        restrict(site["bulletin"])
        copy = alias(spanish, spanish.get_parent(), "recursos-alias")
    client = Client()
    response = client.get(copy.url)
    assert copy.url.startswith("/es/")
    assert SPANISH_TITLE not in response.content.decode()
    assert 'name="password"' in response.content.decode()
    for url in ("/es/bulletins/", "/sitemap.xml", "/es/search/?q=derechos"):
        assert not shown(client, url, "recursos-alias"), url


def test_an_alias_made_before_the_restriction_is_kept(
    site, django_capture_on_commit_callbacks
):
    """Wagtail copies a restriction onto an alias only when the alias is made."""
    bulletin = site["bulletin"]
    with django_capture_on_commit_callbacks(execute=True):
        copy = alias(bulletin, bulletin.get_parent(), "rights-again")
    client = Client()
    assert shown(client, "/bulletins/", "rights-again")  # public before
    with django_capture_on_commit_callbacks(execute=True):
        restrict(bulletin)
    assert 'name="password"' in client.get(copy.url).content.decode()
    for url in ("/bulletins/", "/sitemap.xml", "/search/?q=rights"):
        assert not shown(client, url, "rights-again"), url


def test_an_alias_of_a_page_under_a_restricted_section_is_kept(
    site, django_capture_on_commit_callbacks
):
    """The source's ancestors count too, not only the source."""
    with django_capture_on_commit_callbacks(execute=True):
        private = build_bulletin(site["bulletins"], title="Task force notes")
        under = build_bulletin(private, title="Shelter addresses")
        restrict(private)
        copy = alias(under, site["bulletins"], "shelters-alias")
    client = Client()
    response = client.get(copy.url)
    assert "Shelter addresses" not in response.content.decode()
    assert 'name="password"' in response.content.decode()
    for url in ("/bulletins/", "/sitemap.xml"):
        assert not shown(client, url, "shelters-alias"), url


def test_an_alias_of_an_alias_is_kept(site, django_capture_on_commit_callbacks):
    bulletin = site["bulletin"]
    with django_capture_on_commit_callbacks(execute=True):
        first = alias(bulletin, bulletin.get_parent(), "first-alias")
        second = alias(first, bulletin.get_parent(), "second-alias")
        restrict(bulletin)
    assert Page.objects.get(pk=second.pk).alias_of_id == first.pk
    client = Client()
    assert 'name="password"' in client.get(second.url).content.decode()
    assert not shown(client, "/bulletins/", "second-alias")


def test_the_password_opens_the_alias_and_public_aliases_stay_listed(
    site, django_capture_on_commit_callbacks
):
    spanish = site["spanish_bulletin"]
    with django_capture_on_commit_callbacks(execute=True):
        copy = alias(spanish, spanish.get_parent(), "recursos-alias")
        other = build_bulletin(site["bulletins"], title="Open house")
        alias(other, other.get_parent(), "open-house-alias")
    client = Client()
    assert shown(client, copy.url, SPANISH_TITLE)  # public before
    assert shown(client, "/sitemap.xml", "open-house-alias")
    restriction = restrict(site["bulletin"])
    assert shown(client, "/sitemap.xml", "open-house-alias")
    action = f"/es/_util/authenticate_with_password/{restriction.pk}/{copy.pk}/"
    form = client.get(copy.url).content.decode()
    assert f'action="{action}"' in form
    opened = client.post(action, {"password": "rally", "return_url": copy.url})
    assert opened.status_code == 302
    assert shown(client, copy.url, SPANISH_TITLE)


def test_a_cached_alias_is_not_served_once_its_source_is_restricted(
    site, settings, django_capture_on_commit_callbacks
):
    """Restricted pages are never stored; an alias cached while its source was public
    is purged with the source (cms/receivers.py), not served for PAGE_CACHE_SECONDS."""
    from django.core.cache import caches

    from tests.cms.test_page_cache import use_page_cache

    use_page_cache(settings, "locmem")
    spanish = site["spanish_bulletin"]
    with django_capture_on_commit_callbacks(execute=True):
        copy = alias(spanish, spanish.get_parent(), "recursos-alias")
    client = Client()
    try:
        client.get(copy.url)
        assert client.get(copy.url)["X-Page-Cache"] == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            restrict(site["bulletin"])
        answer = client.get(copy.url).content.decode()
        assert SPANISH_TITLE not in answer
        assert 'name="password"' in answer
    finally:
        caches["pages"].clear()


def test_an_alias_made_after_the_restriction_asks_for_one_password(
    site, django_capture_on_commit_callbacks
):
    """Wagtail copies the source's restriction onto the alias: the source's is the
    one asked for, as in Wagtail, not both in turn."""
    bulletin = site["bulletin"]
    with django_capture_on_commit_callbacks(execute=True):
        restriction = restrict(bulletin)
        copy = alias(bulletin, bulletin.get_parent(), "rights-again")
    assert PageViewRestriction.objects.filter(page=copy).exists()
    client = Client()
    action = f"/_util/authenticate_with_password/{restriction.pk}/{copy.pk}/"
    assert f'action="{action}"' in client.get(copy.url).content.decode()
    opened = client.post(action, {"password": "rally", "return_url": copy.url})
    assert opened.status_code == 302
    assert shown(client, copy.url, "Know your rights update")


def test_an_alias_four_steps_from_a_private_source_is_kept(
    site, django_capture_on_commit_callbacks
):
    """The privacy checks follow three aliases back (cms/routing.py ALIAS_HOPS): the
    alias of an alias of an alias of an alias of a private bulletin answered anyone,
    and the archive and the sitemap listed it."""
    bulletin = site["bulletin"]
    with django_capture_on_commit_callbacks(execute=True):
        chain = [bulletin]
        for step in range(1, 7):
            chain.append(alias(chain[-1], bulletin.get_parent(), f"alias-step-{step}"))
        restrict(bulletin)
    client = Client()
    for step, page in enumerate(chain[1:], start=1):
        assert 'name="password"' in client.get(page.url).content.decode(), step
        for url in ("/bulletins/", "/sitemap.xml"):
            assert not shown(client, url, f"alias-step-{step}"), (step, url)
    # The first three keep the alias they were made from, as Wagtail makes them.
    assert [Page.objects.get(pk=page.pk).alias_of_id for page in chain[1:4]] == [
        page.pk for page in chain[:3]
    ]
