"""The signature verification page in each language: its prefixes answer, and its
language switcher keeps the reader on it (it led to the petition page, and
/ar/petitions/verify/<token>/ answered 404)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.services.petitions import record_signature, verification_token

pytestmark = pytest.mark.django_db

PREFIXED = ("es", "hi", "zh-hans", "ar", "pl")


@pytest.fixture
def token(petition):
    petition.require_verification = True
    petition.save_revision().publish()
    signature_id = record_signature(
        page=petition, email="pl@example.org", language="pl"
    ).signature_id
    return verification_token(signature_id=signature_id)


def page_language(body: str) -> str:
    return re.search(r'<html lang="([^"]+)"', body).group(1)


def switcher_links(body: str) -> dict[str, str]:
    nav = body[body.index('class="language-switcher"') :]
    nav = nav[: nav.index("</nav>")]
    return {
        code: href.replace("&amp;", "&")
        for href, code in re.findall(r'<a href="([^"]+)" lang="([^"]+)"', nav)
    }


def test_the_emailed_link_answers_in_the_signers_language(client, token):
    url = reverse("verify_signature", args=[token])
    assert url == f"/petitions/verify/{token}/"
    assert page_language(client.get(url).content.decode()) == "pl"


@pytest.mark.parametrize("language", PREFIXED)
def test_each_language_prefix_answers_the_same_page_in_that_language(
    client, token, language
):
    response = client.get(f"/{language}/petitions/verify/{token}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert page_language(body) == language
    assert '<form method="post">' in body


def test_the_switcher_stays_on_the_verification_page(client, token, petition):
    body = client.get(f"/petitions/verify/{token}/").content.decode()
    links = switcher_links(body)
    assert set(links) == {"en", *PREFIXED}
    assert petition.url not in " ".join(links.values())
    assert links["ar"] == f"/ar/petitions/verify/{token}/"
    assert links["en"] == f"/petitions/verify/{token}/?language=en"
    for language, url in links.items():
        followed = client.get(url)
        assert followed.status_code == 200, url
        assert page_language(followed.content.decode()) == language


def test_confirming_in_the_chosen_language_leads_to_the_petition_in_it(
    client, token, petition
):
    done = client.post(f"/ar/petitions/verify/{token}/")
    assert done.status_code == 303
    assert done["Location"] == f"/ar{petition.url}?signed=verified#signed"


def test_a_bad_link_under_a_prefix_says_so_in_that_language(client):
    response = client.get("/ar/petitions/verify/forged/")
    assert response.status_code == 400
    assert page_language(response.content.decode()) == "ar"


@pytest.mark.parametrize(
    ("language", "prefix"), [("zh-hans", "/zh-hans/petitions/"), ("en", "/petitions/")]
)
def test_the_link_is_mailed_in_the_signers_language_whatever_language_is_active(
    petition, outbox_dir, client, language, prefix
):
    """A request in Polish may send the mail: its link still carries the signer's
    prefix (none for English), like every other e-mailed link, so even a link a mail
    client cut says so in the signer's language (a newcomer's Hindi link, unprefixed,
    answered a cut link in English)."""
    from campaigns.services.notifications import send_signature_verification
    from cms.mail import outbox

    petition.require_verification = True
    petition.save_revision().publish()
    outcome = record_signature(
        page=petition, email="zhang.min@example.org", language=language
    )
    with translation.override("pl"):
        send_signature_verification(signature_id=outcome.signature_id)
    (name,) = outbox.list_messages()
    text, _html = outbox.body_parts(outbox.read_message(name))
    link = next(line for line in text.split() if "/petitions/verify/" in line)
    path = re.sub(r"^https?://[^/]+", "", link)
    assert path.startswith(prefix + "verify/")

    cut = client.get(path[:-6] + "/")
    assert cut.status_code == 400
    assert page_language(cut.content.decode()) == language
    assert client.get(path)["Content-Language"] == language


@pytest.mark.parametrize("language", PREFIXED)
def test_a_bad_mailed_link_says_so_in_the_readers_language(client, language):
    """The e-mailed link has no prefix and a cut-off one names no signer: the page is
    in the browser's language, as the subscribers' bad-link pages are (it was always
    English)."""
    response = client.get(
        "/petitions/verify/1.1765000000.cut-off/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert page_language(response.content.decode()) == language
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]
