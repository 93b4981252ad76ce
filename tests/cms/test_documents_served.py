"""Documents as Wagtail's serve view hands them out, through the site's own URL."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def root_collection():
    """Documents live in a collection: Wagtail's migration makes the root one, which a
    transactional test run before (tests/cms/test_worker.py) flushes with every other
    row."""
    from wagtail.models import Collection

    return Collection.get_first_root_node() or Collection.add_root(name="Root")


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


def test_a_private_collections_document_is_kept_out_of_shared_caches(
    client, root_collection
):
    """A document behind a collection password carried no Cache-Control once its
    password was given: a CDN in front (they cache PDFs by default, whatever the
    cookie) would serve it to the next visitor. Wagtail's private pages say
    "private, no-store"; now its private documents do too. Public ones are unchanged."""
    from wagtail.models import CollectionViewRestriction

    private = root_collection.add_child(name="Task force only")
    restriction = CollectionViewRestriction.objects.create(
        collection=private,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="rally",
    )
    document = upload("minutes.pdf", b"%PDF-1.4 minutes")
    document.collection = private
    document.save()
    public = upload("flyer.pdf", b"%PDF-1.4 flyer")

    asked = client.get(document.url)
    assert asked.status_code == 200
    assert b"%PDF" not in asked.content, "the password form, not the file"
    given = client.post(
        f"/documents/authenticate_with_password/{restriction.pk}/",
        {"password": "rally", "return_url": document.url},
    )
    assert given.status_code == 302
    served = client.get(document.url)
    assert b"".join(served.streaming_content) == b"%PDF-1.4 minutes"
    directives = {part.strip() for part in served["Cache-Control"].split(",")}
    assert {"private", "no-store", "no-cache"} <= directives
    assert "Cache-Control" not in client.get(public.url).headers
