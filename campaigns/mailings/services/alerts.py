"""Rapid-response alerts: an organizer's rally becomes an event, an alert page and a
mailing on the ``alerts`` lane; the optional two-person rule; updates and cancellations.

Who may alert whom is checked here, before anything is written: an alert goes only to
lists the user holds the send permission for. Every alert has a send-by time (default:
the event's start), so neither a late worker nor a database restored from a backup
after that time sends anything.
"""

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import linebreaks, strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Locale

from campaigns.mailings.exceptions import AlertError, MailingStateError
from campaigns.mailings.models import Mailing
from campaigns.mailings.services.control import (
    cancel,
    check_send_permission,
    create_mailing,
)
from cms.bidi import direction, direction_of_text, isolate_numbers_text
from cms.languages import join_names
from cms.mail.sender import from_address

if TYPE_CHECKING:
    from events.models import EventPage

# An alert with no event still expires: a restored backup must never replay it.
ALERT_SEND_WINDOW = timedelta(hours=6)
PENDING = [Mailing.Status.DRAFT, Mailing.Status.AWAITING_APPROVAL]


def _event_index():
    from events.models import EventIndexPage

    index = EventIndexPage.objects.filter(locale=Locale.get_default()).first()
    if index is None:
        raise AlertError(_("There is no events page to publish the event under."))
    return index


def _alert_parent():
    from cms.models import BulletinIndexPage, HomePage

    default = Locale.get_default()
    parent = (
        BulletinIndexPage.objects.filter(locale=default).first()
        or HomePage.objects.filter(locale=default).first()
    )
    if parent is None:
        raise AlertError(_("There is no page to publish the alert under."))
    return parent


def _slug(title: str) -> str:
    return f"{slugify(title)[:50] or 'alert'}-{secrets.token_hex(3)}"


def _publish(page, user) -> None:
    # The send permission on the lists, checked before, is what authorises an alert:
    # organizers need no page-tree rights to publish the rally and its alert.
    page.save_revision(user=user).publish(user=user, skip_permission_checks=True)


def _check(user, list_ids: list[int]) -> None:
    if not list_ids:
        raise AlertError(_("Choose at least one list."))
    try:
        check_send_permission(user, list_ids)
    except PermissionError as error:
        raise AlertError(
            _("You may only alert lists you hold the send permission for.")
        ) from error


def _alert_page(
    *,
    user,
    title: str,
    message: str,
    event,
    kind: str,
    translate_from,
    event_created_here: bool = False,
    messages: dict[str, str] | None = None,
):
    """Publish an AlertPage; with ``translate_from``, also in each of its languages,
    with the organizer's message in that language where ``messages`` gives one."""
    from cms.models import AlertPage

    parent = _alert_parent()
    if not " ".join((message or "").split()):
        raise AlertError(_("Write a short message."))
    page = AlertPage(
        title=title,
        slug=_slug(title),
        message=linebreaks(message, autoescape=True),
        event=event,
        kind=kind,
        event_created_here=event_created_here,
    )
    parent.add_child(instance=page)
    _publish(page, user)
    if translate_from is not None:
        # The organizer's words stay as written; subject prefix and event card
        # (when, where, buttons) come out in each language the earlier alert had.
        for earlier in translate_from.get_translations().live().specific():
            copy = page.copy_for_translation(earlier.locale, copy_parents=True)
            copy.title = earlier.title
            language = earlier.locale.language_code
            copy.message = _message_in(language, page, (messages or {}).get(language))
            _publish(copy, user)
    return page


def _message_in(language: str, page, own_words: str | None) -> str:
    """The message of ``page``'s translation into ``language``: the organizer's words
    in that language when they gave them; else their words in the default language,
    after the standard sentence in ``language`` where the kind has one (a reader who
    reads no English still learns the event is off)."""
    if " ".join((own_words or "").split()):
        return linebreaks(own_words, autoescape=True)
    organizers = _organizers_words(page.message)
    if page.kind != page.Kind.CANCELLATION or page.is_default_cancellation():
        return organizers
    return f"{page.cancelled_line(language)}\n{organizers}"


def _organizers_words(message_html: str) -> str:
    """The organizer's words, as written, inside a translation: in the direction of
    their first letter (so English reads left to right inside Arabic, and Arabic right
    to left inside English), marked with the default language only when they read as
    it does: an organizer may write in Arabic too."""
    source = settings.LANGUAGE_CODE
    written = direction_of_text(strip_tags(message_html)) or direction(source)
    lang = f' lang="{source}"' if written == direction(source) else ""
    return f'<div{lang} dir="{written}">{message_html}</div>'


def _publish_translation(
    page, language: str, fields: dict, *, user, machine_tool: str, machine_note: bool
):
    """Publish ``page`` in ``language`` with ``fields``; mark it when a machine wrote it."""
    from cms.machine_translation import mark_machine_drafted

    locale = Locale.objects.get(language_code=language)
    copy = page.get_translation_or_none(locale)
    if copy is None:
        copy = page.copy_for_translation(locale, copy_parents=True)
    copy = copy.specific
    for name, value in fields.items():
        setattr(copy, name, value)
    _publish(copy, user)
    if machine_tool:
        mark_machine_drafted(copy, tool_name=machine_tool, tell_readers=machine_note)
    return copy


def _translate_alert(
    *, user, alert, event, translations: dict, machine_note: bool, translate_event: bool
) -> None:
    """The organizer's (or the machine's) words in each language they gave.

    The alert page gets the translated title and message; a rally created here also
    gets its event translated (title and what), so the event card and the event's
    page read in that language too.
    """
    for language, texts in (translations or {}).items():
        if language == settings.LANGUAGE_CODE or language not in dict(
            settings.LANGUAGES
        ):
            continue
        message = " ".join((texts.get("message") or "").split())
        if not message:
            continue  # a title alone would leave the message in English: keep English
        tool = texts.get("machine_tool", "")
        title = " ".join((texts.get("title") or "").split())
        if event is not None and translate_event:
            event_fields = {"title": title or event.title}
            if texts.get("what"):
                event_fields["description"] = linebreaks(texts["what"], autoescape=True)
            elif event.description:
                # The organizer's "what" stays as written in this language's page:
                # marked with its own language and direction, or an Arabic page
                # moves its full stop to the front and reads it with an Arabic voice.
                event_fields["description"] = _organizers_words(event.description)
            _publish_translation(
                event,
                language,
                event_fields,
                user=user,
                machine_tool=tool,
                machine_note=machine_note,
            )
        if not title and event is not None:
            translated_event = event.get_translation_or_none(
                Locale.objects.get(language_code=language)
            )
            title = translated_event.title if translated_event is not None else ""
        _publish_translation(
            alert,
            language,
            {
                "title": title or alert.title,
                "message": linebreaks(texts["message"], autoescape=True),
            },
            user=user,
            machine_tool=tool,
            machine_note=machine_note,
        )


def _mailing(*, user, page, list_ids, send_by) -> Mailing:
    return create_mailing(
        user=user,
        page=page,
        list_ids=list_ids,
        lane=Mailing.Lane.ALERTS,
        send_by=send_by,
    )


@transaction.atomic
def create_rally_alert(
    *,
    user,
    title: str,
    what: str,
    start: datetime,
    end: datetime | None = None,
    venue: str = "",
    address: str = "",
    address_on_rsvp_only: bool = False,
    capacity: int | None = None,
    message: str,
    list_ids: Iterable[int],
    send_by: datetime | None = None,
    translations: dict | None = None,
    machine_note: bool = True,
) -> Mailing:
    """Publish a rally EventPage and an AlertPage about it, each in every language
    ``translations`` gives ({language: {title, what, message, machine_tool}}); return
    the draft alert mailing. With ``capacity``, RSVPs past it go on the waitlist.

    Nothing is written unless the user may send to every list and the input is sound.
    """
    from events.kinds import EventKind
    from events.models import EventPage

    list_ids = list(list_ids)
    _check(user, list_ids)
    check_second_person(user, list_ids)
    title = " ".join((title or "").split())
    if not title:
        raise AlertError(_("Give the rally a title."))
    if start <= timezone.now():
        raise AlertError(_("The start must be in the future."))
    end = end or start + timedelta(hours=2)
    if end <= start:
        raise AlertError(_("The end must be after the start."))
    if address_on_rsvp_only and not address:
        raise AlertError(_("Give the address to send to people who RSVP."))
    if capacity is not None and capacity < 1:
        raise AlertError(_("Leave empty for no limit, or give at least 1."))
    event = EventPage(
        title=title,
        slug=_slug(title),
        kind=EventKind.RALLY,
        start=start,
        end=end,
        venue=venue,
        address=address,
        hide_address=address_on_rsvp_only,
        description=linebreaks(what, autoescape=True) if what else "",
        rsvp_mode=EventPage.RsvpMode.INTERNAL,
        capacity=capacity,
        owner=user,
    )
    _event_index().add_child(instance=event)
    _publish(event, user)
    page = _alert_page(
        user=user,
        title=title,
        message=message,
        event=event,
        kind="alert",
        translate_from=None,
        event_created_here=True,
    )
    _translate_alert(
        user=user,
        alert=page,
        event=event,
        translations=translations,
        machine_note=machine_note,
        translate_event=True,
    )
    return _mailing(user=user, page=page, list_ids=list_ids, send_by=send_by or start)


@transaction.atomic
def create_event_alert(
    *,
    user,
    event_id: int,
    message: str,
    list_ids: Iterable[int],
    send_by: datetime | None = None,
    translations: dict | None = None,
    machine_note: bool = True,
) -> Mailing:
    """An alert about an existing, published, upcoming event: a draft alert mailing,
    with the message in each language ``translations`` gives."""
    from events.models import EventPage

    list_ids = list(list_ids)
    _check(user, list_ids)
    check_second_person(user, list_ids)
    event = EventPage.objects.filter(pk=event_id, live=True).first()
    if event is None:
        raise AlertError(_("Only a published event can be sent as an alert."))
    event = event.canonical()
    if event.cancelled or event.start <= timezone.now():
        raise AlertError(_("This event has already started or was cancelled."))
    page = _alert_page(
        user=user,
        title=event.title,
        message=message,
        event=event,
        kind="alert",
        translate_from=None,
    )
    _translate_alert(
        user=user,
        alert=page,
        event=event,
        translations=translations,
        machine_note=machine_note,
        translate_event=False,
    )
    return _mailing(
        user=user, page=page, list_ids=list_ids, send_by=send_by or event.start
    )


def _unpublish(page, user) -> None:
    # As in _publish: the send permission on the lists is what authorised the pages.
    from wagtail.actions.unpublish_page import UnpublishPageAction

    UnpublishPageAction(page, user=user).execute(skip_permission_checks=True)


@transaction.atomic
def discard_alert(*, user, mailing_id: int) -> "EventPage | None":
    """Cancel an alert; if nobody got it yet, unpublish the pages it published.

    An alert publishes its page (and a rally alert its event) at once, since the
    mailing is rendered from live pages, so a discarded draft left a rally on the
    home page and in the feeds. The event goes only if this alert created it, nobody
    has RSVPed and no other published alert is about it. Returns the event left
    public for one of those reasons, else None.
    """
    mailing = Mailing.objects.select_for_update().get(pk=mailing_id)
    unsent = mailing.status in PENDING
    cancel(user=user, mailing_id=mailing_id)
    if not unsent:
        return None  # people were sent these pages: they stay
    alert = mailing.page.specific
    for page in alert.get_translations(inclusive=True).live():
        _unpublish(page, user)
    event, stays = event_after_discard(alert)
    if event is None or not alert.event_created_here:
        return None
    if stays:
        return event
    for page in event.get_translations(inclusive=True).live():
        _unpublish(page, user)
    return None


def event_after_discard(alert) -> "tuple[EventPage | None, bool]":
    """The live event ``alert`` is about (None without one) and whether discarding the
    unsent alert leaves it published: always when the alert did not create it; else
    when people have RSVPed or another published alert is about it. Asked before the
    discard too, for its confirmation screen."""
    from cms.models import AlertPage
    from events.selectors import guest_counts

    event = alert.event
    if event is None or not event.live:
        return None, False
    event = event.canonical()
    if not alert.event_created_here:
        return event, True
    guests = guest_counts(event)
    about_it = (
        AlertPage.objects.live()
        .filter(event__translation_key=event.translation_key)
        .exclude(translation_key=alert.translation_key)
    )
    return event, bool(guests["confirmed"] or guests["waitlisted"] or about_it.exists())


def needs_second_person(mailing: Mailing) -> bool:
    """Does a list of this alert carry the two-person rule?"""
    return mailing.lists.filter(two_person_rule=True).exists()


def send_alert(*, user, mailing_id: int) -> str:
    """Send a draft alert now, or hold it for a second person; returns the new status."""
    from campaigns.mailings.services.control import send_now
    from campaigns.mailings.tasks import notify_alert_approvers_task

    mailing = Mailing.objects.get(pk=mailing_id, lane=Mailing.Lane.ALERTS)
    list_ids = list(mailing.lists.values_list("pk", flat=True))
    _check(user, list_ids)
    check_second_person(user, list_ids)
    if mailing.send_by is None:  # every alert expires; see the module docstring
        Mailing.objects.filter(pk=mailing_id).update(
            send_by=mailing.created_at + ALERT_SEND_WINDOW
        )
    if not needs_second_person(mailing):
        try:
            # An alert's own screen and rules decide (its event's guests may be told
            # apart from the lists); "nobody" is for the bulk mailing screen.
            send_now(user=user, mailing_id=mailing_id, require_audience=False)
        except MailingStateError as error:
            raise AlertError(_("This alert was already sent or is waiting.")) from error
        return Mailing.Status.STARTING
    with transaction.atomic():
        won = Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.DRAFT).update(
            status=Mailing.Status.AWAITING_APPROVAL
        )
        if not won:
            raise AlertError(_("This alert was already sent or is waiting."))
        transaction.on_commit(
            lambda: notify_alert_approvers_task.apply_async(
                (mailing_id,), queue=Mailing.Lane.ALERTS
            )
        )
    return Mailing.Status.AWAITING_APPROVAL


def approve_alert(*, user, mailing_id: int) -> None:
    """A second authorised person releases a held alert; it starts on the alerts lane."""
    from campaigns.mailings.tasks import start_mailing_task

    mailing = Mailing.objects.get(pk=mailing_id, lane=Mailing.Lane.ALERTS)
    _check(user, list(mailing.lists.values_list("pk", flat=True)))
    if mailing.created_by_id == user.pk:
        raise AlertError(_("A second person must approve this alert, not its author."))
    with transaction.atomic():
        won = Mailing.objects.filter(
            pk=mailing_id, status=Mailing.Status.AWAITING_APPROVAL
        ).update(
            status=Mailing.Status.STARTING,
            approved_by=user,
            approved_at=timezone.now(),
            last_progress_at=timezone.now(),
        )
        if not won:
            raise AlertError(_("This alert is not waiting for approval."))
        transaction.on_commit(
            lambda: start_mailing_task.apply_async(
                (mailing_id,), queue=Mailing.Lane.ALERTS
            )
        )


def approvers_for(list_ids: Iterable[int], *, author_id: int | None) -> list:
    """Active users, other than the author, who may send to every one of the lists."""
    from subscribers.selectors import lists_user_can

    list_ids = set(list_ids)
    candidates = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__list_permissions__mailing_list__in=list_ids)
        )
        .exclude(pk=author_id)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    return [
        user
        for user in candidates
        if list_ids <= set(lists_user_can(user, "send").values_list("pk", flat=True))
    ]


def alert_approvers(mailing: Mailing):
    """Active users, other than the author, who may send to every list of the alert."""
    return approvers_for(
        mailing.lists.values_list("pk", flat=True), author_id=mailing.created_by_id
    )


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def check_second_person(user, list_ids: Iterable[int]) -> None:
    """Refuse, before anything is written, an alert to a list under the two-person rule
    when nobody but its author could ever approve it; the message says who could be
    given the right, and who can give it."""
    from subscribers.models import MailingList

    list_ids = list(list_ids)
    ruled = list(
        MailingList.objects.filter(pk__in=list_ids, two_person_rule=True).order_by(
            "name"
        )
    )
    if not ruled or approvers_for(list_ids, author_id=user.pk):
        return
    raise AlertError(no_approver_message(user, ruled, list_ids))


def approval_note(user, mailing_list) -> str:
    """How the alert form marks a list under the two-person rule: who may approve."""
    if not mailing_list.two_person_rule:
        return ""
    approvers = [
        display_name(person)
        for person in approvers_for([mailing_list.pk], author_id=user.pk)
    ]
    if not approvers:
        return _("needs a second person's approval, and nobody else may give it yet")
    shown = join_names(approvers[:3])
    if len(approvers) > 3:
        shown = _("%(names)s and %(count)s more") % {
            "names": shown,
            "count": len(approvers) - 3,
        }
    return _("needs a second person's approval (%(names)s may approve)") % {
        "names": shown
    }


def no_approver_message(user, ruled_lists, list_ids) -> str:
    """Why the alert cannot go out, and how to fix it: whom to give the right."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Count

    from subscribers.models import ListPermission

    names = join_names(f"“{mailing_list.name}”" for mailing_list in ruled_lists)
    parts = [
        _(
            "Nobody else may approve an alert to %(lists)s (two-person rule), so this "
            "alert could never go out."
        )
        % {"lists": names}
    ]
    sending_groups = (
        Group.objects.filter(
            list_permissions__permission=ListPermission.Permission.SEND,
            list_permissions__mailing_list__in=list_ids,
        )
        .annotate(lists=Count("list_permissions__mailing_list", distinct=True))
        .filter(lists=len(set(list_ids)))
        .order_by("name")
    )
    groups = join_names(group.name for group in sending_groups)
    if groups:
        parts.append(
            _(
                "Add a second person to a group that may send to these lists (%(groups)s) "
                "under Settings → Users, then ask them to approve."
            )
            % {"groups": groups}
        )
    else:
        parts.append(
            _(
                "Give a second person's group the “send mailings” permission on these "
                "lists under Settings → Groups, then ask them to approve."
            )
        )
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    staff = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions=access_admin)
            | Q(user_permissions=access_admin)
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    people = [display_name(person) for person in staff[:6]]
    if people:
        parts.append(
            _("People with admin access who could be given the right: %(people)s.")
            % {"people": join_names(people)}
        )
    else:
        parts.append(
            _(
                "Nobody else has admin access yet: add a colleague under Settings → Users."
            )
        )
    if user.is_superuser:
        parts.append(_("As an administrator, you can do this yourself."))
    else:
        parts.append(_("An administrator (a superuser) can do this for you."))
    return " ".join(str(part) for part in parts)


def pending_approvals(user) -> list[Mailing]:
    """Held alerts this user may approve (not their own), oldest first."""
    held = (
        Mailing.objects.filter(status=Mailing.Status.AWAITING_APPROVAL)
        .exclude(created_by=user)
        .select_related("page")
        .order_by("created_at")
    )
    return [mailing for mailing in held if user in alert_approvers(mailing)]


def notify_alert_approvers(*, mailing_id: int) -> int:
    """E-mail each possible approver a link to the held alert; safe to run twice
    (the worst case is a second reminder). Returns the number of messages."""
    mailing = (
        Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.AWAITING_APPROVAL)
        .select_related("page", "created_by")
        .first()
    )
    if mailing is None:
        return 0
    url = settings.WAGTAILADMIN_BASE_URL + reverse(
        "campaigns_mailings:alert", args=[mailing_id]
    )
    # Each approver reads it in their admin language, as the milestone e-mails do.
    from campaigns.services.notifications import lead_language, local_moment

    author = display_name(mailing.created_by) if mailing.created_by else "?"
    list_names = list(mailing.lists.order_by("name").values_list("name", flat=True))
    sent = 0
    from cms.email.rendering import content_page

    for approver in alert_approvers(mailing):
        if not approver.email:
            continue
        language = lead_language(approver.email, user=approver)
        with translation.override(language):
            # The title of the version in the approver's language where there is one.
            subject = _("An alert waits for your approval: %(title)s") % {
                "title": content_page(mailing.page, language).title
            }
            body = _(
                "A rapid-response alert needs a second person before it goes out.\n"
                "Review and approve it here: %(url)s"
            ) % {"url": url}
            if mailing.send_by:
                # Whoever opens this on a phone must know whose it is and how long
                # they have: past the send-by time the alert is never sent.
                body += "\n\n" + _(
                    "Asked by %(author)s, for %(lists)s. If nobody approves it by "
                    "%(send_by)s, it is not sent at all."
                ) % {
                    "author": author,
                    # Joined here, in the approver's language: Arabic "، ", Chinese "、".
                    "lists": join_names(list_names),
                    "send_by": local_moment(mailing.send_by),
                }
        # The envelope in the approver's language too, as every other e-mail: the
        # office's name on the From line, Content-Language for a screen reader's
        # voice, and the link and times kept in order in right-to-left text.
        EmailMessage(
            subject=subject,
            body=isolate_numbers_text(body, language),
            from_email=from_address(language),
            to=[approver.email],
            headers={"Content-Language": language},
        ).send()
        sent += 1
    return sent


def _previous_alert(mailing_id: int):
    mailing = Mailing.objects.select_related("page").get(
        pk=mailing_id, lane=Mailing.Lane.ALERTS
    )
    page = mailing.page.specific
    event = getattr(page, "event", None)
    if event is None:
        raise AlertError(_("This alert is not about an event."))
    return mailing, page, event.canonical()


def _publish_event(event, user) -> None:
    """Publish the source event; its translations and guests follow (events.notices).
    Calendars get a higher SEQUENCE even when only the organizer's message is new."""
    from events.notices import raise_sequence

    before = event.ical_sequence
    _publish(event, user)
    event.refresh_from_db()
    if event.ical_sequence == before:
        raise_sequence(event)
        event.refresh_from_db()


UPDATABLE = ("start", "end", "venue", "address")


def _same(value, current) -> bool:
    if isinstance(value, datetime) and isinstance(current, datetime):
        # The form shows and sends minutes: an untouched time is the same minute.
        return value.replace(second=0, microsecond=0) == current.replace(
            second=0, microsecond=0
        )
    return value == current


def keep_length(event, changes: dict) -> dict:
    """The changes that change something, with the end moved along with a new start
    when no new end is given: a 1-3 pm rally moved to 2 pm runs 2-4 pm, not 2-3 pm
    (and a move past the old end is not refused). The update form is filled in with
    the event's values: one left as it was is no change. The confirmation screen
    shows the same end."""
    changes = {
        name: value
        for name, value in changes.items()
        if value and not (event is not None and _same(value, getattr(event, name)))
    }
    if event is not None and changes.get("start") and not changes.get("end"):
        changes["end"] = event.end + (changes["start"] - event.start)
    return changes


@transaction.atomic
def send_update(
    *,
    user,
    mailing_id: int,
    message: str,
    changes: dict | None = None,
    messages: dict[str, str] | None = None,
) -> Mailing:
    """Correct an alert: apply the event changes, bump its SEQUENCE, and send an
    "Update:" alert to the same lists (the two-person rule applies again). A new
    start without a new end keeps the event's length.

    ``messages`` ({language: text}) are the organizer's words in the languages the
    alert was translated into; readers of the others get ``message``."""
    mailing, page, event = _previous_alert(mailing_id)
    list_ids = list(mailing.lists.values_list("pk", flat=True))
    _check(user, list_ids)
    check_second_person(user, list_ids)
    messages = _given_messages(messages)
    changes = {k: v for k, v in (changes or {}).items() if k in UPDATABLE and v}
    if event.cancelled:
        raise AlertError(_("This event was cancelled."))
    changes = keep_length(event, changes)
    for name, value in changes.items():
        setattr(event, name, value)
    if event.end <= event.start:
        raise AlertError(_("The end must be after the start."))
    if event.start <= timezone.now():
        raise AlertError(_("The start must be in the future."))
    _publish_event(event, user)
    update = _alert_page(
        user=user,
        title=event.title,
        message=message,
        event=event,
        kind="update",
        translate_from=page,
        messages=messages,
    )
    _tell_guests(event, message, update, messages)
    new = _mailing(user=user, page=update, list_ids=list_ids, send_by=event.start)
    send_alert(user=user, mailing_id=new.pk)
    return new


@transaction.atomic
def cancel_event(
    *,
    user,
    mailing_id: int,
    message: str = "",
    notify: bool = True,
    messages: dict[str, str] | None = None,
) -> Mailing | None:
    """Mark the alert's event cancelled (site and feeds, every language), stop alerts
    about it not sent yet, and with ``notify`` send a cancellation alert to the same
    lists. Returns that alert's mailing, if any. ``messages`` as for send_update."""
    from cms.models import AlertPage

    mailing, page, event = _previous_alert(mailing_id)
    list_ids = list(mailing.lists.values_list("pk", flat=True))
    _check(user, list_ids)
    if notify:
        check_second_person(user, list_ids)
    messages = _given_messages(messages)
    if event.cancelled:
        raise AlertError(_("This event was already cancelled."))
    event.cancelled = True
    _publish_event(event, user)
    unsent = Mailing.objects.filter(
        lane=Mailing.Lane.ALERTS,
        status__in=[*PENDING, Mailing.Status.SCHEDULED],
        page__in=_alerts_about(event),
    )
    unsent.update(status=Mailing.Status.CANCELLED, finished_at=timezone.now())
    if not notify:
        # The lists hear nothing; the guests still must (their calendars hold it).
        _tell_guests(event, message, None, messages)
        return None
    cancellation = _alert_page(
        user=user,
        title=event.title,
        # Without the organizer's words, each reader gets the sentence in their own
        # language (AlertPage.message_html), not in the organizer's admin language.
        message=message or AlertPage.default_cancellation_message(),
        event=event,
        kind="cancellation",
        translate_from=page,
        messages=messages,
    )
    _tell_guests(event, message, cancellation, messages)
    new = _mailing(
        user=user,
        page=cancellation,
        list_ids=list_ids,
        send_by=max(event.start, timezone.now() + timedelta(hours=1)),
    )
    send_alert(user=user, mailing_id=new.pk)
    return new


def _given_messages(messages: dict[str, str] | None) -> dict[str, str]:
    """{language: text} of the other languages the organizer wrote something in."""
    others = set(dict(settings.LANGUAGES)) - {settings.LANGUAGE_CODE}
    return {
        language: text.strip()
        for language, text in (messages or {}).items()
        if language in others and " ".join((text or "").split())
    }


def _tell_guests(event, message: str, alert_page, messages=None) -> None:
    """Each confirmed and waitlisted guest gets the change once, with a calendar
    update, and the organizer's words in their language where given; the alert to
    lists leaves them out (campaigns.mailings.selectors)."""
    from events.notices import announce_event_change

    announce_event_change(
        event_id=event.pk,
        message=message,
        messages=messages,
        alert_page_id=alert_page.pk if alert_page is not None else None,
        force=True,
    )


def _alerts_about(event):
    from cms.models import AlertPage

    return AlertPage.objects.filter(event__translation_key=event.translation_key)
