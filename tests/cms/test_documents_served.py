"""Documents as Wagtail's serve view hands them out, through the site's own URL."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes):
    document = get_document_model()(title=name)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


@pytest.mark.parametrize("name", ["know-your-rights.pdf", "resources.csv", "plan.docx"])
def test_a_document_is_served_whole_and_not_claimed_compressed(client, name):
    # Wagtail's sendfile wrote "Content-Encoding: None" for every file whose name
    # implies no encoding: a header naming an encoding that does not exist, which a
    # strict proxy or client may refuse or try to decode.
    document = upload(name, b"%PDF-1.4 card in six languages")

    response = client.get(document.url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 card in six languages"
    assert "Content-Encoding" not in response.headers
    assert "filename=" in response.headers["Content-Disposition"]
