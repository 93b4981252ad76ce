"""A document behind a password asks for it in the reader's language: the language
cookie, else the browser's (document URLs have no language prefix, and the form was
English for everyone)."""

import json
from pathlib import Path

import pytest

from tests.security.production import https_client

pytestmark = pytest.mark.django_db

TRANSLATIONS = json.loads(
    (Path(__file__).parents[2] / "locale/translations/fix-restricted.json").read_text()
)


@pytest.fixture
def kept_document(password_doors):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    _event, (_page_form, document_form) = password_doors
    document = get_document_model()(
        title="Shelter addresses",
        collection=Collection.objects.get(name="Handouts"),
    )
    document.file.save("handout.pdf", ContentFile(b"%PDF-1.4 handout"), save=False)
    document.save()
    return document, document_form


def test_the_form_follows_the_browser_language(production, kept_document):
    document, action = kept_document
    client = https_client(HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")
    response = client.get(document.url)
    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in text
    assert TRANSLATIONS["You need a password to open this document."]["ar"] in text
    assert response["Content-Language"] == "ar"
    assert "Accept-Language" in response["Vary"]
    assert "Cookie" in response["Vary"]

    wrong = client.post(action, {"password": "nope", "return_url": document.url})
    assert wrong.status_code == 200
    wrong_text = wrong.content.decode()
    assert '<html lang="ar" dir="rtl">' in wrong_text
    error = TRANSLATIONS["This password is not correct. Please try again."]["ar"]
    assert error in wrong_text

    right = client.post(action, {"password": "rally", "return_url": document.url})
    assert right.status_code == 302
    opened = client.get(document.url)
    assert opened.status_code == 200
    assert b"".join(opened.streaming_content) == b"%PDF-1.4 handout"


def test_the_language_cookie_comes_first(production, kept_document):
    document, _action = kept_document
    client = https_client(HTTP_ACCEPT_LANGUAGE="ar")
    client.cookies["django_language"] = "pl"
    text = client.get(document.url).content.decode()
    assert '<html lang="pl" dir="ltr">' in text


def test_without_either_the_form_is_in_the_default_language(production, kept_document):
    document, _action = kept_document
    text = https_client().get(document.url).content.decode()
    assert '<html lang="en" dir="ltr">' in text
    assert "You need a password to open this document." in text
