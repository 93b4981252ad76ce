"""The staff test message's subject put the office's name after a preposition that
needs another case: Polish read "Wiadomość testowa od Biuro ds. Nowych Amerykanów"
(od takes the genitive, "Biura") and Hindi "नए अमेरिकियों का कार्यालय से परीक्षण
संदेश" (से needs "के कार्यालय"). The name is configurable (SITE_NAME_PL ...), so no
translation can inflect it: the subject names it after a colon, in its own form."""

import pytest

from cms.mail import outbox
from cms.mail.services import send_test_email
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("pl", "Wiadomość testowa: Biuro ds. Nowych Amerykanów"),
        ("hi", "परीक्षण संदेश: नए अमेरिकियों का कार्यालय"),
        ("en", "Test message from Office of New Americans"),
    ],
)
def test_the_test_messages_subject_names_the_office_in_its_own_form(
    outbox_dir, language, subject
):
    staff = SuperuserFactory(email="staff@example.org")
    assert send_test_email(user_id=staff.pk, language=language)
    (message,) = [outbox.read_message(name) for name in outbox.list_messages()]
    assert message["Subject"] == subject
