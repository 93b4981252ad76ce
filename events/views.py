"""The public RSVP form of an event page (a sub-route: never in the page cache)."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.views.decorators.cache import never_cache

from cms import ratelimit
from events.forms import RsvpForm
from events.services import record_rsvp, rsvp_refusal


@never_cache
def rsvp_view(request, event):
    canonical = event.canonical()
    list_name = canonical.rsvp_list.name if canonical.rsvp_list_id else ""
    context = {"page": event, "event": event, "sent": request.GET.get("sent") == "1"}
    sent = redirect(event.url + "rsvp/?sent=1")
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
                        event_id=event.pk,
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
    return TemplateResponse(request, "events/rsvp.html", context)
