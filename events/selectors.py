"""Read queries about event guests, shared by the alerts pipeline and the admin."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from .models import EventPage, GuestMessage, Rsvp


def told_by_guest_mail(*, alert_page_id: int, email_hash) -> QuerySet:
    """Guest messages about the same change as an "Update:"/"Cancelled:" alert, for
    one address hash (an OuterRef in an audience query): such a guest hears of the
    change once, from their own message with its calendar update."""
    return GuestMessage.objects.filter(
        notice__alert_page_id=alert_page_id, rsvp__email_hash=email_hash
    )


def without_told_guests(audience: QuerySet, *, alert_page_id: int) -> QuerySet:
    """An audience of subscribers minus the guests told of this alert's change."""
    told = told_by_guest_mail(
        alert_page_id=alert_page_id, email_hash=OuterRef("email_hash")
    )
    return audience.filter(~Exists(told))


def guest_counts(event: EventPage) -> dict[str, int]:
    """Confirmed, waitlisted, cancelled and checked-in guests of an event."""
    return Rsvp.objects.filter(event=event.canonical()).aggregate(
        confirmed=Count("pk", filter=Q(status=Rsvp.Status.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=Rsvp.Status.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=Rsvp.Status.CANCELLED)),
        checked_in=Count(
            "pk",
            filter=Q(status=Rsvp.Status.CONFIRMED, checked_in_at__isnull=False),
        ),
    )
