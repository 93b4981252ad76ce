"""Names the staff screens list, joined with the admin language's own comma: the lists'
counts by language ("12 (Español 3, العربية 2)") and an import's unknown lists read a
Latin ", " in Arabic and Chinese (cms.languages.join_names joins them now)."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from subscribers import imports
from subscribers.viewsets import CountsColumn

pytestmark = pytest.mark.django_db

COMMAS = {"ar": "، ", "zh-hans": "、"}


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_a_lists_counts_by_language_are_joined_with_the_languages_comma(language):
    list_row = SimpleNamespace(counts={"confirmed": {"es": 3, "ar": 2}})
    with translation.override(language):
        shown = CountsColumn("confirmed").get_value(list_row)
    assert COMMAS[language] in shown
    assert ", " not in shown


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_an_imports_unknown_lists_are_joined_with_the_languages_comma(language):
    with translation.override(language):
        refusal = imports._validate(
            1, {"email": "ana@example.org", "lists": "legal; health"}, {}
        )
    assert f"legal{COMMAS[language]}health" in refusal
