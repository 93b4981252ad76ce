"""Why a mailing is paused, on its admin screen, in the staff member's language.

Found by the staff tester: a Spanish or Arabic admin read "Pausado · paused by staff"
(the English value the service stores for the logs) after pressing Pause, and "provider
failing: ..." when the provider's failures paused it."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.mailings.exceptions import TransientSendError
from campaigns.mailings.models import Mailing
from campaigns.mailings.services import sending
from tests.campaigns.mailing_fixtures import lists, sending_mailing
from tests.factories import build_bulletin, staff_member

pytestmark = pytest.mark.django_db

BY_STAFF = "paused by staff: nothing more goes out until resumed"
PROVIDER = (
    "the e-mail provider kept failing: sending resumes by itself once it answers again"
)


def status_line(client, mailing) -> str:
    html = client.get(reverse("campaigns_mailings:detail", args=[mailing.pk]))
    html = html.content.decode()
    start = html.index('id="mailing-status">')
    return html[start : html.index("</dd>", start)]


@pytest.mark.parametrize("language", ["es", "ar"])
def test_a_mailing_paused_by_staff_says_so_in_the_admins_language(
    client, home_page, language
):
    (legal,) = lists(1)
    mailing = sending_mailing(build_bulletin(), [legal])
    client.force_login(staff_member(language))

    client.post(reverse("campaigns_mailings:pause", args=[mailing.pk]))

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.PAUSED
    shown = status_line(client, mailing)
    with translation.override(language):
        assert translation.gettext(BY_STAFF) in shown
    assert "· paused by staff<" not in shown


def test_a_mailing_the_provider_paused_says_why_and_keeps_its_words_apart(
    client, home_page, settings
):
    settings.MAILING_PAUSE_AFTER_FAILURES = 1
    (legal,) = lists(1)
    mailing = sending_mailing(build_bulletin(), [legal])
    sending.note_provider_failure(mailing.pk, TransientSendError("503 from Mailgun"))
    client.force_login(staff_member("ar"))

    shown = status_line(client, mailing)

    with translation.override("ar"):
        assert translation.gettext(PROVIDER) in shown
    assert '<bdi lang="en" dir="ltr">503 from Mailgun</bdi>' in shown
    assert "provider failing:" not in shown
