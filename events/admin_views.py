"""Admin: the check-in list of an event (names only, never an e-mail address) and a
CSV of attendance counts. Allowed with the "Can use the check-in list of events"
permission, checked in every view, for the events whose RSVPs the user may see in the
RSVP admin (events.viewsets.scoped_events); any other event is "not found", as if it
did not exist."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.names import name_search_key
from events import rsvps, selectors
from events.models import EventPage, Rsvp
from events.viewsets import scoped_events
from subscribers.exports import EXCEL_BOM, neutralise

PERMISSION = "events.check_in_rsvp"


def check_permission(user) -> None:
    if not user.has_perm(PERMISSION):
        raise PermissionDenied


def may_check_in(user, event: EventPage) -> bool:
    """``event``: a default-locale page (RSVPs are kept on it)."""
    return (
        user.has_perm(PERMISSION) and scoped_events(user).filter(pk=event.pk).exists()
    )


def _event(user, page_id: int) -> EventPage:
    """The event (its default-locale page) if ``user`` may see its guests. Another
    list's event is a 404 like a missing one: a 403 would confirm that it exists."""
    event = get_object_or_404(EventPage, pk=page_id).canonical()
    if not scoped_events(user).filter(pk=event.pk).exists():
        raise Http404
    return event


def check_in_events(user):
    """The default-locale events with our own RSVP form that ``user`` may see."""
    from wagtail.models import Locale

    return scoped_events(user).filter(
        locale=Locale.get_default(), rsvp_mode=EventPage.RsvpMode.INTERNAL
    )


def guest_list(event: EventPage, query: str = "") -> list[dict]:
    """Confirmed guests by name (decrypted here, never stored in clear), no address;
    those whose name holds ``query``, case and accents folded (name_search_key)."""
    guests = [
        {"id": pk, "name": name, "checked_in_at": checked_in_at}
        for pk, name, checked_in_at in Rsvp.objects.filter(
            event=event, status=Rsvp.Status.CONFIRMED
        ).values_list("pk", "name", "checked_in_at")
    ]
    if query:
        needle = name_search_key(query)
        guests = [guest for guest in guests if needle in name_search_key(guest["name"])]
    return sorted(guests, key=lambda guest: (guest["name"].casefold(), guest["id"]))


class CheckInIndexView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Check-in lists")
    header_icon = "calendar-check"
    template_name = "events/admin/check_in_index.html"

    def dispatch(self, request, *args, **kwargs):
        check_permission(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = timezone.now() - timezone.timedelta(days=2)
        context["events"] = (
            check_in_events(self.request.user).filter(end__gte=since).order_by("start")
        )
        return context


class CheckInView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "calendar-check"
    template_name = "events/admin/check_in.html"

    def dispatch(self, request, *args, **kwargs):
        check_permission(request.user)
        self.event = _event(request.user, kwargs["page_id"])
        if request.GET.get("print") == "1":
            self.template_name = "events/admin/check_in_print.html"
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Check-in: %(title)s") % {"title": self.event.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("events_checkin:index"), "label": _("Check-in lists")},
            {"url": "", "label": self.event.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")[:100]
        context.update(
            event=self.event,
            guests=guest_list(self.event, query),
            query=query,
            counts=selectors.guest_counts(self.event),
        )
        return context


@require_POST
def check_in(request, page_id: int):
    """Mark one confirmed guest as arrived (present=1) or not (present=0)."""
    check_permission(request.user)
    event = _event(request.user, page_id)
    try:
        rsvp_id = int(request.POST.get("rsvp", ""))
    except ValueError:
        return HttpResponse(status=400)
    present = request.POST.get("present") == "1"
    if not rsvps.set_checked_in(event_id=event.pk, rsvp_id=rsvp_id, present=present):
        messages.warning(
            request, _("Nothing changed: the list was already up to date.")
        )
    url = reverse("events_checkin:event", args=[event.pk])
    query = request.POST.get("q", "")[:100]
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode({"q": query})
    return redirect(f"{url}#guest-{rsvp_id}")


def attendance_csv(request):
    """Counts per event (no names, no addresses): capacity, confirmed, checked in,
    waitlisted, cancelled and not yet confirmed by e-mail (pending: no place). ``?event=<id>`` for one event."""
    check_permission(request.user)
    events = check_in_events(request.user).order_by("-start")
    chosen = request.GET.get("event", "")
    if chosen:
        if not (chosen.isascii() and chosen.isdigit() and len(chosen) < 19):
            return HttpResponse(_("Unknown event."), status=400)
        events = events.filter(pk=int(chosen))
        # Another list's event answers as a missing one does (see _event).
        if not events.exists():
            return HttpResponse(_("Unknown event."), status=404)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="attendance.csv"'
    response.write(EXCEL_BOM)
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Event"),
            _("Starts"),
            _("Capacity"),
            _("Confirmed"),
            _("Checked in"),
            _("Waitlisted"),
            _("Cancelled"),
            _("Not confirmed by e-mail"),
        ]
    )
    for event in events:
        counts = selectors.guest_counts(event)
        writer.writerow(
            [
                neutralise(event.title),
                timezone.localtime(event.start).strftime("%Y-%m-%d %H:%M"),
                event.capacity if event.capacity is not None else "",
                counts["confirmed"],
                counts["checked_in"],
                counts["waitlisted"],
                counts["cancelled"],
                counts["pending"],
            ]
        )
    return response
