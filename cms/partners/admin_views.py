"""Staff actions that are not forms of a model: revoke a key, resend a delivery.
Both ask first (GET) and act on POST; permissions are checked here, not only hidden."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import keys
from .models import ApiKey, WebhookDelivery
from .webhooks import services as webhooks


def _confirm(request, *, title: str, question: str, button: str, cancel_url: str):
    return TemplateResponse(
        request,
        "partners/admin/confirm.html",
        {
            "title": title,
            "question": question,
            "button": button,
            "cancel_url": cancel_url,
        },
    )


@require_http_methods(["GET", "POST"])
def revoke_key(request, pk: int):
    if not request.user.has_perm("partners.change_apikey"):
        raise PermissionDenied
    key = get_object_or_404(ApiKey, pk=pk)
    if request.method == "POST":
        keys.revoke_api_key(user=request.user, key_id=key.pk)
        messages.success(request, _("Key “%(key)s” revoked.") % {"key": key})
        return redirect("partners_keys:index")
    return _confirm(
        request,
        title=_("Revoke API key"),
        question=_(
            "Revoke “%(key)s”? Requests with it are refused at once and its webhook "
            "endpoints stop receiving events. This cannot be undone."
        )
        % {"key": key},
        button=_("Yes, revoke it"),
        cancel_url="partners_keys:index",
    )


@require_http_methods(["GET", "POST"])
def resend_delivery(request, pk: int):
    if not request.user.has_perm("partners.change_webhookdelivery"):
        raise PermissionDenied
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    if request.method == "POST":
        if webhooks.resend_delivery(delivery_id=delivery.pk):
            messages.success(request, _("The delivery is queued again."))
        else:
            messages.warning(request, _("This delivery is still on its way."))
        return redirect("partners_deliveries:index")
    return _confirm(
        request,
        title=_("Resend webhook"),
        question=_("Send “%(event)s” to %(url)s again, with the same webhook-id?")
        % {"event": delivery.event_type, "url": delivery.endpoint.url},
        button=_("Resend"),
        cancel_url="partners_deliveries:index",
    )
