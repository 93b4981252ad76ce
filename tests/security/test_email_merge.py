"""A subscriber's name comes from a public form: merged into the HTML part as text.

Found in hardening: %%NAME%% went into the HTML raw, so a name such as
'<a href="https://phish.example">verify your status</a>' became a live link in the
organisation's own mail, through both the per-message path and Mailgun's batch merge.
"""

import pytest

from campaigns.mailings.services import sending
from campaigns.mailings.services.starting import materialise_deliveries
from cms.mail import outbox
from tests.campaigns.conftest import fake_esp, private_cache  # noqa: F401
from tests.campaigns.mailing_fixtures import lists, sending_mailing, subscribe

pytestmark = pytest.mark.django_db

NAME = '<a href="https://phish.example/">Verify your status</a><img src=x onerror=1>'


@pytest.fixture
def mailing(home_page):
    (legal,) = lists(1)
    subscribe("ana@example.org", [legal], language="es", name=NAME)
    mailing = sending_mailing(home_page, [legal], languages=("es",))
    materialise_deliveries(mailing, ["es"])
    return mailing


def test_mailgun_batch_merge_escapes_the_name_in_html(fake_esp, mailing):  # noqa: F811
    assert sending.send_batch(mailing_id=mailing.pk) == 1
    (row,) = fake_esp.delivered
    assert "&lt;a href=&quot;https://phish.example/&quot;&gt;" in row.html
    assert 'href="https://phish.example/"' not in row.html
    assert "<img" not in row.html
    assert NAME in row.text, "the plain-text part shows the name as typed"


def test_per_message_path_escapes_the_name_in_html(outbox_dir, mailing):
    assert sending.send_batch(mailing_id=mailing.pk) == 1
    (name,) = outbox.list_messages()
    message = outbox.read_message(name)
    html = next(
        part.get_content()
        for part in message.walk()
        if part.get_content_type() == "text/html"
    )
    assert "&lt;a href=&quot;https://phish.example/&quot;&gt;" in html
    assert 'href="https://phish.example/"' not in html
