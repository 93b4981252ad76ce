"""Admin screens of the site: the e-mail outbox and the "send me a test" action."""

import re
from datetime import UTC
from email.utils import parsedate_to_datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.mail import outbox
from cms.tasks import send_test_email_task

BROWSE_OUTBOX = "cms.browse_outbox"


class OutboxPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(BROWSE_OUTBOX):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def outbox_in_use() -> bool:
    """Whether e-mail goes to the file outbox. With a real provider the folder holds
    only what an earlier run left there (addresses included): it is not shown."""
    return settings.EMAIL_PROVIDER == "outbox"


class OutboxIndexView(OutboxPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "mail"
    template_name = "cms/admin/outbox_index.html"

    def get_page_title(self):
        return _("E-mail outbox") if outbox_in_use() else _("Test e-mail")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["outbox_in_use"] = outbox_in_use()
        context["provider"] = settings.EMAIL_PROVIDER
        if not outbox_in_use():
            return context
        rows = []
        for name in outbox.list_messages():
            message = outbox.read_message(name)
            if message is not None:
                rows.append(
                    {
                        "name": name,
                        "subject": message["Subject"],
                        "to": message["To"],
                        "date": _sent_at(message["Date"]),
                        "date_header": message["Date"],
                    }
                )
        context["rows"] = rows
        return context


def _sent_at(header):
    """The Date header as an aware datetime, shown in the site's time zone like every
    other date in the admin; None when missing or unreadable (the header is shown)."""
    try:
        sent = parsedate_to_datetime(str(header)) if header else None
    except (TypeError, ValueError):
        return None
    if sent is not None and sent.tzinfo is None:
        # A zoneless Date (not ours: EMAIL_USE_LOCALTIME writes the offset) is UTC.
        sent = sent.replace(tzinfo=UTC)
    return sent


class OutboxMessageView(OutboxPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "mail"
    template_name = "cms/admin/outbox_message.html"

    def get_page_title(self):
        return self.message["Subject"] or _("(no subject)")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("cms_outbox:index"), "label": _("E-mail outbox")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        self.message = outbox.read_message(kwargs["name"]) if outbox_in_use() else None
        if self.message is None:
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        text, html = outbox.body_parts(self.message)
        context.update(
            headers=list(self.message.items()),
            text_body=text,
            html_body=links_open_in_new_tab(html) if html else html,
        )
        return context


_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


def links_open_in_new_tab(html: str) -> str:
    """The message's HTML with its links opening a new tab, as in a mail client. In the
    sandboxed preview frame a link would load its page inside the frame, and our pages
    refuse to be framed: the confirmation button of a `make run` signup showed an error."""
    base = '<base target="_blank">'
    head = _HEAD.search(html)
    if head is None:
        return base + html
    return html[: head.end()] + base + html[head.end() :]


def admin_language() -> str:
    """The staff member's admin language as one of the site's languages ("zh-hans"
    stays whole: cutting at the hyphen left a Chinese admin an English test)."""
    try:
        return translation.get_supported_language_variant(
            translation.get_language() or settings.LANGUAGE_CODE
        )
    except LookupError:
        return settings.LANGUAGE_CODE


@require_POST
def send_test_email(request):
    """Queue a test message to the signed-in user's own address."""
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied
    if not request.user.email:
        messages.error(request, _("Your account has no e-mail address to send to."))
    else:
        send_test_email_task.delay(request.user.pk, admin_language())
        messages.success(
            request,
            _("A test message is on its way to %(email)s.")
            % {"email": request.user.email},
        )
    target = request.POST.get("next", "")
    if target not in {reverse("cms_outbox:index"), reverse("wagtailadmin_home")}:
        target = reverse_lazy("wagtailadmin_home")
    return redirect(target)
