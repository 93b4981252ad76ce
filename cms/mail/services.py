"""E-mail use-cases that belong to the site as a whole."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _


def send_test_email(*, user_id: int, language: str = "en") -> bool:
    """Send a short test message to one staff user; returns False if they have no address.

    Safe to run twice: the worst case is a second test message.
    """
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    with translation.override(language):
        context = {
            "site_name": settings.WAGTAIL_SITE_NAME,
            "base_url": settings.WAGTAILADMIN_BASE_URL,
            "postal_address": settings.SENDER_POSTAL_ADDRESS,
        }
        subject = _("Test message from %(site)s") % {"site": settings.WAGTAIL_SITE_NAME}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("email/test_message.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("email/test_message.html", context), "text/html"
        )
    message.send()
    return True
