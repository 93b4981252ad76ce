"""Admin screens for mailings: create, review the audience, test, send, watch, report.

Every action re-checks, in the service, that the user may send to every list.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from campaigns.mailings import charts as mailing_charts
from campaigns.mailings import confirm, reports
from campaigns.mailings.exceptions import MailingStateError, SendPermissionDenied
from campaigns.mailings.forms import MailingForm, ScheduleForm
from campaigns.mailings.models import Mailing
from campaigns.mailings.selectors import (
    KIND_CHOICES,
    audience_by_delivery,
    audience_size_by_language,
    delivery_counts,
    earlier_sends_to_same_lists,
    handed_over,
    handed_over_by_mailing,
    mailing_audience,
    mailing_breakdown,
    mailing_kinds,
    reached_before,
    reader_languages,
    translations_behind,
    unpublished_work,
)
from campaigns.mailings.services import alerts, control, testing
from campaigns.mailings.tasks import send_test_mailing_task
from cms import charts
from cms.admin_ui import AdminScreenMixin, crumb
from cms.languages import join_names


def local_datetime(value) -> str:
    """A time as staff read it: local date and time with the zone (Chicago time)."""
    from cms.templatetags.admin_tags import with_zone

    return with_zone(value)


def sendable_lists(user):
    from subscribers.selectors import lists_user_can

    return lists_user_can(user, "send")


def visible_mailings(user, *, campaign=None):
    """Mailings whose every list the user may send to (what they could act on), the
    newest 200; only the campaign's when one is given."""
    from subscribers.models import MailingList

    # Filtered in the database before the 200 are taken: after, a sender of one list
    # could see none of theirs behind 200 newer mailings to other lists.
    others = MailingList.objects.exclude(pk__in=sendable_lists(user).values("pk"))
    mailings = (
        Mailing.objects.exclude(lists__in=others)
        .select_related("page")
        .prefetch_related("lists")
    )
    if campaign is not None:
        mailings = mailings.filter(campaign=campaign)
    return list(mailings[:200])


def get_mailing_for(user, pk: int) -> Mailing:
    mailing = get_object_or_404(Mailing.objects.select_related("page"), pk=pk)
    allowed = set(sendable_lists(user).values_list("pk", flat=True))
    lists = set(mailing.lists.values_list("pk", flat=True))
    # A mailing with no lists (its lists deleted) is for those who may send at all:
    # an empty set is a subset of anyone's, and any admin user could have opened it.
    if not lists <= allowed or not (lists or allowed):
        raise PermissionDenied
    return mailing


class SenderRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not sendable_lists(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def mailings_crumb():
    return crumb(gettext_lazy("Mailings"), "campaigns_mailings:index")


NOT_STARTED = {
    Mailing.Status.DRAFT,
    Mailing.Status.AWAITING_APPROVAL,
    Mailing.Status.SCHEDULED,
}


class MailingIndexView(SenderRequiredMixin, AdminScreenMixin, TemplateView):
    page_title = gettext_lazy("Mailings")
    header_icon = "mail"
    template_name = "campaigns/admin/mailing_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mailings = visible_mailings(self.request.user)
        kinds = mailing_kinds(mailings)
        chosen = self.request.GET.get("kind", "")
        if chosen not in dict(KIND_CHOICES):
            chosen = ""
        sent = handed_over_by_mailing(mailing.pk for mailing in mailings)
        rows = []
        for mailing in mailings:
            kind, kind_label = kinds[mailing.pk]
            if chosen and kind != chosen:
                continue
            estimate = None
            if mailing.status in NOT_STARTED:
                estimate = sum(
                    audience_size_by_language(
                        list_ids=[lst.pk for lst in mailing.lists.all()],
                        languages=mailing.languages,
                        zip_prefix=mailing.zip_prefix,
                    ).values()
                )
            rows.append(
                {
                    "mailing": mailing,
                    "kind": kind,
                    "kind_label": kind_label,
                    "sent": sent.get(mailing.pk, 0),
                    "estimate": estimate,
                }
            )
        context.update(rows=rows, kind_choices=KIND_CHOICES, chosen_kind=chosen)
        return context


class MailingCreateView(SenderRequiredMixin, AdminScreenMixin, FormView):
    page_title = gettext_lazy("New mailing")
    header_icon = "mail"
    template_name = "campaigns/admin/mailing_form.html"
    form_class = MailingForm

    def get_parent_crumbs(self):
        return [mailings_crumb()]

    def get_initial(self):
        page_id = self.request.GET.get("page")
        return {"page": page_id} if page_id and page_id.isdigit() else {}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "allowed_lists": sendable_lists(self.request.user),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            mailing = control.create_mailing(
                user=self.request.user,
                page=data["page"],
                list_ids=[lst.pk for lst in data["lists"]],
                lane=data["lane"],
                languages=data["languages"],
                zip_prefix=data["zip_prefix"],
                campaign_id=data["campaign"].pk if data["campaign"] else None,
                track_opens=data["track_opens"],
                track_clicks=data["track_clicks"],
            )
        except SendPermissionDenied as error:
            raise PermissionDenied from error
        except MailingStateError as error:
            form.add_error("page", str(error))
            return self.form_invalid(form)
        return redirect("campaigns_mailings:detail", mailing.pk)


class MailingScreenMixin(AdminScreenMixin):
    """One mailing's admin screen: loaded (and permission-checked) before anything else."""

    def get_parent_crumbs(self):
        return [mailings_crumb()]

    def load_mailing(self, user, pk: int) -> Mailing:
        return get_mailing_for(user, pk)

    def dispatch(self, request, *args, **kwargs):
        self.mailing = self.load_mailing(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def audience(self) -> dict[str, int]:
        """{language: people} the mailing would reach now."""
        return audience_size_by_language(
            list_ids=self.mailing.lists.values_list("pk", flat=True),
            languages=self.mailing.languages,
            zip_prefix=self.mailing.zip_prefix,
        )


def campaign_report_url(user, mailing: Mailing) -> str:
    """The mailing's campaign report, for those who may read it."""
    from campaigns.admin_views import may_read_reports

    if mailing.campaign_id and may_read_reports(user):
        return reverse("campaigns_admin:report", args=[mailing.campaign_id])
    return ""


class MailingDetailView(MailingScreenMixin, TemplateView):
    header_icon = "mail"
    template_name = "campaigns/admin/mailing_detail.html"

    def get_page_title(self):
        return _("Mailing: %(title)s") % {"title": self.mailing.page.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mailing = self.mailing
        breakdown = mailing_breakdown(mailing)
        context.update(
            mailing=mailing,
            breakdown=breakdown,
            by_audience_language=[
                (confirm.language_name(code), people)
                for code, people in breakdown["by_language"]
            ],
            audience_total=breakdown["total"],
            # The segment set on "New mailing": the audience's counts alone did not
            # say that people outside a ZIP prefix (or with none) were left out.
            segment_languages=join_names(
                confirm.language_name(code) for code in mailing.languages
            ),
            nobody=control.NOBODY,
            audience_phrase=confirm.audience_phrase(breakdown),
            sent_so_far=handed_over(delivery_counts(mailing.pk)),
            report=reports.report_tables(mailing),
            campaign_url=campaign_report_url(self.request.user, mailing),
            has_sends=reports.has_sends(mailing),
            reader_languages=reader_languages(mailing, audience_by_delivery(mailing))
            if mailing.recipients_count
            else [],
            # Before it goes, from the live translations, as the alert screen shows.
            coming_languages=reader_languages(mailing, dict(breakdown["by_language"]))
            if mailing.status in {Mailing.Status.DRAFT, Mailing.Status.SCHEDULED}
            else [],
            schedule_form=ScheduleForm(),
            stale_translations=[
                *unpublished_notes(mailing),
                *stale_translation_notes(mailing),
            ]
            if mailing.status in {Mailing.Status.DRAFT, Mailing.Status.SCHEDULED}
            else [],
            earlier_sends=earlier_send_notes(mailing)
            if mailing.status in {Mailing.Status.DRAFT, Mailing.Status.SCHEDULED}
            else [],
            is_live=mailing.status in {Mailing.Status.STARTING, Mailing.Status.SENDING},
        )
        return context


def _act(request, pk: int, action, success: str):
    mailing = get_mailing_for(request.user, pk)
    try:
        action()
    except SendPermissionDenied as error:
        raise PermissionDenied from error
    except MailingStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    if mailing.lane == Mailing.Lane.ALERTS:
        return redirect("campaigns_mailings:alert", pk)
    return redirect("campaigns_mailings:detail", pk)


def stale_translation_notes(mailing: Mailing) -> list[str]:
    """A warning when some of the page's translations predate its last publish."""
    behind = translations_behind(mailing.page)
    if not behind:
        return []
    return [
        ngettext(
            "The %(source)s page was published after its translation into "
            "%(languages)s: those readers would get the translation as it was before. "
            "Update it first (in the English page's editor, “Sync translated pages” "
            "in the “…” menu at the top, then publish the translation), or send it "
            "as it is.",
            "The %(source)s page was published after its translations into "
            "%(languages)s: those readers would get the translations as they were "
            "before. Update them first (in the English page's editor, “Sync "
            "translated pages” in the “…” menu at the top, then publish each "
            "translation), or send it as it is.",
            len(behind),
        )
        % {
            "source": confirm.language_name(settings.LANGUAGE_CODE),
            "languages": join_names(confirm.language_name(code) for code in behind),
        }
    ]


def unpublished_notes(mailing: Mailing) -> list[str]:
    """A warning for each thing a send would leave out because it is not published:
    the page's own changes, and translations (of languages in the audience) that are
    not live or have changes since their last publish. The preview shows the latest
    draft; the send takes what is live."""
    work = unpublished_work(mailing.page)
    readers = {code for code, people in mailing_breakdown(mailing)["by_language"]}
    names = confirm.language_name
    notes = []
    if work["page"]:
        notes.append(
            _(
                "“%(title)s” has changes that are not published: the mailing sends "
                "the published version, as the website shows it (the e-mail preview "
                "shows the latest draft). Publish the changes first, or send it as "
                "it is."
            )
            % {"title": mailing.page.title}
        )
    not_live = [code for code in work["not_live"] if code in readers]
    if not_live:
        notes.append(
            ngettext(
                "The translation into %(languages)s is not published: those readers "
                "would get the %(source)s text. Publish it first (in its translation "
                "editor, “Publish”), or send it as it is.",
                "The translations into %(languages)s are not published: those "
                "readers would get the %(source)s text. Publish them first (in each "
                "translation editor, “Publish”), or send it as it is.",
                len(not_live),
            )
            % {
                "languages": join_names(names(code) for code in not_live),
                "source": names(settings.LANGUAGE_CODE),
            }
        )
    changed = [code for code in work["changed"] if code in readers]
    if changed:
        notes.append(
            ngettext(
                "The translation into %(languages)s has changes that are not "
                "published: those readers would get it as it was last published. "
                "Publish it first (in its translation editor, “Publish”), or send it "
                "as it is.",
                "The translations into %(languages)s have changes that are not "
                "published: those readers would get them as they were last "
                "published. Publish them first (in each translation editor, "
                "“Publish”), or send it as it is.",
                len(changed),
            )
            % {"languages": join_names(names(code) for code in changed)}
        )
    return notes


def when_sent(mailing: Mailing):
    """When a mailing went (or goes) out: its start, else its schedule."""
    return mailing.started_at or mailing.scheduled_at or mailing.created_at


def earlier_send_notes(mailing: Mailing) -> list[str]:
    """A warning per earlier mailing of the same page to any of the same lists, and
    one for the people an earlier mailing to other lists reached: they would get the
    page twice."""
    notes = []
    for other, shared in earlier_sends_to_same_lists(mailing):
        values = {
            "lists": join_names(each.name for each in shared),
            "date": local_datetime(when_sent(other)),
            "mailing": other.pk,
        }
        if other.status == Mailing.Status.SCHEDULED:
            note = _(
                "This page is already scheduled to go to %(lists)s on %(date)s "
                "(mailing %(mailing)s)."
            )
        elif other.status == Mailing.Status.SENT:
            note = _(
                "This page already went to %(lists)s on %(date)s (mailing %(mailing)s)."
            )
        else:
            note = _(
                "This page has been going out to %(lists)s since %(date)s "
                "(mailing %(mailing)s)."
            )
        notes.append(note % values)
    people, mailings = reached_before(mailing)
    if people:
        notes.append(
            ngettext(
                "%(count)s person in this audience already got this page from an "
                "earlier mailing (%(mailings)s), on another list: they would get it "
                "a second time.",
                "%(count)s people in this audience already got this page from an "
                "earlier mailing (%(mailings)s), on another list: they would get it "
                "a second time.",
                people,
            )
            % {
                "count": confirm.number(people),
                "mailings": join_names(
                    _("mailing %(number)s") % {"number": pk} for pk in mailings
                ),
            }
        )
    return notes


def confirm_mailing(
    request,
    mailing: Mailing,
    *,
    title,
    question,
    label,
    notes=(),
    danger=False,
    sends=True,
    **values,
):
    """The confirmation screen of a mailing's mass action; ``sends``: the action sends
    the page (shown under "What goes out")."""
    breakdown = mailing_breakdown(mailing)
    earlier = earlier_send_notes(mailing) if sends else []
    unpublished = unpublished_notes(mailing) if sends else []
    notes = [*earlier, *unpublished, *stale_translation_notes(mailing), *notes]
    return confirm.confirmation(
        request,
        title=title,
        question=question % {"audience": confirm.audience_phrase(breakdown), **values},
        breakdown=breakdown,
        confirm_label=label,
        back_url=reverse("campaigns_mailings:detail", args=[mailing.pk]),
        parents=[
            mailings_crumb(),
            (
                _("Mailing: %(title)s") % {"title": mailing.page.title},
                reverse("campaigns_mailings:detail", args=[mailing.pk]),
            ),
        ],
        outgoing=[(_("Page"), mailing.page.title)] if sends else [],
        notes=notes,
        danger=danger,
    )


@confirm.post_only("campaigns_mailings:detail", get_mailing_for)
def send_now(request, pk):
    mailing = get_mailing_for(request.user, pk)
    waiting = {Mailing.Status.DRAFT, Mailing.Status.SCHEDULED}
    if mailing.status in waiting and not mailing_audience(mailing).exists():
        # Not even a confirmation to click through: there is nobody to ask about.
        messages.error(request, str(control.NOBODY))
        return redirect("campaigns_mailings:detail", pk)
    if not confirm.is_confirmed(request):
        return confirm_mailing(
            request,
            mailing,
            title=_("Send this mailing now?"),
            question=_("Send it now to %(audience)s?"),
            label=_("Yes, send now"),
        )
    return _act(
        request,
        pk,
        lambda: control.send_now(user=request.user, mailing_id=pk),
        _("Sending has started."),
    )


@confirm.post_only("campaigns_mailings:detail", get_mailing_for)
def schedule(request, pk):
    # Permission first: someone who may not see this mailing learns nothing, not even
    # whether their date was valid.
    mailing = get_mailing_for(request.user, pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        # An offset no time zone has, or a year out of range, is named as such;
        # anything else is "give a valid date and time".
        named = [
            refusal.messages[0]
            for refusal in form.errors.as_data().get("send_at", [])
            if refusal.code in {"offset", "year"}
        ]
        messages.error(request, named[0] if named else _("Give a valid date and time."))
        return redirect("campaigns_mailings:detail", pk)
    when = form.cleaned_data["send_at"]
    if not confirm.is_confirmed(request):
        return confirm_mailing(
            request,
            mailing,
            title=_("Schedule this mailing?"),
            question=_("Send it at %(when)s to %(audience)s?"),
            when=local_datetime(when),
            label=_("Yes, schedule it"),
            notes=[
                _(
                    "The audience is counted again when sending starts: people who "
                    "join or leave before then are counted then."
                )
            ],
        )
    return _act(
        request,
        pk,
        lambda: control.schedule(user=request.user, mailing_id=pk, when=when),
        _("The mailing is scheduled for %(when)s.") % {"when": local_datetime(when)},
    )


@require_POST
def pause(request, pk):
    return _act(
        request,
        pk,
        lambda: control.pause(user=request.user, mailing_id=pk),
        _("Paused."),
    )


@require_POST
def resume(request, pk):
    return _act(
        request,
        pk,
        lambda: control.resume(user=request.user, mailing_id=pk),
        _("Resumed."),
    )


@confirm.post_only("campaigns_mailings:detail", get_mailing_for)
def cancel(request, pk):
    mailing = get_mailing_for(request.user, pk)
    if mailing.lane != Mailing.Lane.ALERTS or mailing.status not in alerts.PENDING:
        if not confirm.is_confirmed(request):
            # Final: what has not gone out never will (Pause is the button for "wait").
            return _confirm_cancel(request, mailing)
        return _act(
            request,
            pk,
            lambda: control.cancel(user=request.user, mailing_id=pk),
            _("Cancelled."),
        )
    if not confirm.is_confirmed(request):
        # Discarding takes the alert's pages (and perhaps its rally) off the site at
        # once: one click on a red button next to "Send" must not do that.
        return _confirm_discard(request, mailing)
    try:
        kept_event = alerts.discard_alert(user=request.user, mailing_id=pk)
    except SendPermissionDenied as error:
        raise PermissionDenied from error
    except MailingStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _discarded_message(mailing, kept_event))
    return redirect("campaigns_mailings:alert", pk)


def confirm_alert(
    request,
    mailing,
    *,
    title,
    question,
    label,
    outgoing,
    versions=(),
    notes=(),
    danger=False,
):
    """The confirmation screen of an alert action: who gets it and what it says."""
    breakdown = mailing_breakdown(mailing)
    alert_url = reverse("campaigns_mailings:alert", args=[mailing.pk])
    return confirm.confirmation(
        request,
        title=title,
        question=question % {"audience": confirm.audience_phrase(breakdown)},
        breakdown=breakdown,
        confirm_label=label,
        back_url=alert_url,
        parents=[
            mailings_crumb(),
            (_("Alert: %(title)s") % {"title": mailing.page.title}, alert_url),
        ],
        outgoing=outgoing,
        versions=versions,
        notes=notes,
        danger=danger,
    )


def _confirm_cancel(request, mailing: Mailing):
    notes = []
    sent = handed_over(delivery_counts(mailing.pk))
    if sent:
        notes.append(
            _("Messages handed over so far: %(count)s. Nothing more goes out.")
            % {"count": confirm.number(sent)}
        )
    if mailing.status == Mailing.Status.SENDING and mailing.lane != Mailing.Lane.ALERTS:
        notes.append(_("To stop it for a while instead, go back and pause it."))
    screen = {
        "title": _("Cancel this mailing?"),
        "question": _(
            "Cancel this mailing? Whoever of %(audience)s has not received it yet "
            "never will."
        ),
        "label": _("Yes, cancel the mailing"),
        "notes": notes,
        "danger": True,
    }
    if mailing.lane == Mailing.Lane.ALERTS:
        return confirm_alert(request, mailing, outgoing=[], **screen)
    return confirm_mailing(request, mailing, sends=False, **screen)


def _confirm_discard(request, mailing: Mailing):
    draft = mailing.status == Mailing.Status.DRAFT
    event, stays = alerts.event_after_discard(mailing.page.specific)
    notes = [
        _(
            "Nobody has received this alert. It will not be sent, and its page comes "
            "off the site in every language."
        )
    ]
    if event is not None and not stays:
        notes.append(
            _(
                "Its event “%(title)s” comes off the site too: this alert published "
                "it, and nobody has RSVPed."
            )
            % {"title": event.title}
        )
    elif event is not None:
        notes.append(
            _("Its event “%(title)s” stays published.") % {"title": event.title}
        )
    return confirm_alert(
        request,
        mailing,
        title=_("Discard this alert?") if draft else _("Withdraw this alert?"),
        question=(
            _("Discard this alert? It was to go to %(audience)s.")
            if draft
            else _("Withdraw this alert? It was to go to %(audience)s.")
        ),
        label=_("Yes, discard the alert") if draft else _("Yes, withdraw the alert"),
        outgoing=[],
        notes=notes,
        danger=True,
    )


def _discarded_message(mailing: Mailing, kept_event) -> str:
    event = mailing.page.specific.event
    if kept_event is not None:
        return _(
            "Discarded: the alert is off the site. Its event “%(title)s” stays "
            "published, since people have RSVPed or another alert is about it: to "
            "call it off, tick “cancelled” on the event's page and publish."
        ) % {"title": kept_event.title}
    if event is None:
        return _("Discarded: the alert is off the site.")
    event.refresh_from_db()
    if event.live:
        return _(
            "Discarded: the alert is off the site; the event it was about stays "
            "published."
        )
    return _("Discarded: the alert and its event are off the site.")


@require_POST
def send_test(request, pk):
    mailing = get_mailing_for(request.user, pk)
    if not request.user.email:
        messages.error(request, _("Your account has no e-mail address to send to."))
    else:
        send_test_mailing_task.delay(pk, request.user.pk)
        # One message per language: "a test copy" undersold a mailing in three.
        count = len(testing.languages_for_test_copies(mailing))
        messages.success(
            request,
            ngettext(
                "A test copy is on its way to %(email)s.",
                "%(count)s test copies, one per language, are on their way to "
                "%(email)s.",
                count,
            )
            % {"count": count, "email": request.user.email},
        )
    return redirect("campaigns_mailings:detail", pk)


def progress(request, pk):
    mailing = get_mailing_for(request.user, pk)
    return JsonResponse(
        {
            "status": mailing.status,
            "recipients": mailing.recipients_count,
            "counts": delivery_counts(pk),
        }
    )


def export_csv(request, pk):
    mailing = get_mailing_for(request.user, pk)
    response = HttpResponse(
        reports.csv_report(mailing), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="mailing-{pk}-report.csv"'
    return response


CHARTS = {
    "per-minute": mailing_charts.sends_per_minute,
    "by-language": mailing_charts.status_by_language,
    "by-list": mailing_charts.status_by_list,
}


def chart(request, pk, name):
    """One chart of the mailing's report, as an SVG image (``?narrow=1``: the
    phone's version)."""
    mailing = get_mailing_for(request.user, pk)
    if name not in CHARTS:
        raise Http404
    narrow = request.GET.get("narrow") == "1"
    return charts.svg_response(CHARTS[name](mailing, narrow=narrow))


def create_url_for(page_id: int) -> str:
    return reverse("campaigns_mailings:create") + f"?page={page_id}"
