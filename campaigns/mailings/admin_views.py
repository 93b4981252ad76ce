"""Admin screens for mailings: create, review the audience, test, send, watch, report.

Every action re-checks, in the service, that the user may send to every list.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from campaigns.mailings import reports
from campaigns.mailings.exceptions import MailingStateError, SendPermissionDenied
from campaigns.mailings.forms import MailingForm, ScheduleForm
from campaigns.mailings.models import Mailing
from campaigns.mailings.selectors import (
    audience_by_delivery,
    audience_size_by_language,
    delivery_counts,
    reader_languages,
)
from campaigns.mailings.services import control
from campaigns.mailings.tasks import send_test_mailing_task


def sendable_lists(user):
    from subscribers.selectors import lists_user_can

    return lists_user_can(user, "send")


def visible_mailings(user):
    """Mailings whose every list the user may send to (what they could act on)."""
    allowed = set(sendable_lists(user).values_list("pk", flat=True))
    mailings = Mailing.objects.select_related("page").prefetch_related("lists")
    return [m for m in mailings[:200] if {lst.pk for lst in m.lists.all()} <= allowed]


def get_mailing_for(user, pk: int) -> Mailing:
    mailing = get_object_or_404(Mailing.objects.select_related("page"), pk=pk)
    allowed = set(sendable_lists(user).values_list("pk", flat=True))
    if not set(mailing.lists.values_list("pk", flat=True)) <= allowed:
        raise PermissionDenied
    return mailing


class SenderRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not sendable_lists(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MailingIndexView(SenderRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Mailings")
    header_icon = "mail"
    template_name = "campaigns/admin/mailing_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["mailings"] = [
            (mailing, delivery_counts(mailing.pk))
            for mailing in visible_mailings(self.request.user)
        ]
        return context


class MailingCreateView(SenderRequiredMixin, WagtailAdminTemplateMixin, FormView):
    page_title = gettext_lazy("New mailing")
    header_icon = "mail"
    template_name = "campaigns/admin/mailing_form.html"
    form_class = MailingForm

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


class MailingScreenMixin(WagtailAdminTemplateMixin):
    """One mailing's admin screen: loaded (and permission-checked) before anything else."""

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


class MailingDetailView(MailingScreenMixin, TemplateView):
    header_icon = "mail"
    template_name = "campaigns/admin/mailing_detail.html"

    def get_page_title(self):
        return _("Mailing: %(title)s") % {"title": self.mailing.page.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mailing = self.mailing
        audience = self.audience()
        context.update(
            mailing=mailing,
            audience=audience,
            audience_total=sum(audience.values()),
            counts=delivery_counts(mailing.pk),
            by_language=reports.by_language(mailing),
            reader_languages=reader_languages(mailing, audience_by_delivery(mailing))
            if mailing.recipients_count
            else [],
            by_list=reports.by_list(mailing),
            statuses=reports.STATUS_ORDER,
            bars=reports.chart_bars(reports.sent_per_minute(mailing)),
            schedule_form=ScheduleForm(),
            is_live=mailing.status in {Mailing.Status.STARTING, Mailing.Status.SENDING},
        )
        return context


def _act(request, pk: int, action, success: str):
    get_mailing_for(request.user, pk)
    try:
        action()
    except SendPermissionDenied as error:
        raise PermissionDenied from error
    except MailingStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("campaigns_mailings:detail", pk)


@require_POST
def send_now(request, pk):
    return _act(
        request,
        pk,
        lambda: control.send_now(user=request.user, mailing_id=pk),
        _("Sending has started."),
    )


@require_POST
def schedule(request, pk):
    # Permission first: someone who may not see this mailing learns nothing, not even
    # whether their date was valid.
    get_mailing_for(request.user, pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid date and time."))
        return redirect("campaigns_mailings:detail", pk)
    when = form.cleaned_data["send_at"]
    return _act(
        request,
        pk,
        lambda: control.schedule(user=request.user, mailing_id=pk, when=when),
        _("The mailing is scheduled."),
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


@require_POST
def cancel(request, pk):
    return _act(
        request,
        pk,
        lambda: control.cancel(user=request.user, mailing_id=pk),
        _("Cancelled."),
    )


@require_POST
def send_test(request, pk):
    get_mailing_for(request.user, pk)
    if not request.user.email:
        messages.error(request, _("Your account has no e-mail address to send to."))
    else:
        send_test_mailing_task.delay(pk, request.user.pk)
        messages.success(
            request,
            _("A test copy is on its way to %(email)s.")
            % {"email": request.user.email},
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


def create_url_for(page_id: int) -> str:
    return reverse("campaigns_mailings:create") + f"?page={page_id}"
