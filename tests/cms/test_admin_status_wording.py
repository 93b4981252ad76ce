"""The page editor's status panel and locks in words that agree with "page".

Wagtail builds these sentences around the page's generic name ("strona", "página",
"صفحة", feminine in Polish, Spanish and Arabic): a Polish editor of a bulletin in
moderation read "Reviewers can edit this strona" (no Polish catalogue entry) and "Ten
strona aktualnie oczekuje na moderację", an Arabic one "تعديل هذا الصفحة" (a masculine
demonstrative). Our catalogue words them so the name stands alone (cms/admin_messages.py),
as the round before did for "Edit this %(object)s"."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Workflow

from cms.admin_messages import MESSAGES
from tests.factories import build_bulletin, build_bulletin_index, staff_member

pytestmark = pytest.mark.django_db

# What a reviewer saw on a bulletin in moderation, per language (the disagreement).
MISWORDED = {
    "pl": ["Reviewers can edit this", "Ten strona", "ten strona", "Edycja Biuletyn"],
    "ar": ["هذا الصفحة", "هذا صفحة"],
    "es": ["este página", "Reviewers can edit this"],
    "hi": ["Reviewers can edit this"],
    "zh-hans": ["Reviewers can edit this"],
}
WORDED = {
    "pl": "Recenzenci mogą edytować ten element (",
    "ar": "يمكن للمراجعين تعديل هذا العنصر (",
    "es": "Los revisores pueden editar este elemento (",
    "hi": "समीक्षक इस आइटम (",
    "zh-hans": "审核人可以编辑此项（",
}

AROUND_A_NAME = [
    msgid
    for msgid in MESSAGES
    if "model_name" in msgid and ("this" in msgid or "the" in msgid)
] + ["Editing %(page_type)s"]


@pytest.mark.parametrize("language", sorted(WORDED))
def test_a_bulletin_in_moderation_is_described_in_words_that_agree(
    client, home_page, language
):
    bulletin = build_bulletin(build_bulletin_index(home_page))
    reviewer = staff_member(language)
    Workflow.objects.get(name="Moderator approval").start(bulletin, reviewer)
    client.force_login(reviewer)

    html = client.get(
        reverse("wagtailadmin_pages:edit", args=[bulletin.pk])
    ).content.decode()

    assert WORDED[language] in html
    for words in MISWORDED[language]:
        assert words not in html, words


@pytest.mark.parametrize("language", ["es", "pl", "ar", "hi", "zh-hans"])
@pytest.mark.parametrize("msgid", AROUND_A_NAME)
def test_every_sentence_around_a_name_is_worded_in_our_catalogue(language, msgid):
    with translation.override(language):
        worded = gettext(msgid)
    assert worded != msgid
    # The name stands alone: in brackets, or after a colon.
    assert any(
        mark in worded
        for mark in (
            "(%(model_name)s)",
            "（%(model_name)s）",
            "({model_name})",
            "（{model_name}）",
            # The title ends ": <page title>": the type stays in the sentence, and
            # Polish "Edycja Biuletyn" (nominative) became "Edycja strony typu …".
            "Editando %(page_type)s",
            "%(page_type)s का संपादन",
            "编辑%(page_type)s",
            "تحرير %(page_type)s",
            "Edycja strony typu %(page_type)s",
        )
    ), worded
