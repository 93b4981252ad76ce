"""Staff see a look-alike domain for what it is: a label mixing Latin with Cyrillic
or Greek ("gmаil.com" with a Cyrillic а) is shown in its IDNA ("xn--") form, where
its Unicode form reads as the real domain. Domains in one script (and Japanese's,
Chinese's and Korean's usual mixes with Latin) are shown as their owners typed them."""

import pytest
from django.urls import reverse

from subscribers.addresses import staff_email
from subscribers.models import Subscription
from tests.factories import MailingListFactory, SuperuserFactory, make_subscriber

CYRILLIC_A = "\u0430"
GREEK_O = "\u03bf"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (f"ana@gm{CYRILLIC_A}il.com", "ana@xn--gmil-63d.com"),
        (f"ana@g{GREEK_O}{GREEK_O}gle.org", "ana@xn--ggle-0nda.org"),
        (f"ana@mail.p{CYRILLIC_A}ypal.com", "ana@mail.xn--pypal-4ve.com"),
        ("ana@example.org", "ana@example.org"),
        ("ana@münchen.de", "ana@münchen.de"),
        ("ana@пример.рф", "ana@пример.рф"),
        ("ana@例え.jp", "ana@例え.jp"),
        ("ana@ドメインname例.jp", "ana@ドメインname例.jp"),
        ("ana@中国example.cn", "ana@中国example.cn"),
        ("ana@한국abc.kr", "ana@한국abc.kr"),
        ("ana@bücher-2.de", "ana@bücher-2.de"),
        ("ana", "ana"),
    ],
)  # fmt: skip
def test_a_label_mixing_latin_with_cyrillic_or_greek_is_shown_in_idna(stored, shown):
    assert staff_email(stored) == shown


@pytest.mark.django_db
def test_the_subscriptions_listing_shows_the_look_alike_in_idna(client):
    mailing_list = MailingListFactory(name="Legal Protection/Services", slug="legal")
    look_alike = make_subscriber(f"ana@gm{CYRILLIC_A}il.com", language="es")
    real = make_subscriber("ana@gmail.com", language="es")
    for person in (look_alike, real):
        Subscription.objects.create(
            subscriber=person, mailing_list=mailing_list, status="confirmed"
        )
    client.force_login(SuperuserFactory(username="boss"))

    body = client.get(reverse("subscribers_admin:index")).content.decode()

    assert "ana@xn--gmil-63d.com" in body
    assert f"gm{CYRILLIC_A}il" not in body
    assert "ana@gmail.com" in body
