"""Admin screens of the organizer flow: compose a rally alert, preview, send, approve,
update and cancel. Every action is checked again in the service."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from campaigns.mailings.admin_views import (
    MailingScreenMixin,
    SenderRequiredMixin,
    get_mailing_for,
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
from campaigns.mailings.selectors import reader_languages
from campaigns.mailings.services import alerts
from cms import machine_translation
from cms.languages import LANGUAGE_CODES, language_label


def _get_alert(user, pk: int) -> Mailing:
    """An alert the user may see: they hold send on every list (or may approve it)."""
    mailing = get_object_or_404(Mailing.objects.select_related("page"), pk=pk)
    if mailing.lane != Mailing.Lane.ALERTS:
        raise Http404
    return get_mailing_for(user, pk)


class AlertFormMixin(SenderRequiredMixin, WagtailAdminTemplateMixin):
    header_icon = "warning"
    template_name = "campaigns/admin/alert_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "allowed_lists": sendable_lists(self.request.user),
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
                        "languages": ", ".join(
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
        audience = self.audience()
        page = mailing.page.specific
        event = getattr(page, "event", None)
        if event is not None:
            from events.selectors import guest_counts

            context["guests"] = guest_counts(event)
        preview_language = self.request.GET.get("language", settings.LANGUAGE_CODE)
        if preview_language not in LANGUAGE_CODES:
            preview_language = settings.LANGUAGE_CODE
        context.update(
            mailing=mailing,
            event=event,
            audience_total=sum(audience.values()),
            reader_languages=reader_languages(mailing, audience),
            preview_language=preview_language,
            preview_language_name=language_label(preview_language),
            two_person=alerts.needs_second_person(mailing),
            can_approve=mailing.status == Mailing.Status.AWAITING_APPROVAL
            and mailing.created_by_id != self.request.user.pk,
            update_form=AlertUpdateForm(),
            cancel_form=CancelEventForm(),
        )
        return context


def preview(request, pk):
    """The alert e-mail as it will be sent (English, or ?language=xx)."""
    from cms.email.rendering import render_email

    mailing = _get_alert(request.user, pk)
    language = request.GET.get("language", settings.LANGUAGE_CODE)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    rendered = render_email(mailing.page.specific, language=language)
    response = HttpResponse(rendered.html)
    response["X-Frame-Options"] = "SAMEORIGIN"
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


@require_POST
def send(request, pk):
    held = _("The alert waits for a second person's approval; approvers were e-mailed.")
    return _act(
        request,
        pk,
        lambda: alerts.send_alert(user=request.user, mailing_id=pk),
        held
        if alerts.needs_second_person(_get_alert(request.user, pk))
        else _("The alert is on its way."),
    )


@require_POST
def approve(request, pk):
    return _act(
        request,
        pk,
        lambda: alerts.approve_alert(user=request.user, mailing_id=pk),
        _("Approved: the alert is on its way."),
    )


@require_POST
def update(request, pk):
    form = AlertUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what changed and give valid times."))
        return redirect("campaigns_mailings:alert", pk)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda: alerts.send_update(
            user=request.user,
            mailing_id=pk,
            message=data["message"],
            changes={k: data[k] for k in ("start", "end", "venue", "address")},
        ),
        _("The update was created and sent (or waits for approval)."),
        target=lambda mailing: mailing.pk,
    )


@require_POST
def cancel_event(request, pk):
    form = CancelEventForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The message is too long."))
        return redirect("campaigns_mailings:alert", pk)
    return _act(
        request,
        pk,
        lambda: alerts.cancel_event(
            user=request.user,
            mailing_id=pk,
            message=form.cleaned_data["message"],
            notify=form.cleaned_data["notify"],
        ),
        _("The event is cancelled on the site and in calendars."),
        target=lambda mailing: mailing.pk,
    )
