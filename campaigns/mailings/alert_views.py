"""Admin screens of the organizer flow: compose a rally alert, preview, send, approve,
update and cancel. Every action is checked again in the service."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from campaigns.mailings import confirm
from campaigns.mailings.admin_views import (
    MailingScreenMixin,
    SenderRequiredMixin,
    confirm_alert,
    get_mailing_for,
    local_datetime,
    mailings_crumb,
    sendable_lists,
)
from campaigns.mailings.alert_forms import (
    OTHER_LANGUAGES,
    AlertUpdateForm,
    CancelEventForm,
    EventAlertForm,
    RallyAlertForm,
    sign_machine_draft,
)
from campaigns.mailings.exceptions import AlertError
from campaigns.mailings.models import Mailing
from campaigns.mailings.selectors import mailing_breakdown, reader_languages
from campaigns.mailings.services import alerts
from cms import machine_translation
from cms.admin_ui import AdminScreenMixin
from cms.languages import LANGUAGE_CODES, join_names, language_label

# An alert that went out can be corrected or its event called off; before that, the
# draft is sent (or discarded) and a held one approved (or withdrawn).
WENT_OUT = {
    Mailing.Status.STARTING,
    Mailing.Status.SENDING,
    Mailing.Status.PAUSED,
    Mailing.Status.SENT,
}


def _get_alert(user, pk: int) -> Mailing:
    """An alert the user may see: they hold send on every list (or may approve it)."""
    mailing = get_object_or_404(Mailing.objects.select_related("page"), pk=pk)
    if mailing.lane != Mailing.Lane.ALERTS:
        raise Http404
    return get_mailing_for(user, pk)


class AlertFormMixin(SenderRequiredMixin, AdminScreenMixin):
    header_icon = "warning"
    template_name = "campaigns/admin/alert_form.html"

    def get_parent_crumbs(self):
        return [mailings_crumb()]

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "allowed_lists": sendable_lists(self.request.user),
            "author": self.request.user,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["translator"] = machine_translation.translator_name()
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "translate":
            return self.draft_by_machine(self.get_form())
        return super().post(request, *args, **kwargs)

    def draft_by_machine(self, form):
        """Fill the empty languages with the translator's draft; nothing is saved."""
        data = form.data.copy()
        source = form.source_texts(data)
        empty = [
            language
            for language in OTHER_LANGUAGES
            if not any(form.language_texts(language, data).values())
        ]
        if not any(text.strip() for text in source.values()):
            messages.error(self.request, _("Write the message first."))
        elif not empty:
            messages.info(self.request, _("Every language already has its text."))
        else:
            try:
                drafted = machine_translation.draft_translations(
                    texts=source,
                    source_language=settings.LANGUAGE_CODE,
                    languages=empty,
                )
            except machine_translation.MachineTranslationError as error:
                messages.error(self.request, str(error))
            else:
                for language, texts in drafted.texts.items():
                    full = {field: texts.get(field, "") for field in source}
                    for field, text in full.items():
                        data[f"{field}_{language}"] = text
                    data[f"machine_{language}"] = sign_machine_draft(
                        full, drafted.tool_name
                    )
                messages.success(
                    self.request,
                    _(
                        "%(tool)s drafted: %(languages)s. Read them over: they stay "
                        "marked as machine translations until you change them."
                    )
                    % {
                        "tool": drafted.tool_name,
                        "languages": join_names(
                            language_label(code) for code in drafted.texts
                        ),
                    },
                )
        # A fresh unbound-looking form: no errors shown for fields not filled in yet.
        initial = {
            key: data.getlist(key) if key == "lists" else data.get(key)
            for key in data
            if key not in ("csrfmiddlewaretoken", "action")
        }
        form = self.get_form_class()(
            initial=initial, allowed_lists=sendable_lists(self.request.user)
        )
        return self.render_to_response(self.get_context_data(form=form))

    def form_valid(self, form):
        try:
            mailing = self.create(form.cleaned_data, translations=form.translations())
        except AlertError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return redirect("campaigns_mailings:alert", mailing.pk)


class RallyAlertView(AlertFormMixin, FormView):
    page_title = gettext_lazy("Rally alert")
    form_class = RallyAlertForm

    def create(self, data, translations):
        return alerts.create_rally_alert(
            user=self.request.user,
            title=data["title"],
            what=data["what"],
            start=data["start"],
            end=data["end"],
            venue=data["venue"],
            address=data["address"],
            address_on_rsvp_only=data["address_on_rsvp_only"],
            capacity=data["capacity"],
            message=data["message"],
            list_ids=[lst.pk for lst in data["lists"]],
            translations=translations,
            machine_note=data["machine_note"],
        )


class EventAlertView(AlertFormMixin, FormView):
    page_title = gettext_lazy("Send as alert")
    form_class = EventAlertForm

    def get_context_data(self, **kwargs):
        from events.models import EventPage

        context = super().get_context_data(**kwargs)
        context["event"] = get_object_or_404(EventPage, pk=self.kwargs["event_id"])
        return context

    def create(self, data, translations):
        return alerts.create_event_alert(
            user=self.request.user,
            event_id=self.kwargs["event_id"],
            message=data["message"],
            list_ids=[lst.pk for lst in data["lists"]],
            translations=translations,
            machine_note=data["machine_note"],
        )


class AlertDetailView(MailingScreenMixin, TemplateView):
    header_icon = "warning"
    template_name = "campaigns/admin/alert_detail.html"

    def load_mailing(self, user, pk: int) -> Mailing:
        return _get_alert(user, pk)

    def get_page_title(self):
        return _("Alert: %(title)s") % {"title": self.mailing.page.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mailing = self.mailing
        breakdown = mailing_breakdown(mailing)
        page = mailing.page.specific
        event = getattr(page, "event", None)
        if event is not None:
            from events.selectors import guest_counts

            context["guests"] = guest_counts(event)
        preview_language = self.request.GET.get("language", settings.LANGUAGE_CODE)
        if preview_language not in LANGUAGE_CODES:
            preview_language = settings.LANGUAGE_CODE
        awaiting = mailing.status == Mailing.Status.AWAITING_APPROVAL
        # "Needs a second person" only while it still does: once approved (or gone
        # out) the screen says who approved it instead.
        two_person = (
            awaiting or mailing.status == Mailing.Status.DRAFT
        ) and alerts.needs_second_person(mailing)
        context.update(
            mailing=mailing,
            kind=page.get_kind_display() if hasattr(page, "get_kind_display") else "",
            event=event,
            audience_total=breakdown["total"],
            audience_phrase=confirm.audience_phrase(breakdown),
            reader_languages=reader_languages(mailing, dict(breakdown["by_language"])),
            preview_language=preview_language,
            preview_language_name=language_label(preview_language),
            two_person=two_person,
            approvers=[
                alerts.display_name(user) for user in alerts.alert_approvers(mailing)
            ]
            if two_person
            else [],
            approved_by=alerts.display_name(mailing.approved_by)
            if mailing.approved_by_id
            else "",
            is_draft=mailing.status == Mailing.Status.DRAFT,
            is_awaiting=awaiting,
            went_out=mailing.status in WENT_OUT,
            can_approve=awaiting and mailing.created_by_id != self.request.user.pk,
            # Both forms have a "message": distinct ids keep each label on its field.
            update_form=AlertUpdateForm.for_event(
                event.canonical(),
                auto_id="update-%s",
                languages=translated_languages(page),
            )
            if event is not None
            else None,
            cancel_form=CancelEventForm(
                auto_id="cancel-%s", languages=translated_languages(page)
            ),
        )
        return context


def translated_languages(page) -> list[str]:
    """The languages ``page`` is published in besides the default, in settings order:
    an update or cancellation is translated into these (services.alerts)."""
    published = set(
        page.get_translations().live().values_list("locale__language_code", flat=True)
    )
    return [code for code in OTHER_LANGUAGES if code in published]


def _form_problems(form) -> str:
    """Each error of ``form`` after its field's label, in one line."""
    problems = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            problems.append(f"{label}: {error}" if label else str(error))
    return " ".join(problems)


def _messages_outgoing(form) -> list:
    """The organizer's words per language, for the confirmation screen."""
    return [
        (form[f"message_{language}"].label, text)
        for language, text in form.messages_by_language().items()
    ]


def preview(request, pk):
    """The alert e-mail as a reader gets it (English, or ?language=xx), for the frame
    on the alert's screen: the reader's links rather than merge tags, each opening a
    new tab (in the frame our pages refuse to load), and no script run, even opened
    on its own in the admin's origin."""
    from cms.admin_views import links_open_in_new_tab
    from cms.email.rendering import as_sample, render_email

    mailing = _get_alert(request.user, pk)
    language = request.GET.get("language", settings.LANGUAGE_CODE)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    rendered = render_email(mailing.page.specific, language=language)
    html, _text = as_sample(
        rendered,
        name=request.user.get_full_name() or request.user.get_username(),
        lists=mailing.lists.with_translations(),
    )
    response = HttpResponse(links_open_in_new_tab(html))
    response["X-Frame-Options"] = "SAMEORIGIN"
    response._csp_update = {
        "sandbox": ["allow-popups", "allow-popups-to-escape-sandbox"]
    }
    return response


def _act(request, pk: int, action, success: str, target=None):
    _get_alert(request.user, pk)
    try:
        result = action()
    except AlertError as error:
        messages.error(request, str(error))
        return redirect("campaigns_mailings:alert", pk)
    except PermissionError as error:
        raise PermissionDenied from error
    messages.success(request, success)
    if target is not None and result is not None:
        return redirect("campaigns_mailings:alert", target(result))
    return redirect("campaigns_mailings:alert", pk)


def _held_note(user, mailing) -> list[str]:
    if not alerts.needs_second_person(mailing):
        return []
    approvers = [
        alerts.display_name(person)
        for person in alerts.approvers_for(
            mailing.lists.values_list("pk", flat=True), author_id=user.pk
        )
    ]
    return [
        _(
            "A list of this alert needs a second person's approval: it goes out when "
            "one of them approves (%(names)s)."
        )
        % {"names": join_names(approvers) or "-"}
    ]


def _message_of(page) -> str:
    from django.utils.html import strip_tags

    return "\n".join(
        line.strip()
        for line in strip_tags(
            page.message_html().replace("</p>", "</p>\n")
        ).splitlines()
        if line.strip()
    )


def _alert_versions(page) -> tuple[list[dict], list[str]]:
    """What the alert says in each language it goes out in (subject and message as
    that language's readers get them, with its lang and dir), and one note per
    version naming the languages without their own that get it instead."""
    from django.utils import translation

    from cms.bidi import direction
    from cms.email.rendering import content_page

    versions = []
    borrowed: dict[str, list[str]] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            version = content_page(page, code)
            if version.locale.language_code != code:
                borrowed.setdefault(version.locale.language_code, []).append(code)
                continue
            subject, message = version.email_subject(), _message_of(version)
        versions.append(
            {
                "language": code,
                "direction": direction(code),
                "name": language_label(code),
                "subject": subject,
                "message": message,
            }
        )
    notes = [
        _(
            "Readers of %(languages)s have no version of their own: they get the %(version)s version."
        )
        % {
            "languages": join_names(language_label(code) for code in codes),
            "version": language_label(source),
        }
        for source, codes in borrowed.items()
    ]
    return versions, notes


@confirm.post_only("campaigns_mailings:alert", _get_alert)
def send(request, pk):
    mailing = _get_alert(request.user, pk)
    if not confirm.is_confirmed(request):
        versions, borrowed = _alert_versions(mailing.page.specific)
        return confirm_alert(
            request,
            mailing,
            title=_("Send this alert?"),
            question=_("Send this alert to %(audience)s?"),
            label=_("Yes, send the alert"),
            outgoing=[],
            versions=versions,
            notes=[*_held_note(request.user, mailing), *borrowed],
        )
    held = _("The alert waits for a second person's approval; approvers were e-mailed.")
    return _act(
        request,
        pk,
        lambda: alerts.send_alert(user=request.user, mailing_id=pk),
        held if alerts.needs_second_person(mailing) else _("The alert is on its way."),
    )


@confirm.post_only("campaigns_mailings:alert", _get_alert)
def approve(request, pk):
    mailing = _get_alert(request.user, pk)
    if not confirm.is_confirmed(request):
        versions, borrowed = _alert_versions(mailing.page.specific)
        return confirm_alert(
            request,
            mailing,
            title=_("Approve and send this alert?"),
            question=_("Approve this alert and send it now to %(audience)s?"),
            label=_("Yes, approve and send"),
            outgoing=[],
            versions=versions,
            notes=borrowed,
        )
    return _act(
        request,
        pk,
        lambda: alerts.approve_alert(user=request.user, mailing_id=pk),
        _("Approved: the alert is on its way."),
    )


def _changes_text(data) -> str:
    lines = []
    if data.get("start"):
        lines.append(_("New start: %(when)s") % {"when": local_datetime(data["start"])})
    if data.get("end"):
        lines.append(_("New end: %(when)s") % {"when": local_datetime(data["end"])})
    if data.get("venue"):
        lines.append(_("New venue: %(venue)s") % {"venue": data["venue"]})
    if data.get("address"):
        lines.append(_("New address: %(address)s") % {"address": data["address"]})
    return "\n".join(lines) or _("No change to the time or place.")


@confirm.post_only("campaigns_mailings:alert", _get_alert)
def update(request, pk):
    mailing = _get_alert(request.user, pk)
    form = AlertUpdateForm(
        request.POST, languages=translated_languages(mailing.page.specific)
    )
    if not form.is_valid():
        messages.error(
            request,
            " ".join(
                (_("Write what changed and give valid times."), _form_problems(form))
            ),
        )
        return redirect("campaigns_mailings:alert", pk)
    data = form.cleaned_data
    if not confirm.is_confirmed(request):
        page = mailing.page.specific
        return confirm_alert(
            request,
            mailing,
            title=_("Send this update?"),
            question=_("Send this update to %(audience)s?"),
            label=_("Yes, send the update"),
            outgoing=[
                (_("Subject"), _("Update: %(title)s") % {"title": page.title}),
                (_("Message"), data["message"]),
                *_messages_outgoing(form),
                (
                    _("Changes to the event (every language, and calendars)"),
                    _changes_text(
                        alerts.keep_length(
                            page.event and page.event.canonical(),
                            {k: data[k] for k in ("start", "end", "venue", "address")},
                        )
                    ),
                ),
            ],
            notes=_held_note(request.user, mailing),
        )
    return _act(
        request,
        pk,
        lambda: alerts.send_update(
            user=request.user,
            mailing_id=pk,
            message=data["message"],
            changes={k: data[k] for k in ("start", "end", "venue", "address")},
            messages=form.messages_by_language(),
        ),
        _("The update was created and sent (or waits for approval)."),
        target=lambda mailing: mailing.pk,
    )


@confirm.post_only("campaigns_mailings:alert", _get_alert)
def cancel_event(request, pk):
    mailing = _get_alert(request.user, pk)
    form = CancelEventForm(
        request.POST, languages=translated_languages(mailing.page.specific)
    )
    if not form.is_valid():
        messages.error(request, _form_problems(form))
        return redirect("campaigns_mailings:alert", pk)
    data = form.cleaned_data
    if not confirm.is_confirmed(request):
        page = mailing.page.specific
        if data["notify"]:
            question = _("Cancel the event and tell %(audience)s?")
            outgoing = [
                (_("Subject"), _("Cancelled: %(title)s") % {"title": page.title}),
                (_("Message"), data["message"] or _("This event is cancelled.")),
                *_messages_outgoing(form),
            ]
            notes = _held_note(request.user, mailing)
        else:
            question = _(
                "Cancel the event without telling anyone? (%(audience)s would have been told.)"
            )
            outgoing = []
            notes = []
        notes = [
            _(
                "The event is marked cancelled at once, in every language, on the site and "
                "in calendars; alerts about it that have not gone out are stopped."
            ),
            *notes,
        ]
        return confirm_alert(
            request,
            mailing,
            title=_("Cancel this event?"),
            question=question,
            label=_("Yes, cancel the event"),
            outgoing=outgoing,
            notes=notes,
            danger=True,
        )
    return _act(
        request,
        pk,
        lambda: alerts.cancel_event(
            user=request.user,
            mailing_id=pk,
            message=data["message"],
            notify=data["notify"],
            messages=form.messages_by_language(),
        ),
        _("The event is cancelled on the site and in calendars."),
        target=lambda mailing: mailing.pk,
    )
