"""E-mails campaigns send: one to the leads per milestone, one verification per signer."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from campaigns.models import Counter, Milestone, Signature
from cms.languages import site_name
from cms.local_time import local_time_name
from cms.mail.sender import from_address
from subscribers.services import is_suppressed

from .petitions import verification_token


def _send(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"email/{template}.txt", context),
        from_email=from_address(),
        to=to,
        headers={"Content-Language": translation.get_language()},
    )
    # The subject is the HTML part's <title>: what a screen reader announces for it.
    html = render_to_string(f"email/{template}.html", {**context, "subject": subject})
    message.attach_alternative(html, "text/html")
    message.send()


def _number(value: int | None) -> str:
    """1,000 in English, 1.000 in Spanish: the way the campaign report writes it."""
    return "" if value is None else formats.number_format(value, force_grouping=True)


def _reached(milestone: Milestone) -> str:
    """When, on the city's clock and named so ("Dec. 5, 2026, 4:16 p.m. (Chicago
    time)"), as every other e-mail gives a time."""
    local = timezone.localtime(milestone.reached_at)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({local_time_name()})"


def milestone_subject(milestone: Milestone) -> str:
    values = {
        "campaign": milestone.campaign.name,
        "count": _number(milestone.threshold),
    }
    if milestone.counter == Counter.Kind.SIGNUPS:
        return _("%(campaign)s: %(count)s signups reached") % values
    return _("%(campaign)s: %(count)s signatures reached") % values


def notify_milestone(*, milestone_id: int) -> bool:
    """E-mail the campaign's leads about one milestone, once; safe to run twice.

    The row is claimed before sending, so a second run finds it taken and sends nothing;
    a failed send releases the claim for the retry.
    """
    claimed = Milestone.objects.filter(pk=milestone_id, notified_at=None).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False
    milestone = Milestone.objects.select_related("campaign").get(pk=milestone_id)
    leads = milestone.campaign.lead_email_list
    if not leads:
        return False
    try:
        with translation.override(settings.LANGUAGE_CODE):
            count = (
                Counter.objects.filter(
                    campaign_id=milestone.campaign_id, kind=milestone.counter
                )
                .values_list("value", flat=True)
                .first()
            )
            report_path = reverse(
                "campaigns_admin:report", args=[milestone.campaign_id]
            )
            _send(
                subject=milestone_subject(milestone),
                template="milestone_reached",
                context={
                    "milestone": milestone,
                    "campaign": milestone.campaign,
                    "threshold": _number(milestone.threshold),
                    "reached": _reached(milestone),
                    "count": _number(count),
                    "report_url": settings.WAGTAILADMIN_BASE_URL + report_path,
                    "site_name": site_name(),
                },
                to=leads,
            )
    except Exception:
        Milestone.objects.filter(pk=milestone_id).update(notified_at=None)
        raise
    return True


def send_signature_verification(*, signature_id: int) -> bool:
    """E-mail a pending signer the link that counts their signature; safe to run twice.

    Does nothing once the signature is verified, or if the address is suppressed.
    """
    signature = (
        Signature.objects.filter(pk=signature_id, status=Signature.Status.PENDING)
        .select_related("campaign")
        .first()
    )
    if signature is None or is_suppressed(signature.email):
        # A suppressed address (bounce, complaint, erasure) is never mailed, not even
        # to verify; its signature simply never counts.
        return False
    link = settings.WAGTAILADMIN_BASE_URL + reverse(
        "campaigns:verify_signature",
        args=[verification_token(signature_id=signature.pk)],
    )
    title = signature.campaign.name
    if signature.page_id:
        page = signature.campaign.petition_pages.filter(pk=signature.page_id).first()
        title = page.title if page else title
    with translation.override(signature.language):
        _send(
            subject=_("Confirm your signature: %(petition)s") % {"petition": title},
            template="signature_verification",
            context={
                "petition": title,
                "link": link,
                "site_name": site_name(),
                "postal_address": settings.SENDER_POSTAL_ADDRESS,
            },
            to=[signature.email],
        )
    return True
