"""E-mails campaigns send: one to the leads per milestone, one verification per signer."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.models import Counter, Milestone, Signature
from campaigns.selectors import petition_title
from cms.bidi import isolate_numbers_text
from cms.languages import label_colon, site_name
from cms.local_time import with_zone_name
from cms.mail.sender import from_address, reply_headers
from subscribers import crypto
from subscribers.models import MailingList, Subscription
from subscribers.services import blocks_all_mail, is_suppressed

from .petitions import verification_token


def _send(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    message = EmailMultiAlternatives(
        subject=subject,
        # As every other e-mail's text part: links and numbers keep their order in
        # Arabic (the verification link's final slash, a phone number).
        body=isolate_numbers_text(
            render_to_string(f"email/{template}.txt", context),
            translation.get_language(),
        ),
        from_email=from_address(),
        to=to,
        headers={"Content-Language": translation.get_language(), **reply_headers()},
    )
    # The subject is the HTML part's <title>: what a screen reader announces for it.
    html = render_to_string(f"email/{template}.html", {**context, "subject": subject})
    message.attach_alternative(html, "text/html")
    message.send()


def _number(value: int | None) -> str:
    """1,000 in English, 1.000 in Spanish: the way the campaign report writes it."""
    return "" if value is None else formats.number_format(value, force_grouping=True)


def local_moment(moment) -> str:
    """A time on the city's clock and named so ("Dec. 5, 2026, 4:16 p.m. (Chicago
    time)"), as every other e-mail gives a time."""
    local = timezone.localtime(moment)
    return with_zone_name(formats.date_format(local, "DATETIME_FORMAT"))


def _reached(milestone: Milestone) -> str:
    return local_moment(milestone.reached_at)


def milestone_reached_text(milestone: Milestone) -> str:
    """The phrase "10 signatures reached", its noun in the form the number takes in
    the active language (Arabic has six; English says "1 signature").
    The signatures' phrase is the one the public timeline shows, so the leads read
    what readers read; the number is grouped as the report writes it."""
    counter = _number(milestone.threshold)
    if milestone.counter == Counter.Kind.SIGNUPS:
        return ngettext(
            "%(counter)s signup reached",
            "%(counter)s signups reached",
            milestone.threshold,
        ) % {"counter": counter}
    return ngettext(
        "%(counter)s signature reached",
        "%(counter)s signatures reached",
        milestone.threshold,
    ) % {"counter": counter}


def campaign_title(campaign) -> str:
    """The campaign's name in the active language: its petition's title where the
    petition is published in that language (the campaign's own name is written once,
    in the default language), else the name."""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return campaign.name
    page = _petition_page(campaign)
    if page is None or page.locale.language_code != translation.get_language():
        return campaign.name
    return page.title


def milestone_subject(milestone: Milestone) -> str:
    # One msgid per counter written once as a plural, with the language's own colon
    # (full-width in Chinese) after the campaign's name.
    return (
        f"{campaign_title(milestone.campaign)}{label_colon()}"
        f"{milestone_reached_text(milestone)}"
    )


def lead_language(address: str, *, user=None) -> str:
    """The language the platform knows a lead (or any staff member) reads: the admin
    language their account chose, else the one they chose as a subscriber, else the
    site's default. With ``user``, that account's choice, not the first account that
    shares the address."""
    from wagtail.users.models import UserProfile

    from subscribers.models import Subscriber

    codes = {code for code, _name in settings.LANGUAGES}
    if user is None:
        user = (
            get_user_model()
            .objects.filter(email__iexact=address, is_active=True)
            .order_by("pk")
            .first()
        )
    if user is not None:
        chosen = UserProfile.get_for_user(user).preferred_language
        if chosen in codes:
            return chosen
    chosen = (
        Subscriber.objects.with_email(address)
        .values_list("language", flat=True)
        .first()
    )
    return chosen if chosen in codes else settings.LANGUAGE_CODE


def _may_read_report(address: str) -> bool:
    from campaigns.admin_views import may_read_reports

    users = get_user_model().objects.filter(email__iexact=address, is_active=True)
    return any(may_read_reports(user) for user in users)


def _lead_key(address: str) -> str:
    return crypto.lookup_hash(address)


def _claim(milestone_id: int):
    """Take the notification's lease: free, or left by a worker that died (older than
    MILESTONE_NOTIFY_LEASE_SECONDS). Returns the claim's time, or None when taken."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.MILESTONE_NOTIFY_LEASE_SECONDS)
    claimed = (
        Milestone.objects.filter(pk=milestone_id, notified_at=None)
        .filter(Q(notify_claimed_at=None) | Q(notify_claimed_at__lt=stale))
        .update(notify_claimed_at=now)
    )
    return now if claimed else None


def notify_milestone(*, milestone_id: int) -> bool:
    """E-mail each of the campaign's leads their own message about one milestone, in
    their language, once; safe to run twice.

    One message per lead: partners' leads never see each other's addresses. The row is
    leased before sending, so a second run finds it taken and sends nothing; a failed
    send releases the lease, and a worker killed mid-way leaves it to expire. Either
    way the next run mails only the leads not mailed yet (their keyed hashes are kept
    while the notification is unfinished).
    """
    claim = _claim(milestone_id)
    if claim is None:
        return False
    mine = Milestone.objects.filter(pk=milestone_id, notify_claimed_at=claim)
    milestone = Milestone.objects.select_related("campaign").get(pk=milestone_id)
    leads = list(dict.fromkeys(milestone.campaign.lead_email_list))
    mailed = list(milestone.leads_mailed or [])
    report_url = settings.WAGTAILADMIN_BASE_URL + reverse(
        "campaigns_admin:report", args=[milestone.campaign_id]
    )
    try:
        for address in leads:
            key = _lead_key(address)
            if key in mailed:
                continue
            with translation.override(lead_language(address)):
                _send(
                    subject=milestone_subject(milestone),
                    template="milestone_reached",
                    context=_milestone_context(
                        milestone,
                        report_url=report_url if _may_read_report(address) else "",
                    ),
                    to=[address],
                )
            mailed.append(key)
            # Recorded and the lease renewed in one statement, under our own claim.
            renewed = timezone.now()
            if not mine.update(leads_mailed=mailed, notify_claimed_at=renewed):
                return False  # our lease was taken: the taker finishes
            claim = renewed
            mine = Milestone.objects.filter(pk=milestone_id, notify_claimed_at=claim)
    except Exception:
        mine.update(notify_claimed_at=None)
        raise
    # Every lead has theirs: nothing about who was mailed needs keeping.
    mine.update(notified_at=timezone.now(), notify_claimed_at=None, leads_mailed=None)
    return bool(leads)


def _milestone_context(milestone: Milestone, *, report_url: str) -> dict:
    """What one lead's milestone e-mail says, in the active language: the milestone,
    when it was reached, and the count as it stands now, said to be now (a retried
    message can be written long after the milestone)."""
    count = (
        Counter.objects.filter(
            campaign_id=milestone.campaign_id, kind=milestone.counter
        )
        .values_list("value", flat=True)
        .first()
    )
    return {
        "milestone": milestone,
        "campaign": milestone.campaign,
        "campaign_title": campaign_title(milestone.campaign),
        "threshold": _number(milestone.threshold),
        "reached_text": milestone_reached_text(milestone),
        "reached": _reached(milestone),
        "count": _number(count),
        "written": local_moment(timezone.now()),
        "report_url": report_url,
        "petition_url": _petition_url(milestone.campaign),
        "site_name": site_name(),
    }


def _petition_page(campaign):
    """The campaign's first live petition in the active language, else in its own;
    None when it has none."""
    page = campaign.petition_pages.live().order_by("pk").first()
    if page is None:
        return None
    translated = (
        page.get_translations(inclusive=True)
        .live()
        .filter(locale__language_code=translation.get_language())
        .first()
    )
    return (translated or page).specific


def _petition_url(campaign) -> str:
    """The campaign's public petition page in the active language (else its own), for
    leads without an admin account: the page everyone can open."""
    page = _petition_page(campaign)
    return (page.get_full_url() or "") if page is not None else ""


def send_signature_verification(
    *, signature_id: int, list_ids: list[int] | None = None
) -> bool:
    """E-mail a pending signer the link that counts their signature, and confirms the
    lists they asked to join in the same submission (one e-mail, one link); safe to
    run twice.

    ``list_ids`` None (a resend, or a task queued before lists were named): the
    signer's lists still pending from this campaign's petition. Does nothing once the
    signature is verified, or if the address is suppressed.
    """
    signature = (
        Signature.objects.filter(pk=signature_id, status=Signature.Status.PENDING)
        .select_related("campaign")
        .first()
    )
    if signature is None:
        return False
    if list_ids is None:
        list_ids = _pending_petition_lists(signature)
    # A suppressed address (bounce, complaint, erasure) is never mailed, not even to
    # verify; its signature simply never counts. Someone who left every list may
    # ask to join one again, as the signup form lets them (their link lifts it).
    if (
        blocks_all_mail(signature.email_hash)
        if list_ids
        else is_suppressed(signature.email)
    ):
        return False
    # Under the signer's prefix (none for English), whatever language is active, like
    # every other e-mailed link: a link a mail client cut then explains itself in the
    # signer's language too. Links sent without a prefix answer in it as well
    # (campaigns.views.verify_signature).
    with translation.override(signature.language):
        link = settings.WAGTAILADMIN_BASE_URL + reverse(
            "verify_signature",
            args=[verification_token(signature_id=signature.pk, list_ids=list_ids)],
        )
    page = (
        signature.campaign.petition_pages.filter(pk=signature.page_id).first()
        if signature.page_id
        else None
    )
    with translation.override(signature.language):
        # The petition as published in the signer's language, wherever they signed.
        title = (
            petition_title(page, language=signature.language)
            if page is not None
            else campaign_title(signature.campaign)
        )
        lists = (
            list(MailingList.objects.filter(pk__in=list_ids).with_translations())
            if list_ids
            else []
        )
        subject = (
            _("Confirm your signature and subscription: %(petition)s")
            if lists
            else _("Confirm your signature: %(petition)s")
        )
        _send(
            subject=subject % {"petition": title},
            template="signature_verification",
            context={
                "petition": title,
                "link": link,
                "lists": lists,
                "site_name": site_name(),
                "postal_address": settings.SENDER_POSTAL_ADDRESS,
            },
            to=[signature.email],
        )
    return True


def _pending_petition_lists(signature: Signature) -> list[int]:
    """The signer's subscriptions still pending from a petition, to this campaign's
    offered lists: what their sign-up asked for (ids)."""
    return sorted(
        Subscription.objects.filter(
            subscriber__email_hash=signature.email_hash,
            status=Subscription.Status.PENDING,
            source=Subscription.Source.PETITION,
            mailing_list_id__in=signature.campaign.offered_list_ids,
        ).values_list("mailing_list_id", flat=True)
    )
