"""Wagtail's admin builds sentences around our models' names: "Editar este %(object)s"
read "Editar este suscripción" (the noun is feminine), "Czy na pewno chcesz usunąć ten
subskrypcja?" and "تحرير هذا اشتراك" put a masculine word before a feminine noun or a
noun in the wrong case. Our catalogue words these sentences so that the model's name
stands on its own (after a colon or in brackets) and agrees with any of our names."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from subscribers.models import Subscription
from tests.factories import MailingListFactory, make_subscriber, staff_member

pytestmark = pytest.mark.django_db

# The words that agreed with one gender or case only, per language.
DISAGREEING = {
    "es": [
        "este suscripción",
        "Editar este",
        "eliminar este suscripción",
        "actualizado.",
    ],
    "pl": ["usunąć ten subskrypcja", "Edytuj ten", "zaktualizowane."],
    "ar": ["تحرير هذا"],
}
ASKED = {
    "es": "¿Seguro que desea eliminar este elemento (",
    "pl": "Czy na pewno usunąć ten element (",
    "ar": "هل أنت متأكد أنك تريد حذف هذا العنصر (",
    "hi": "क्या आप वाकई यह आइटम (",
}


@pytest.fixture
def subscription():
    person = make_subscriber("ana@example.org", name="Ana", language="es")
    return Subscription.objects.create(
        subscriber=person,
        mailing_list=MailingListFactory(name="Legal", slug="legal"),
        status="confirmed",
        source="signup",
    )


@pytest.mark.parametrize("language", ["es", "pl", "ar", "hi"])
def test_deleting_a_subscription_asks_in_words_that_agree(
    client, subscription, language
):
    client.force_login(staff_member(language))
    html = client.get(
        reverse("subscribers_admin:delete", args=[subscription.pk])
    ).content.decode()

    assert ASKED[language] in html
    for words in DISAGREEING.get(language, []):
        assert words not in html


@pytest.mark.parametrize("language", ["es", "pl", "ar", "hi"])
def test_every_sentence_wagtail_builds_around_a_model_name_is_worded(language):
    with translation.override(language):
        for msgid in (
            "Edit this %(object)s",
            "%(model_name)s '%(object)s' created.",
            "%(model_name)s '%(object)s' updated.",
            "%(model_name)s '%(object)s' deleted.",
            "New: %(model_name)s",
        ):
            worded = gettext(msgid)
            assert worded != msgid, (language, msgid)
            for words in DISAGREEING.get(language, []):
                assert words not in worded % {
                    "object": "suscripción",
                    "model_name": "x",
                }


def test_saving_a_subscription_says_so_in_words_that_agree(client, subscription):
    client.force_login(staff_member("es"))
    answer = client.post(
        reverse("subscribers_admin:edit", args=[subscription.pk]),
        {"status": "unsubscribed"},
        follow=True,
    )
    html = answer.content.decode()
    assert "Elemento actualizado: suscripción" in html
