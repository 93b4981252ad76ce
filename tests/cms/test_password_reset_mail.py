"""A staff member's password reset e-mail, read as it arrives, in each admin language.

It was Wagtail's message: in Hindi its body was English (Wagtail has no Hindi
catalogue) under a Hindi subject and ``Content-Language: hi``, and its Chinese subject
said "密码已重置。" ("The password has been reset."), which it has not: a staff member
could take a request they never made for a change already done. Read in the mail
round, through the file outbox."""

import re

import pytest
from django.test import Client

from cms.mail import outbox
from cms.mail.services import send_password_resets
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENGLISH = (
    "Please follow the link",
    "Your username",
    "Password reset",
    "reset your password",
)


def arrived(language: str) -> tuple[str, str]:
    user = UserFactory(username=f"staff-{language}", email=f"staff-{language}@ona.org")
    user.set_password("a long enough password 1")
    user.save()
    assert send_password_resets(user_ids=[user.pk], language=language) == 1
    (name,) = outbox.list_messages()
    message = outbox.read_message(name)
    assert message["Content-Language"] == language
    text, _html = outbox.body_parts(message)
    return str(message["Subject"]), text


@pytest.mark.parametrize("language", ["es", "hi", "zh-hans", "ar", "pl"])
def test_the_reset_mail_is_in_the_staff_members_language(
    home_page, outbox_dir, language
):
    subject, text = arrived(language)
    for words in ENGLISH:
        assert words.lower() not in subject.lower(), (language, subject)
        assert words.lower() not in text.lower(), (language, text)
    assert "已重置" not in subject, "the password has not been reset"
    # The one link still opens the form for a new password.
    link = re.search(r"(/admin/password_reset/confirm/\S+/)", text).group(1)
    page = Client().get(link, follow=True)
    assert page.status_code == 200
    assert b"new_password1" in page.content


def test_the_reset_mail_says_what_to_do_if_nobody_asked(home_page, outbox_dir):
    subject, text = arrived("en")
    assert subject == "Reset your password"
    assert "If you did not ask for this, ignore this message" in text
    assert "staff-en" in text, "the username, in case it was forgotten"
