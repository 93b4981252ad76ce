"""A page's own restrictions (cms.routing.Keeps, hand-written SQL for speed) are the
ones the module's rules name, written below as the ORM query they were before: for
every page of a multilingual site with aliases (of aliases, of translations, of a
restricted section's children) and restrictions in each of the places the rules
treat differently, both give the same restrictions."""

import pytest
from django.db.models import Exists, OuterRef, Q
from wagtail.models import Locale, Page, PageViewRestriction

from cms.routing import ALIAS_HOPS, _source_language
from tests.cms.site_builders import multilingual_site
from tests.factories import build_bulletin

pytestmark = pytest.mark.django_db


def defined_restrictions(page):
    """The rules of cms/routing.py's docstring as the ORM query they first were."""
    steplen = page.steplen
    paths = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
    own = Page.objects.filter(path__in=paths)

    def stood_for(path_ref):
        alias_field = path_ref.replace("path", "alias_of")
        reached = Q()
        for hop in ALIAS_HOPS:
            reached |= Q(
                Exists(own.filter(**{f"{hop}__path__startswith": OuterRef(path_ref)}))
            )
        return Q(**{f"{alias_field}__isnull": True}) & (
            Q(**{f"{path_ref}__in": paths}) | reached
        )

    translations_stood_for = Page.objects.filter(
        stood_for("path"), translation_key=OuterRef("page__translation_key")
    )
    return PageViewRestriction.objects.filter(
        stood_for("page__path")
        | Q(
            Exists(translations_stood_for),
            page__locale__language_code=_source_language(),
        )
    )


def restrict(page):
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="rally"
    )


def alias(page, parent, slug):
    return page.specific.create_alias(parent=parent, update_slug=slug).specific


@pytest.fixture
def site(home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pages = multilingual_site(home_page)
        spanish = Locale.objects.get(language_code="es")
        pages["spanish_bulletin"] = pages["bulletin"].get_translation(spanish).specific
        pages["spanish_bulletins"] = pages["bulletins"].get_translation(spanish)
        pages["second"] = build_bulletin(pages["bulletins"], title="Clinic hours")
        pages["alias"] = alias(pages["bulletin"], pages["bulletins"], "kyr-alias")
        pages["alias_of_alias"] = alias(pages["alias"], pages["events"], "kyr-again")
        pages["spanish_alias"] = alias(
            pages["spanish_bulletin"], pages["spanish_bulletins"], "recursos-alias"
        )
        pages["section_alias"] = alias(pages["second"], pages["events"], "clinic")
    return pages


RESTRICTED = [
    ("bulletin",),
    ("bulletins",),
    ("spanish_bulletin",),
    ("spanish_bulletins",),
    ("alias",),
    ("events",),
    ("bulletin", "spanish_alias"),
    ("home",),
]


@pytest.mark.parametrize("restricted", RESTRICTED, ids="+".join)
def test_every_page_s_restrictions_are_the_defined_ones(
    site, restricted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for name in restricted:
            restrict(site[name])
    kept = 0
    for page in Page.objects.exclude(depth=1).specific():
        got = set(page.get_view_restrictions().values_list("pk", flat=True))
        assert got == set(defined_restrictions(page).values_list("pk", flat=True)), (
            page.url_path,
            restricted,
        )
        kept += bool(got)
    if restricted == ("alias",):
        # An alias's own restriction gives way to its source's (one password).
        assert kept == 0
    else:
        # The case reaches somewhere: each restriction keeps at least its own page.
        assert kept >= len(restricted)
