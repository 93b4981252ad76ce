"""The petition sign URL is the site URLconf's first pattern (cms/urls.py): a crowd's
signatures are resolved without trying the nine patterns that used to come first,
and every URL still resolves as it did."""

import pytest
from django.urls import Resolver404, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern

from campaigns import views as campaign_views


def test_the_sign_url_is_resolved_by_the_first_pattern():
    first = get_resolver().url_patterns[0]
    match = first.resolve("petitions/12/sign/")
    assert match is not None
    assert match.func is campaign_views.sign_petition
    assert match.kwargs == {"page_id": 12}
    assert match.view_name == "campaigns:sign"


def test_no_pattern_it_now_precedes_answers_a_path_under_petitions():
    # Moving the include first changed nothing only if none of the unprefixed
    # patterns that came before it answers a path under petitions/ (the language
    # patterns, Wagtail's pages among them, always came after it).
    others = [
        pattern
        for pattern in get_resolver().url_patterns[1:]
        if not isinstance(pattern.pattern, LocalePrefixPattern)
    ]
    for path in ("petitions/12/sign/", "petitions/embed/3/", "petitions/verify/x/"):
        for pattern in others:
            try:
                found = pattern.resolve(path)
            except Resolver404:
                found = None
            assert found is None, (pattern, path)


@pytest.mark.parametrize(
    ("name", "kwargs", "path"),
    [
        ("campaigns:sign", {"page_id": 5}, "/petitions/5/sign/"),
        ("campaigns:embed", {"page_id": 5}, "/petitions/embed/5/"),
        ("verify_signature", {"token": "t"}, "/petitions/verify/t/"),
    ],
)
def test_petition_urls_reverse_and_resolve_as_before(name, kwargs, path):
    assert reverse(name, kwargs=kwargs) == path
    assert resolve(path).view_name == name
