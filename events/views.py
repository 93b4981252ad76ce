"""The public RSVP form of an event and its places left (never in the page cache,
except the places fragment, which every RSVP purges).

Each is served twice: as a sub-route of the event page (``rsvp/``, ``places/``: the
URLs in e-mails and bookmarks) and at a plain URL with the event's id (events/urls.py),
which the page's form and script use so a crowd's requests skip the page tree.
"""

from functools import cache

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from cms import ratelimit
from cms.languages import localized_url, reader_language
from cms.page_cache import mark_cacheable
from cms.private_links import NOINDEX
from cms.redirects import see_other
from cms.routing import refuse_restricted
from events import selectors
from events.forms import RsvpForm, is_bot
from events.models import EventPage
from events.places import places_html
from events.services import record_rsvp, rsvp_refusal, waitlisting_now


@never_cache
def rsvp_view(request, event):
    """The ``rsvp/`` sub-route of an event page (routed by Wagtail, which checked its
    view restrictions: a reader who passed one has a session, and the page cache
    never answers nor stores for a session). Its ``?sent=1`` is the thank-you page
    every RSVP is sent to."""
    return _rsvp(
        request, event.canonical(), reader_page=lambda canonical: event, routed=True
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def rsvp_by_id(request, event_id: int):
    """The same form at ``/<lang>/_events/<id>/rsvp/``, where the page's form posts."""
    copy = None
    if request.method == "POST":
        # A crowd's RSVP takes the process's copy of a public event as it is and
        # checks its token in the round trip that counts its limits (_rsvp). A
        # missing or restricted copy is looked up as every other request does.
        copy = selectors.unchecked_public_event(event_id=event_id)
    if copy is not None:
        copy_token, canonical = copy
        restricted = False
    else:
        copy_token = None
        canonical, restricted = _public_event(request, event_id)
    return _rsvp(
        request,
        canonical,
        reader_page=lambda canonical: canonical.localized,
        public_event=None if restricted else canonical,
        copy_token=copy_token,
    )


@require_safe
def places_by_id(request, event_id: int):
    """The RSVP state with the places left, for the cached event page's script
    (cms/static/js/places.js). Cached apart, and purged by every RSVP."""
    canonical, restricted = _public_event(request, event_id)
    if not restricted:
        mark_cacheable(request)
    # The fragment shows only facts the translations share with the default-locale
    # event (their sync keeps them equal), so no query for the reader's translation.
    return places_fragment(request, canonical, canonical)


def places_fragment(request, page: EventPage, canonical: EventPage):
    return HttpResponse(places_html(page, canonical, canonical.places_left()))


def _public_event(request, event_id: int) -> tuple[EventPage, bool]:
    """The live default-locale event with this id, if this reader may see it; 404 for
    anything else (a draft, a translation's id, a private event). Returns the event
    (the process's copy, shared by its threads: read only) and whether it has view
    restrictions."""
    event, restrictions = selectors.memoised_public_event(event_id=event_id)
    if event is None:
        raise Http404
    refuse_restricted(request, restrictions)
    return event, bool(restrictions)


# The thank-you page's ?sent= values: every RSVP, and an RSVP made while the event
# was putting new guests on its waitlist.
SENT, SENT_WAITLIST = "1", "waitlist"


def thanks_url(canonical: EventPage, *, waitlisting: bool = False) -> str:
    """Where an RSVP is sent: ``rsvp/?sent=1`` under the event's own page in the
    reader's language (its translation, else the event under the reader's prefix),
    a URL the guest can read, keep and share; ``?sent=waitlist`` when the event was
    putting new guests on its waitlist (a fact of the event, never of the address).
    Worked out once per language for the process's copy of the event (``canonical``
    is that copy for a crowd's RSVPs, renewed on every change and every few
    seconds), so an RSVP adds no query."""
    language = reader_language()
    known = canonical.__dict__.setdefault("_thanks_paths", {})
    path = known.get(language)
    if path is None:
        path = known[language] = localized_url(canonical, language)
    return f"{path}rsvp/?sent={SENT_WAITLIST if waitlisting else SENT}"


def _rsvp(
    request,
    canonical: EventPage,
    *,
    reader_page,
    public_event=None,
    copy_token=None,
    routed=False,
):
    """Show the form (GET) or record an RSVP (POST). ``reader_page(canonical)`` is the
    event in the reader's language, wanted only for a page shown, not to record an
    RSVP. ``public_event``: the process's copy of the event, when it has no view
    restrictions (events.rsvps.refill_places). ``copy_token``: the memo token of that
    copy when it was taken without reading the token: the token is read with the
    limits, and when it changed the event is looked up again (or 404)."""
    list_name = canonical.rsvp_list.display_name if canonical.rsvp_list_id else ""

    def sent(waitlisting=None):
        if waitlisting is None:
            # No claim was made (an address past its limits): the event's state now,
            # what a claim would have answered anybody.
            waitlisting = waitlisting_now(event_id=canonical.pk)
        return see_other(thanks_url(canonical, waitlisting=waitlisting))

    full = refused_for_good = False
    # Why the event takes no RSVPs at all (cancelled, closed...): said instead of the
    # form, on the GET as after a refused POST.
    closed = None
    if request.method == "POST":
        bot = is_bot(request.POST)
        # A crowd's valid RSVPs are cleaned without building the form; it is built
        # where it is shown (an error, the limit, the event full).
        cleaned = None
        if not bot:
            cleaned = RsvpForm.clean_without_form(
                request.POST, offers_list=bool(list_name)
            )
        form = None
        if cleaned is None:
            form = RsvpForm(request.POST, list_name=list_name)
            if not bot and form.is_valid():
                cleaned = form.cleaned_data

        def shown_form():
            return form or RsvpForm(request.POST, list_name=list_name)

        if cleaned is None:
            if copy_token is not None and not selectors.public_event_is_current(
                copy_token
            ):
                canonical, _restricted = _public_event(request, canonical.pk)  # or 404
            if not ratelimit.client_allowed(request, "rsvp"):
                return _rate_limited(request, canonical, reader_page(canonical), form)
            if bot:
                # What a person would be answered now: a bot must not tell its
                # honeypot from the redirect.
                return sent()
        else:
            email = cleaned["email"]
            address = cache(lambda: ratelimit.address_id(email))
            # The client's, the address's, the address's confirmation e-mail
            # allowance for this event and for all events, in that order and one Redis
            # round trip: a crowd's every RSVP takes all four.
            mail_key = cache(lambda: ratelimit.rsvp_mail_key(address(), canonical.pk))
            refused, token = ratelimit.first_refused_and_read(
                selectors.PUBLIC_EVENTS_TOKEN if copy_token is not None else None,
                ("rsvp.client", lambda: ratelimit.client_id(request)),
                ("rsvp.address", address),
                (ratelimit.RSVP_MAIL, mail_key),
                (ratelimit.RSVP_MAILS, address),
            )
            if copy_token is not None and token != copy_token:
                # The event changed since this process's copy (a publish, a new
                # restriction): as it is now, or 404. The limits counted already.
                canonical, restricted = _public_event(request, canonical.pk)
                public_event = None if restricted else canonical
            if refused == "rsvp.client":
                return _rate_limited(
                    request, canonical, reader_page(canonical), shown_form()
                )
            try:
                waitlisting = None
                if refused != "rsvp.address":
                    waitlisting = record_rsvp(
                        event_id=canonical.pk,
                        event=canonical,
                        name=cleaned["name"],
                        email=email,
                        language=translation.get_language() or "en",
                        join_list=cleaned.get("join_list", False),
                        host=request.get_host(),
                        public_event=public_event,
                        mail_allowed=refused is None,
                    ).event_waitlisting
                else:
                    # Too many RSVPs for this address: nothing is written, and the
                    # answer is the one anybody would get now.
                    refusal = rsvp_refusal(event_id=canonical.pk)
                    if refusal is not None:
                        raise refusal
            except ValidationError as error:
                if refused is None:
                    # Nothing written, no e-mail: the allowances are not used up.
                    ratelimit.give_back(ratelimit.RSVP_MAIL, mail_key())
                    ratelimit.give_back(ratelimit.RSVP_MAILS, address())
                if error.code == "mail_limit":
                    # The mailbox has had its e-mails about this event today: nothing
                    # stored, nothing sent, and the answer anybody gets. A 429 here came
                    # one probe sooner for an address that had RSVPed (its e-mail used
                    # part of the allowance): it told a stranger who attends.
                    return sent()
                form = shown_form()
                if error.code == "full":
                    full = True
                else:
                    # Cancelled, over, or no RSVPs taken: the event says no for good.
                    closed = error.code
                    refused_for_good = True
            else:
                # The same answer whether the address was new, known or waitlisted
                # (only whether the event was waitlisting new guests): the e-mail
                # tells the person, the page tells nobody else.
                return sent(waitlisting)
    elif (sent_as := request.GET.get("sent")) in (SENT, SENT_WAITLIST):
        # The thank-you page every RSVP is redirected to (thanks_url): the same for
        # everyone, so nothing is looked up or counted, and cached under the event's
        # page (EventPage.get_cached_paths) and at the plain URL of an event without
        # view restrictions, where it was before (a publish of the event purges both).
        if public_event is not None or routed:
            mark_cacheable(request, query={"sent": sent_as})
        return _rsvp_page(
            request,
            canonical,
            reader_page(canonical),
            form=None,
            sent=True,
            waitlisting=sent_as == SENT_WAITLIST,
        )
    else:
        form = RsvpForm(list_name=list_name)
        refusal = rsvp_refusal(event_id=canonical.pk)
        if refusal is not None:
            # The alert e-mail's "I'm coming" leads here, also after the event was
            # called off: say so before anyone fills the form in.
            full = refusal.code == "full"
            closed = None if full else refusal.code
    # A submission with errors is bad input (400), as at the signup and petition forms;
    # an event that takes no more RSVPs is gone for them (410).
    status = 200
    if refused_for_good:
        status = 410
    elif form.is_bound and form.errors:
        status = 400
    return _rsvp_page(
        request,
        canonical,
        reader_page(canonical),
        form=form,
        full=full,
        closed=closed,
        status=status,
    )


def _rate_limited(request, canonical, event, form):
    return ratelimit.retry_after(
        _rsvp_page(request, canonical, event, form=form, status=429, rate_limited=True),
        "rsvp.client",
    )


def _rsvp_page(request, canonical, event, *, form, status=200, **context):
    context.update(page=event, event=event, canonical=canonical, form=form)
    if context.get("sent"):
        # The start of the <title>: what a screen reader says first (base.html).
        context["title_status"] = (
            translation.gettext("Waitlist")
            if context.get("waitlisting")
            else translation.gettext("Check your e-mail")
        )
    else:
        # Never cached: readers without JavaScript see the places left here.
        context["places_left"] = canonical.places_left()
        context["switcher_sub_route"] = "rsvp/"
    return TemplateResponse(request, "events/rsvp.html", context, status=status)


def _cancel_page(request, event, *, status=200, **context):
    # The guest's link (rsvp/cancel/<token>/, rsvp/confirm/<token>/) under every
    # language's prefix: the switcher's plain event page lost the token, which only
    # the e-mail holds.
    match = getattr(request, "routable_resolver_match", None)
    if match is not None:
        context["switcher_sub_route"] = event.reverse_subpage(
            match.url_name, args=match.args, kwargs=match.kwargs
        ).lstrip("/")
    response = TemplateResponse(
        request,
        "events/rsvp_cancel.html",
        {"page": event, "event": event, **context},
        status=status,
    )
    # The URL holds the guest's token: never hand it to another site. (Not
    # "no-referrer": browsers then post the form with "Origin: null", which CSRF refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = NOINDEX
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
    rsvp = Rsvp.objects.filter(pk=rsvp_id).first()
    if rsvp is None and rsvp_id is not None:
        # A genuine link whose RSVP is gone (the guest erased their data, staff
        # deleted it): answered as a cancelled one. "Not valid" told whoever holds a
        # forwarded confirmation that its guest asked to be forgotten.
        return _cancel_page(request, event, done=True)
    if rsvp is None or rsvp.event_id != canonical.pk:
        return _cancel_page(
            request, event, status=404, error=_("This link is not valid.")
        )
    if rsvp.status == Rsvp.Status.CANCELLED:
        from events.selectors import place_went_to_waitlist

        # Reached only through the guest's own signed link: saying their place went
        # to a waiting guest tells nothing about any other address.
        return _cancel_page(
            request,
            event,
            done=True,
            left_waitlist=rsvp.left_waitlist,
            place_given=place_went_to_waitlist(rsvp),
        )
    # A waitlisted guest's page is headed "Leave the waitlist", whatever it answers.
    waitlisted = rsvp.status == Rsvp.Status.WAITLISTED
    if canonical.start <= timezone.now():
        return _cancel_page(
            request,
            event,
            status=410,
            waitlisted=waitlisted,
            error=_("This event has already started: the RSVP can no longer change."),
        )
    if canonical.cancelled:
        # A guest who missed the cancellation e-mail and opens their confirmation's
        # link must learn it here, not be asked to give their place to the waitlist.
        # (If staff put the event back on, guests are told and the link works again.)
        return _cancel_page(
            request,
            event,
            status=410,
            waitlisted=waitlisted,
            error=_("This event has been cancelled."),
        )
    if request.method == "POST":
        if not ratelimit.client_allowed(request, "rsvp"):
            return ratelimit.retry_after(
                _cancel_page(
                    request,
                    event,
                    status=429,
                    waitlisted=waitlisted,
                    rate_limited=True,
                ),
                "rsvp.client",
            )
        try:
            cancel_rsvp(rsvp_id=rsvp.pk)
        except ValidationError as error:
            return _cancel_page(
                request,
                event,
                status=410,
                waitlisted=waitlisted,
                error=error.messages[0],
            )
        return see_other(request.path)
    # "Your place goes to the next person on the waitlist" only when someone waits.
    someone_waiting = Rsvp.objects.filter(
        event=canonical, status=Rsvp.Status.WAITLISTED
    ).exists()
    return _cancel_page(
        request,
        event,
        waitlisted=waitlisted,
        someone_waiting=someone_waiting,
    )


def _confirm_page(request, event, *, status=200, **context):
    response = _cancel_page(request, event, status=status, **context)
    response.template_name = "events/rsvp_confirm.html"
    return response


@never_cache
def rsvp_confirm_view(request, event, token: str):
    """ "Confirm my place" (EventPage.confirm_by_email): GET asks (mail scanners
    fetch links), POST takes the place or the waitlist, once however often it is
    sent. A bad link is a 404, an expired one a 410, in the reader's language."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from events.models import Rsvp
    from events.services import EXPIRED, confirm_rsvp
    from events.tokens import InvalidToken, read_confirm_token

    try:
        rsvp_id = read_confirm_token(token)
    except InvalidToken:
        return _confirm_page(
            request, event, status=404, error=_("This link is not valid.")
        )
    canonical = event.canonical()
    rsvp = Rsvp.objects.filter(pk=rsvp_id).first()
    if rsvp is not None and rsvp.event_id != canonical.pk:
        return _confirm_page(
            request, event, status=404, error=_("This link is not valid.")
        )
    if rsvp is None or rsvp.status == Rsvp.Status.CANCELLED:
        # A link we signed whose RSVP is gone: purged once expired (or erased).
        return _confirm_page(request, event, status=410, error=EXPIRED)
    if rsvp.status != Rsvp.Status.PENDING:
        # Confirmed already (a second tap, another tab): say how it stands.
        return _confirm_page(
            request, event, done=True, waitlisted=rsvp.status == Rsvp.Status.WAITLISTED
        )
    if request.method == "POST":
        if not ratelimit.client_allowed(request, "rsvp"):
            return ratelimit.retry_after(
                _confirm_page(request, event, status=429, rate_limited=True),
                "rsvp.client",
            )
        try:
            confirm_rsvp(rsvp_id=rsvp.pk)
        except ValidationError as error:
            return _confirm_page(request, event, status=410, error=error.messages[0])
        return see_other(request.path)
    # Said before the button, as the POST would say it.
    if timezone.now() >= rsvp.confirm_by(canonical):
        return _confirm_page(request, event, status=410, error=EXPIRED)
    refusal = rsvp_refusal(event_id=canonical.pk)
    if refusal is not None:
        return _confirm_page(request, event, status=410, error=refusal.messages[0])
    return _confirm_page(request, event)
