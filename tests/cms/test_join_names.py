"""Lists of names on the staff screens (languages a mailing leaves behind, lists,
approvers) are joined with the admin language's own comma: testers using the admin in
Arabic and Chinese read "Español, العربية" with a Latin comma."""

import pytest
from django.utils import translation

from cms.languages import join_names

NAMES = ["Español (Spanish)", "简体中文 (Simplified Chinese)", "Polski (Polish)"]


@pytest.mark.parametrize(
    ("language", "joined"),
    [
        ("en", "Español (Spanish), 简体中文 (Simplified Chinese), Polski (Polish)"),
        ("es", "Español (Spanish), 简体中文 (Simplified Chinese), Polski (Polish)"),
        ("ar", "Español (Spanish)، 简体中文 (Simplified Chinese)، Polski (Polish)"),
        (
            "zh-hans",
            "Español (Spanish)、简体中文 (Simplified Chinese)、Polski (Polish)",
        ),
    ],
)
def test_names_are_joined_with_the_languages_comma(language, joined):
    with translation.override(language):
        assert join_names(NAMES) == joined
        assert join_names(NAMES[:1]) == NAMES[0]
        assert join_names([]) == ""
