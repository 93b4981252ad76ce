"""The public RSVP form of an event page (a sub-route: never in the page cache)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.views.decorators.cache import never_cache

from cms.languages import localized_url
from events.forms import RsvpForm
from events.services import record_rsvp

RATE_LIMIT = 10  # RSVP posts per client per hour: plenty for a family, dull for a bot
RATE_WINDOW = 3600


def _rate_key(request) -> str:
    # A keyed hash of the client address lives only in the cache, never in a table.
    client = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client}".encode()).hexdigest()
    return f"rsvp-rate:{digest[:32]}"


def _over_limit(request) -> bool:
    key = _rate_key(request)
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        return False
    # None: the cache (Redis) is unreachable; fail open rather than refuse an RSVP.
    return count is not None and count > RATE_LIMIT


@never_cache
def rsvp_view(request, event):
    canonical = event.canonical()
    list_name = canonical.rsvp_list.display_name if canonical.rsvp_list_id else ""
    context = {"page": event, "event": event, "sent": request.GET.get("sent") == "1"}
    if request.method == "POST":
        form = RsvpForm(request.POST, list_name=list_name)
        if _over_limit(request):
            context.update(form=form, rate_limited=True)
            return TemplateResponse(request, "events/rsvp.html", context, status=429)
        if form.is_bot:
            return redirect(localized_url(event) + "rsvp/?sent=1")
        if form.is_valid():
            try:
                record_rsvp(
                    event_id=event.pk,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=translation.get_language() or "en",
                    join_list=form.cleaned_data.get("join_list", False),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                # The same answer whether the address was new, known or waitlisted:
                # the e-mail tells the person, the page tells nobody else.
                return redirect(localized_url(event) + "rsvp/?sent=1")
    else:
        form = RsvpForm(list_name=list_name)
    context["form"] = form
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
        if _over_limit(request):
            return _cancel_page(request, event, status=429, rate_limited=True)
        try:
            cancel_rsvp(rsvp_id=rsvp.pk)
        except ValidationError as error:
            return _cancel_page(request, event, status=410, error=error.messages[0])
        return redirect(request.path)
    return _cancel_page(
        request, event, waitlisted=rsvp.status == Rsvp.Status.WAITLISTED
    )
