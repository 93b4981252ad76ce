"""The petition form's labels end without a colon, like the signup, RSVP and
preferences forms' labels: a newcomer read "Imię i nazwisko:" and "आपका नाम:" on the
petition (Django's label_suffix) and "Imię i nazwisko" everywhere else."""

import re

import pytest

from tests.factories import MailingListFactory, translate_page
from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db

COLONS = (":", "：")


def label_texts(html: str) -> list[str]:
    form = html.split('class="petition-form"', 1)[1].split("</form>", 1)[0]
    form = re.sub(r'<div class="hp".*?</div>', "", form, flags=re.S)
    texts = [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r"<label[^>]*>(.*?)</label>", form, re.S)
    ]
    return [text for text in texts if text]


@pytest.mark.parametrize("language", LANGUAGES)
def test_petition_labels_end_without_a_colon(client, petition, campaign, language):
    # With a list to join, so the language choice's label is on the form too.
    campaign.default_lists.add(MailingListFactory())
    page = petition if language == "en" else translate_page(petition, language)
    html = client.get(page.url).content.decode()
    labels = label_texts(html)
    assert len(labels) >= 4, labels  # name, e-mail, ZIP, language
    assert [label for label in labels if label.endswith(COLONS)] == []
