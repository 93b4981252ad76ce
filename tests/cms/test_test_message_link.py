"""The staff test message's one link led to the site's English front page whatever
language the message was in (found following every e-mailed link as it arrived: the
Arabic test message's link answered in English). It now leads to the front page in
the message's language, as a page's test copy does (cms.email.rendering.sample_link)."""

import pytest
from django.conf import settings

from cms.mail import outbox
from cms.mail.services import send_test_email
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "path"), [("ar", "/ar/"), ("en", "/")])
def test_the_test_messages_link_opens_the_site_in_its_language(
    outbox_dir, language, path
):
    staff = SuperuserFactory(email="staff@example.org")
    assert send_test_email(user_id=staff.pk, language=language)
    (message,) = [outbox.read_message(name) for name in outbox.list_messages()]
    text, html = outbox.body_parts(message)
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
    assert f'href="{link}"' in html
    assert link in text.split()
