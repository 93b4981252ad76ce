"""E-mail use-cases that belong to the site as a whole."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from cms.bidi import isolate_numbers_text
from cms.languages import content_languages, site_name
from cms.mail.sender import from_address, reply_headers


def send_test_email(
    *, user_id: int, language: str = "en", page_id: int | None = None
) -> bool:
    """Send a test message to one staff user; returns False if they have no address.

    With ``page_id``, the message is that page's e-mail (its latest revision) in
    ``language``. Safe to run twice: the worst case is a second test message.
    """
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    if page_id is not None:
        return _send_page_test(user=user, language=language, page_id=page_id)
    from cms.email.rendering import sample_link

    with translation.override(language):
        context = {
            "site_name": site_name(),
            # The front page in the message's language, as a page's test copy links.
            "base_url": sample_link(language),
            "postal_address": settings.SENDER_POSTAL_ADDRESS,
            "subject": _("Test message from %(site)s") % {"site": site_name()},
        }
        subject = context["subject"]
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("email/test_message.txt", context),
            from_email=from_address(),
            to=[user.email],
            headers={"Content-Language": language},
        )
        message.attach_alternative(
            render_to_string("email/test_message.html", context), "text/html"
        )
    message.send()
    return True


def marked_as_test(subject: str, *, language: str, label: str = "") -> str:
    """A test copy's subject, marked "[Test]" in the copy's own language; ``label``
    names the language when one test sends several, so staff can tell them apart."""
    with translation.override(language):
        if label:
            return _("[Test] %(language)s: %(subject)s") % {
                "language": label,
                "subject": subject,
            }
        return _("[Test] %(subject)s") % {"subject": subject}


def _send_page_test(*, user, language: str, page_id: int) -> bool:
    from wagtail.models import Page

    from cms.email.rendering import as_sample, render_email

    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return False
    page = page.specific.get_latest_revision_as_object()
    rendered = render_email(page, language=language)
    # A test has no subscriber: the links lead to the site; the name is the user's.
    # The preview screen shows the same (cms.email_preview).
    html, text = as_sample(rendered, name=user.get_full_name() or user.get_username())
    message = EmailMultiAlternatives(
        subject=marked_as_test(rendered.subject, language=language),
        body=text,
        from_email=from_address(language),
        to=[user.email],
        # As the subscribers' copies: a reply reaches the office.
        headers={
            "Content-Language": content_languages(language, rendered.content_language),
            **reply_headers(language),
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return True


# Our own words, not Wagtail's message: it has no Hindi catalogue (an English body
# under a Hindi subject), and its Chinese subject said the password had been reset.
RESET_SUBJECT_TEMPLATE = "email/password_reset_subject.txt"
RESET_BODY_TEMPLATE = "email/password_reset.txt"


def send_password_resets(*, user_ids: list[int], language: str = "en") -> int:
    """Mail each of these staff users a link to Wagtail's new-password form (the
    message its view sent in the request), in ``language``; returns how many went.
    Safe to run twice: the worst case is a second link, and the first still works
    until one is used."""
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True)
    sent = 0
    for user in users.order_by("pk"):
        if not user.email or not user.has_usable_password():
            continue
        with translation.override(language):
            path = reverse(
                "wagtailadmin_password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            context = {
                "reset_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path,
                # An account signing in with its address needs no reminder of it.
                "username": ""
                if user.USERNAME_FIELD == "email"
                else user.get_username(),
            }
            subject = render_to_string(RESET_SUBJECT_TEMPLATE, context)
            body = render_to_string(RESET_BODY_TEMPLATE, context)
            message = EmailMultiAlternatives(
                subject="".join(subject.splitlines()),
                body=isolate_numbers_text(body, language),
                from_email=from_address(),
                to=[user.email],
                headers={"Content-Language": language},
            )
        message.send()
        sent += 1
    return sent
