"""The subscriber e-mails this app sends itself (double opt-in, a new preferences link)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from cms.bidi import isolate_numbers_text
from cms.languages import site_name
from cms.mail.sender import from_address, reply_headers

from . import tokens
from .models import AddressChangeNotice, EmailChange, MailingList, Subscriber


def _message(
    *, template: str, subject: str, context: dict, to: str, language: str
) -> EmailMultiAlternatives:
    """One of these e-mails, both parts rendered from ``email/subscribers/<template>``
    in the active language (the caller's), numbers held left to right in its text."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=isolate_numbers_text(
            render_to_string(f"email/subscribers/{template}.txt", context), language
        ),
        from_email=from_address(),
        to=[to],
        # A reader asking "why this e-mail?" reaches the office.
        headers={"Content-Language": language, **reply_headers()},
    )
    # The subject is also the HTML part's <title>, what a screen reader says first.
    html = render_to_string(
        f"email/subscribers/{template}.html", {**context, "subject": subject}
    )
    message.attach_alternative(html, "text/html")
    return message


def send_confirmation_email(
    *, subscriber: Subscriber, list_ids: list[int], page_id: int | None, language: str
) -> None:
    with translation.override(language):
        context = {
            "site_name": site_name(),
            "postal_address": settings.SENDER_POSTAL_ADDRESS,
            "lists": MailingList.objects.filter(pk__in=list_ids).with_translations(),
            "confirm_url": tokens.confirm_url(
                subscriber_id=subscriber.pk,
                list_ids=list_ids,
                page_id=page_id,
                language=language,
            ),
            "valid_days": settings.SUBSCRIBERS_CONFIRM_MAX_AGE // 86400,
        }
        message = _message(
            template="confirm",
            subject=_("Please confirm your subscription"),
            context=context,
            to=subscriber.email,
            language=language,
        )
    message.send()


def send_preferences_link_email(
    *, subscriber: Subscriber, generation: int | None = None
) -> None:
    if generation is None:
        generation = subscriber.link_generation
    with translation.override(subscriber.language):
        context = {
            "site_name": site_name(),
            "postal_address": settings.SENDER_POSTAL_ADDRESS,
            "preferences_url": tokens.mailed_preferences_url(
                subscriber.pk, generation=generation, language=subscriber.language
            ),
            "valid_hours": settings.SUBSCRIBERS_MAILED_LINK_HOURS,
        }
        message = _message(
            template="preferences_link",
            subject=_("Your link to your preferences"),
            context=context,
            to=subscriber.email,
            language=subscriber.language,
        )
    message.send()


def send_email_change_email(*, change: EmailChange) -> None:
    """The link that moves a subscriber to ``change.email``, sent to that address
    only, in the subscriber's language."""
    language = change.subscriber.language
    with translation.override(language):
        context = {
            "site_name": site_name(),
            "postal_address": settings.SENDER_POSTAL_ADDRESS,
            "change_url": tokens.email_change_url(
                change.subscriber_id, change.pk, language=language
            ),
            "valid_hours": settings.SUBSCRIBERS_MAILED_LINK_HOURS,
        }
        message = _message(
            template="email_change",
            subject=_("Please confirm your new e-mail address"),
            context=context,
            to=change.email,
            language=language,
        )
    message.send()


def office_contact() -> dict:
    """The office's phone and e-mail (SiteContact of the default site), for a
    message that can offer no link of its own."""
    from wagtail.models import Site

    from cms.models import SiteContact

    site = Site.objects.filter(is_default_site=True).first()
    contact = SiteContact.for_site(site) if site is not None else SiteContact()
    return {
        "phone": contact.phone,
        "tel_href": contact.tel_href,
        "email": contact.email,
    }


def send_address_change_notice_email(*, notice: AddressChangeNotice) -> None:
    """The notice to an address a subscriber moved away from: kept short, as someone
    else may read that mailbox; no list, no new address, no link to the person."""
    language = notice.language
    with translation.override(language):
        context = {
            "site_name": site_name(),
            "postal_address": settings.SENDER_POSTAL_ADDRESS,
            "contact": office_contact(),
        }
        message = _message(
            template="address_changed",
            subject=_("Your e-mail address for our lists was changed"),
            context=context,
            to=notice.email,
            language=language,
        )
    message.send()
