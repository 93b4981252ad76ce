"""Uploaded media in production: served from a local directory by the app with caching
headers, or stored in S3-compatible object storage (a loopback moto server speaking S3's
real HTTP API to boto3), and e-mail image URLs that answer 200 either way."""

import io
import json
import os
from pathlib import Path

import boto3
import pytest
import requests
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Collection

from cms.email.rendering import render_email
from tests.factories import build_bulletin
from tests.smtp_sink import free_port

pytestmark = pytest.mark.django_db
BUCKET = "ona-media"
PUBLIC_IMAGES_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "PublicImages",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": [
                f"arn:aws:s3:::{BUCKET}/images/*",
                f"arn:aws:s3:::{BUCKET}/original_images/*",
            ],
        }
    ],
}


def png(width=1600, height=400) -> bytes:
    """A PNG of a colour of its own: Wagtail caches renditions by image id and file
    hash, and a rolled-back test's image id comes round again on SQLite."""
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), tuple(os.urandom(3))).save(buffer, "PNG")
    return buffer.getvalue()


def upload_image(title="Rally banner"):
    # A transactional test may have flushed the root collection Wagtail migrated in.
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    content = png()
    image = get_image_model()(
        title=title, file=ImageFile(io.BytesIO(content), name="banner.png")
    )
    image._set_image_file_metadata()  # size and hash, as Wagtail's upload form sets them
    image.save()
    image.uploaded = content
    return image


def bulletin_with(image):
    return build_bulletin(
        title="With a picture",
        body=[("image", {"image": image.pk, "alt_text": "Marchers", "caption": ""})],
    )


# --- A local directory, served by the app ------------------------------------------


@pytest.fixture
def local_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_CACHE_SECONDS = 604800
    return Path(settings.MEDIA_ROOT)


def test_email_images_are_absolute_and_served_with_caching_headers(
    client, local_media, settings, home_page
):
    assert settings.DEBUG is False
    image = upload_image()
    html = render_email(
        bulletin_with(image), language="en", base_url="https://ona.example.org"
    ).html
    rendition = image.get_rendition("width-1200")
    assert f'src="https://ona.example.org{rendition.url}"' in html

    response = client.get(rendition.url, HTTP_HOST="ona.example.org")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=604800"
    assert response["Last-Modified"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")

    again = client.get(rendition.url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == "public, max-age=604800"
    since = client.get(rendition.url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    assert client.head(rendition.url).status_code == 200
    assert client.post(rendition.url).status_code == 405


def test_only_image_folders_are_served(client, local_media):
    (local_media / "documents").mkdir(parents=True)
    (local_media / "documents" / "private.pdf").write_bytes(b"%PDF-1.4 private")
    (local_media / "images").mkdir()
    (local_media / "secret.txt").write_text("not media")
    for path in (
        "/media/documents/private.pdf",  # documents go through Wagtail's view
        "/media/images/missing.png",
        "/media/images/../secret.txt",
        "/media/images/%2e%2e/secret.txt",
        "/media/secret.txt",
        # A NUL byte cannot be in a file name (the OS refuses it with a ValueError).
        "/media/original_images/red.png%00.txt",
        "/media/images/%00",
    ):
        assert client.get(path).status_code == 404, path


def test_an_uploaded_svg_cannot_run_script_in_our_origin(client, local_media):
    (local_media / "original_images").mkdir(parents=True)
    (local_media / "original_images" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    response = client.get("/media/original_images/logo.svg")
    assert response.status_code == 200
    assert "sandbox" in response["Content-Security-Policy"]


# --- S3-compatible object storage --------------------------------------------------


@pytest.fixture
def s3(settings):
    """A loopback S3 (moto's server mode) with a bucket, as the default storage."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {"access_key": "test-key", "secret_key": "test-secret"}
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=credentials["access_key"],
        aws_secret_access_key=credentials["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    # Images public, as docs/production.md tells: anyone may read images/* and
    # original_images/*, nothing else (documents go through the app).
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_IMAGES_POLICY))
    settings.MEDIA_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "querystring_auth": False,
                "file_overwrite": False,
                "object_parameters": {"CacheControl": "public, max-age=604800"},
                **credentials,
            },
        },
    }
    yield endpoint
    server.stop()


def test_s3_media_images_in_emails_answer_200(s3, home_page):
    image = upload_image()
    rendition = image.get_rendition("width-1200")
    assert rendition.url.startswith(f"{s3}/{BUCKET}/images/")
    assert "Signature" not in rendition.url, "e-mails need URLs that never expire"

    html = render_email(
        bulletin_with(image), language="en", base_url="https://ona.example.org"
    ).html
    assert f'src="{rendition.url}"' in html

    response = requests.get(rendition.url, timeout=10)
    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")
    assert response.headers["Cache-Control"] == "public, max-age=604800"
    original = requests.get(image.file.url, timeout=10)
    assert original.status_code == 200
    assert original.content == image.uploaded

    # Anything else in the bucket stays private.
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("documents/private.pdf", ContentFile(b"%PDF-1.4"))
    assert requests.get(default_storage.url(name), timeout=10).status_code == 403
