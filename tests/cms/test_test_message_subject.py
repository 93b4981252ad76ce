"""The staff test message put the office's name after a preposition that needs
another case: Polish read "Wiadomość testowa od Biuro ds. Nowych Amerykanów" (od takes
the genitive, "Biura") and Hindi "नए अमेरिकियों का कार्यालय से परीक्षण संदेश" (से needs
"के कार्यालय"), in the subject and again in the message's first line; Chinese set the
name between spaces ("来自 新美国人办公室 的测试邮件"). The name is configurable
(SITE_NAME_PL ...), so no translation can inflect it: it stands after a colon, in its
own form. Spanish read "Mensaje de prueba de Oficina de Nuevos Estadounidenses",
without the article the name takes (seen in the mail round's outbox): the same."""

import pytest

from cms.mail import outbox
from cms.mail.services import send_test_email
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject", "first_line"),
    [
        (
            "pl",
            "Wiadomość testowa: Biuro ds. Nowych Amerykanów",
            "To jest wiadomość testowa. Nadawca: Biuro ds. Nowych Amerykanów.",
        ),
        (
            "hi",
            "परीक्षण संदेश: नए अमेरिकियों का कार्यालय",
            "यह एक परीक्षण संदेश है। प्रेषक: नए अमेरिकियों का कार्यालय।",
        ),
        (
            "zh-hans",
            "测试邮件：新美国人办公室",
            "这是一封测试邮件，发件人：新美国人办公室。",
        ),
        (
            # "de Oficina de ...": the name needs its article ("de la Oficina"), and
            # another office's name another one ("del Ayuntamiento").
            "es",
            "Mensaje de prueba: Oficina de Nuevos Estadounidenses",
            "Este es un mensaje de prueba. Remitente: Oficina de Nuevos Estadounidenses.",
        ),
        (
            "en",
            "Test message from Office of New Americans",
            "This is a test message from Office of New Americans.",
        ),
    ],
)
def test_the_test_message_names_the_office_in_its_own_form(
    outbox_dir, language, subject, first_line
):
    staff = SuperuserFactory(email="staff@example.org")
    assert send_test_email(user_id=staff.pk, language=language)
    (message,) = [outbox.read_message(name) for name in outbox.list_messages()]
    assert message["Subject"] == subject
    text, html = outbox.body_parts(message)
    assert text.splitlines()[0] == first_line
    assert f">{first_line}</h1>" in html
