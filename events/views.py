"""The public RSVP form of an event page (a sub-route: never in the page cache)."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.views.decorators.cache import never_cache

from cms import ratelimit
from cms.languages import localized_url
from events.forms import RsvpForm
from events.services import record_rsvp, rsvp_refusal


@never_cache
def rsvp_view(request, event):
    canonical = event.canonical()
    list_name = canonical.rsvp_list.display_name if canonical.rsvp_list_id else ""
    context = {"page": event, "event": event, "sent": request.GET.get("sent") == "1"}
    sent = redirect(localized_url(event) + "rsvp/?sent=1")
    if request.method == "POST":
        form = RsvpForm(request.POST, list_name=list_name)
        if not ratelimit.client_allowed(request, "rsvp"):
            context.update(form=form, rate_limited=True)
            return TemplateResponse(request, "events/rsvp.html", context, status=429)
        if form.is_bot:
            return sent
        if form.is_valid():
            try:
                if ratelimit.address_allowed(form.cleaned_data["email"], "rsvp"):
                    record_rsvp(
                        event_id=canonical.pk,
                        event=canonical,
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        language=translation.get_language() or "en",
                        join_list=form.cleaned_data.get("join_list", False),
                    )
                else:
                    # Too many RSVPs for this address: nothing is written, and the
                    # answer is the one anybody would get now.
                    refusal = rsvp_refusal(event_id=event.pk)
                    if refusal is not None:
                        raise refusal
            except ValidationError as error:
                if error.code == "full":
                    context["full"] = True
                else:
                    form.add_error(None, error)
            else:
                # The same answer whether the address was new, known or waitlisted:
                # the e-mail tells the person, the page tells nobody else.
                return sent
    else:
        form = RsvpForm(list_name=list_name)
        refusal = rsvp_refusal(event_id=event.pk)
        context["full"] = refusal is not None and refusal.code == "full"
    context["form"] = form
    # Never cached: readers without JavaScript see the places left here.
    context["places_left"] = canonical.places_left()
    return TemplateResponse(request, "events/rsvp.html", context)


def _cancel_page(request, event, *, status=200, **context):
    response = TemplateResponse(
        request,
        "events/rsvp_cancel.html",
        {"page": event, "event": event, **context},
        status=status,
    )
    # The URL holds the guest's token: never hand it to another site. (Not
    # "no-referrer": browsers then post the form with "Origin: null", which CSRF refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def rsvp_cancel_view(request, event, token: str):
    """ "I can't come any more": GET asks (mail scanners fetch links), POST cancels."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from events.models import Rsvp
    from events.rsvps import cancel_rsvp
    from events.tokens import InvalidToken, read_cancel_token

    try:
        rsvp_id = read_cancel_token(token)
    except InvalidToken:
        rsvp_id = None
    canonical = event.canonical()
    rsvp = Rsvp.objects.filter(pk=rsvp_id, event=canonical).first()
    if rsvp is None:
        return _cancel_page(
            request, event, status=404, error=_("This link is not valid.")
        )
    if rsvp.status == Rsvp.Status.CANCELLED:
        return _cancel_page(request, event, done=True)
    if canonical.start <= timezone.now():
        return _cancel_page(
            request,
            event,
            status=410,
            error=_("This event has already started: the RSVP can no longer change."),
        )
    if request.method == "POST":
        if not ratelimit.client_allowed(request, "rsvp"):
            return _cancel_page(request, event, status=429, rate_limited=True)
        try:
            cancel_rsvp(rsvp_id=rsvp.pk)
        except ValidationError as error:
            return _cancel_page(request, event, status=410, error=error.messages[0])
        return redirect(request.path)
    return _cancel_page(
        request, event, waitlisted=rsvp.status == Rsvp.Status.WAITLISTED
    )
