"""The e-mails a person gets outside mailings (the subscription confirmation, a
preferences link) and the admin's test message, rendered for one language: what the
width tests (tests/cms/test_email_widths.py, tests/e2e/test_email_layout.py) measure."""

from django.core import mail

from cms.mail.services import send_test_email
from subscribers.emails import send_confirmation_email, send_preferences_link_email
from tests.factories import SuperuserFactory, make_subscriber


def sent_html() -> str:
    (message,) = mail.outbox
    mail.outbox.clear()
    ((html, _type),) = message.alternatives
    return html


def link_emails(language: str, mailing_list) -> dict[str, str]:
    """{name: HTML} of the three e-mails in ``language`` (needs the locmem backend)."""
    subscriber = make_subscriber(f"ana-{language}@example.org", language=language)
    staff = SuperuserFactory(email=f"staff-{language}@example.org")
    send_confirmation_email(
        subscriber=subscriber,
        list_ids=[mailing_list.pk],
        page_id=None,
        language=language,
    )
    emails = {"confirmation": sent_html()}
    send_preferences_link_email(subscriber=subscriber)
    emails["preferences link"] = sent_html()
    assert send_test_email(user_id=staff.pk, language=language)
    emails["test message"] = sent_html()
    return emails
