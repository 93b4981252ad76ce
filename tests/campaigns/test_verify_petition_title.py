"""The verification page names the petition in the language it is shown in.

It showed the title of the page the signature was made on, as it was: an Arabic
signer of a petition with no Arabic version read an English title inside the Arabic
page, unmarked (a screen reader spoke it with its Arabic voice, right to left); the
same page switched to English named the Spanish petition a Spanish signer had signed.
The title is now the petition's version in the page's language when there is one,
else the original, marked with its own language and direction.
"""

import re

import pytest

from campaigns.services.petitions import record_signature, verification_token
from tests.factories import translate_page

pytestmark = pytest.mark.django_db


def named(body: str) -> str:
    """The paragraph naming the petition, under the heading."""
    main = body[body.index("<main") :]
    return re.search(r"</h1>\s*(<p[^>]*>[^<]*</p>)", main).group(1)


def token_for(petition, language: str) -> str:
    petition.require_verification = True
    petition.save_revision().publish()
    signature_id = record_signature(
        page=petition, email=f"{language}@example.org", language=language
    ).signature_id
    return verification_token(signature_id=signature_id)


def test_an_untranslated_petition_is_named_in_its_own_language(client, petition):
    token = token_for(petition, "ar")
    body = client.get(f"/petitions/verify/{token}/").content.decode()

    assert '<html lang="ar" dir="rtl">' in body
    assert named(body) == f'<p lang="en" dir="ltr">{petition.title}</p>'


def test_a_translated_petition_is_named_in_the_readers_language(client, petition):
    spanish = translate_page(petition, "es", title="Firme por una ciudad acogedora")
    token = token_for(spanish, "es")

    body = client.get(f"/petitions/verify/{token}/").content.decode()
    assert named(body) == "<p>Firme por una ciudad acogedora</p>"

    # The language switcher's English copy names the English petition.
    body = client.get(f"/petitions/verify/{token}/?language=en").content.decode()
    assert '<html lang="en" dir="ltr">' in body
    assert named(body) == f"<p>{petition.title}</p>"

    # A language the petition is not in: the original, marked so.
    body = client.get(f"/hi/petitions/verify/{token}/").content.decode()
    assert named(body) == f'<p lang="en" dir="ltr">{petition.title}</p>'
