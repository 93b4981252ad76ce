"""The /api/v1/ endpoints. Views bind the public forms, check the same limits, call the
same services as the public pages, and answer; reads are counts unless exported."""

from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router

from campaigns.forms import PetitionForm
from campaigns.selectors import live_petition
from campaigns.services.petitions import record_signature
from cms import ratelimit
from cms.form_fields import LARGEST_UTC_OFFSET
from cms.partners import selectors, services
from cms.partners.idempotency import run_once
from cms.partners.models import Action
from cms.routing import public_pages
from events.forms import RsvpForm
from events.models import EventPage
from events.services import record_rsvp
from subscribers.forms import SignupForm
from subscribers.models import Subscription
from subscribers.services import request_signup

from . import schemas
from .common import (
    accepted,
    form_errors,
    in_scope,
    invalid,
    language_error,
    person_fields,
    require,
)

router = Router()
IDEMPOTENCY_KEY = Header(
    ...,
    alias="Idempotency-Key",
    description="Any unique string per logical request; a retry with the same key "
    "creates nothing new and gets the first answer.",
)
ERRORS = {
    400: schemas.Error,
    401: schemas.Error,
    403: schemas.Error,
    404: schemas.Error,
    429: schemas.Error,
}
WRITE_ERRORS = {**ERRORS, 422: schemas.Error}
# A partner's clock may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)
# No consent given before the platform existed is believable: a typo or a default.
EARLIEST_CONSENT = datetime(2000, 1, 1, tzinfo=UTC)


def consent_time_error(given_at: datetime) -> str | None:
    """Why a consent time is refused: a time without its offset is ambiguous (a
    kiosk's local time is not ours), and one in the future or before 2000 is wrong."""
    if given_at.tzinfo is None or given_at.utcoffset() is None:
        return _("Give the time with its UTC offset, e.g. 2024-05-08T18:30:00-05:00.")
    if abs(given_at.utcoffset()) > LARGEST_UTC_OFFSET:
        return _("No time zone has this UTC offset.")
    if given_at > timezone.now() + CLOCK_SKEW:
        return _("This time is in the future.")
    if given_at < EARLIEST_CONSENT:
        return _("This time is too long ago.")
    return None


# --- the key itself ----------------------------------------------------------------
@router.get("/key/", response={200: schemas.KeyOut, **ERRORS}, operation_id="getKey")
def get_key(request):
    """What this key may do, and on which lists, campaigns and events."""
    key = request.auth
    return {
        "name": key.name,
        "partner": key.partner,
        "actions": key.actions,
        "lists": sorted(key.list_ids),
        "export_lists": sorted(key.export_list_ids),
        "campaigns": sorted(key.campaign_ids),
        "events": sorted(key.event_ids),
        "rate_limit_per_minute": key.rate_limit,
    }


# --- lists and people ------------------------------------------------------------------
@router.get(
    "/lists/",
    response={200: list[schemas.ListOut], **ERRORS},
    operation_id="listLists",
    tags=["lists"],
)
def list_lists(request):
    """The key's lists with their confirmed counts, in all and per language."""
    require(request.auth, Action.READ_AGGREGATES)
    return selectors.list_summaries(
        selectors.scoped_lists(request.auth), key=request.auth
    )


@router.get(
    "/lists/{list_id}/",
    response={200: schemas.ListOut, **ERRORS},
    operation_id="getList",
    tags=["lists"],
)
def get_list(request, list_id: int):
    """One list's counts."""
    require(request.auth, Action.READ_AGGREGATES)
    in_scope(request.auth.list_ids, list_id)
    return selectors.list_summaries(
        selectors.scoped_lists(request.auth).filter(pk=list_id), key=request.auth
    )[0]


@router.get(
    "/lists/{list_id}/people/",
    response={200: schemas.PeoplePage, **ERRORS},
    operation_id="listPeople",
    tags=["lists"],
)
def list_people(request, list_id: int, page: int = Query(1, ge=1, le=1_000_000)):
    """Names and addresses of the people confirmed on an export list, 100 a page.

    Needs the export scope on this very list; every read is logged for staff."""
    require(request.auth, Action.EXPORT)
    in_scope(request.auth.export_list_ids, list_id)
    people, total = services.export_people(
        api_key=request.auth, list_id=list_id, page=page
    )
    per_page = selectors.PEOPLE_PER_PAGE
    return {
        "page": page,
        "per_page": per_page,
        "total_pages": (total + per_page - 1) // per_page,
        "total_records": total,
        "people": people,
    }


@router.post(
    "/people/",
    response={202: schemas.Accepted, **WRITE_ERRORS},
    operation_id="signupPerson",
    tags=["people"],
)
def signup_person(
    request, body: schemas.SignupIn, idempotency_key: str = IDEMPOTENCY_KEY
):
    """Add a person to lists: they get the double opt-in e-mail in their language, or,
    with ``consent`` and the signup_confirmed scope, are recorded as confirmed."""
    key = request.auth
    require(key, Action.SIGNUP_CONFIRMED if body.consent else Action.SIGNUP)

    def handle():
        fields = person_fields(body.person)
        language_given = bool(fields["language"])
        fields["language"] = fields["language"] or "en"
        form = SignupForm(
            {**fields, "lists": body.lists}, lists=selectors.scoped_lists(key)
        )
        if not form.is_valid():
            return invalid(form_errors(form))
        if body.consent:
            error = consent_time_error(body.consent.given_at)
            if error:
                return invalid({"consent.given_at": [error]})
        data = form.cleaned_data
        if not language_given:
            # Someone we know already gets our e-mails in the language they chose.
            data["language"] = selectors.stored_language(data["email"]) or "en"
        list_ids = [item.pk for item in data["lists"]]
        if not ratelimit.address_allowed(data["email"], "signup"):
            return accepted()
        if body.consent:
            services.record_partner_signup(
                api_key=key,
                email=data["email"],
                language=data["language"],
                list_ids=list_ids,
                statement=body.consent.statement,
                given_at=body.consent.given_at,
                name=data["name"],
                zip_code=data["zip_code"],
            )
        else:
            request_signup(
                email=data["email"],
                language=data["language"],
                list_ids=list_ids,
                source=Subscription.Source.PARTNER,
                name=data["name"],
                zip_code=data["zip_code"],
            )
        return accepted()

    return run_once(request, api_key=key, key=idempotency_key, handler=handle)


# --- campaigns and petitions ---------------------------------------------------------
@router.get(
    "/campaigns/",
    response={200: list[schemas.CampaignOut], **ERRORS},
    operation_id="listCampaigns",
    tags=["campaigns"],
)
def list_campaigns(request):
    """The key's campaigns: signature and signup counts, goal and milestones."""
    require(request.auth, Action.READ_AGGREGATES)
    return selectors.campaign_summaries(selectors.scoped_campaigns(request.auth))


@router.get(
    "/campaigns/{campaign_id}/",
    response={200: schemas.CampaignOut, **ERRORS},
    operation_id="getCampaign",
    tags=["campaigns"],
)
def get_campaign(request, campaign_id: int):
    """One campaign's counts and milestones."""
    require(request.auth, Action.READ_AGGREGATES)
    in_scope(request.auth.campaign_ids, campaign_id)
    campaign = selectors.scoped_campaigns(request.auth).get(pk=campaign_id)
    return selectors.campaign_summaries([campaign])[0]


def _petition(key, petition_id: int):
    page = live_petition(page_id=petition_id)
    # A key acts for nobody who passed a view restriction: a restricted page is missing.
    if page is None or page.memo_restrictions:
        raise Http404
    in_scope(key.campaign_ids, page.campaign_id)
    return page


@router.get(
    "/petitions/",
    response={200: list[schemas.PetitionOut], **ERRORS},
    operation_id="listPetitions",
    tags=["petitions"],
)
def list_petitions(request):
    """The live petitions (each translation) of the key's campaigns, with counts."""
    require(request.auth, Action.READ_AGGREGATES)
    return [
        selectors.petition_summary(page)
        for page in selectors.scoped_petitions(request.auth)
    ]


@router.get(
    "/petitions/{petition_id}/",
    response={200: schemas.PetitionOut, **ERRORS},
    operation_id="getPetition",
    tags=["petitions"],
)
def get_petition(request, petition_id: int):
    """One petition: its campaign's signature count, goal and milestones."""
    require(request.auth, Action.READ_AGGREGATES)
    return selectors.petition_summary(_petition(request.auth, petition_id))


@router.post(
    "/petitions/{petition_id}/signatures/",
    response={202: schemas.Accepted, **WRITE_ERRORS},
    operation_id="signPetition",
    tags=["petitions"],
)
def sign_petition(
    request,
    petition_id: int,
    body: schemas.SignatureIn,
    idempotency_key: str = IDEMPOTENCY_KEY,
):
    """Sign a petition for a person: counted exactly like the petition page's form
    (one signature per address per campaign; verification e-mail when the petition
    asks for it, in the person's language)."""
    key = request.auth
    require(key, Action.SIGN)
    page = _petition(key, petition_id)

    def handle():
        fields = person_fields(body.person)
        language = fields.pop("language") or page.locale.language_code
        error = language_error(language)
        if error:
            return invalid(error)
        if body.lists:
            require(key, Action.SIGNUP)
            if (
                not set(body.lists) <= key.list_ids
                or not page.campaign.offered_list_ids
            ):
                return invalid({"lists": [_("That list does not exist.")]})
        form = PetitionForm(
            {**fields, "lists": body.lists, "list_language": language},
            campaign=page.campaign,
            language=language,
        )
        if not form.is_valid():
            return invalid(form_errors(form))
        data = form.cleaned_data
        if ratelimit.address_allowed(data["email"], "petition"):
            record_signature(
                page=page,
                email=data["email"],
                name=data["name"],
                zip_code=data["zip_code"],
                language=language,
                list_ids=[item.pk for item in data.get("lists") or []],
                list_language=language,
            )
        return accepted()

    return run_once(request, api_key=key, key=idempotency_key, handler=handle)


# --- events and attendances ------------------------------------------------------------
def _event(key, event_id: int) -> EventPage:
    event = public_pages(EventPage.objects.live()).filter(pk=event_id).first()
    if event is None:
        raise Http404
    canonical = event.canonical()
    # RSVPs belong to the default-locale event: a restriction there refuses them too.
    if canonical.pk != event.pk and canonical.get_view_restrictions().exists():
        raise Http404
    in_scope(key.event_ids, canonical.pk)
    return event


@router.get(
    "/events/",
    response={200: list[schemas.EventOut], **ERRORS},
    operation_id="listEvents",
    tags=["events"],
)
def list_events(request):
    """The key's events (each translation) with attendance counts."""
    require(request.auth, Action.READ_AGGREGATES)
    return [
        selectors.event_summary(event)
        for event in selectors.scoped_events(request.auth)
    ]


@router.get(
    "/events/{event_id}/",
    response={200: schemas.EventOut, **ERRORS},
    operation_id="getEvent",
    tags=["events"],
)
def get_event(request, event_id: int):
    """One event's times, status and attendance counts."""
    require(request.auth, Action.READ_AGGREGATES)
    return selectors.event_summary(_event(request.auth, event_id))


@router.post(
    "/events/{event_id}/attendances/",
    response={202: schemas.Accepted, 409: schemas.Error, **WRITE_ERRORS},
    operation_id="rsvpEvent",
    tags=["events"],
)
def rsvp_event(
    request,
    event_id: int,
    body: schemas.AttendanceIn,
    idempotency_key: str = IDEMPOTENCY_KEY,
):
    """RSVP a person: capacity and waitlist apply as on the event page, and the
    confirmation e-mail goes out in the person's language. 409 when the event is
    full (without a waitlist), cancelled, past, or takes no RSVPs here, or when the
    person's mailbox has had all the e-mails about this event it may get today
    ("mail_limit": no place is given without its confirmation). For an event that
    holds places only once the guest confirms by e-mail, the person gets the link to
    confirm instead and holds no place until they open it, as on the event page."""
    key = request.auth
    require(key, Action.RSVP)
    event = _event(key, event_id)

    def handle():
        fields = person_fields(body.person)
        language = fields["language"] or event.locale.language_code
        error = language_error(language)
        if error:
            return invalid(error)
        canonical = event.canonical()
        list_name = canonical.rsvp_list.name if canonical.rsvp_list_id else ""
        if body.join_list and list_name:
            require(key, Action.SIGNUP)
            if canonical.rsvp_list_id not in key.list_ids:
                raise PermissionDenied(
                    _("This API key may not add people to that list.")
                )
        form = RsvpForm(
            {
                "name": fields["name"],
                "email": fields["email"],
                "join_list": body.join_list,
            },
            list_name=list_name,
        )
        if not form.is_valid():
            return invalid(form_errors(form))
        try:
            record_rsvp(
                event_id=event.pk,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                language=language,
                join_list=form.cleaned_data.get("join_list", False),
            )
        except ValidationError as error:
            return 409, {
                "detail": " ".join(error.messages),
                "code": error.code or "closed",
            }
        return accepted()

    return run_once(request, api_key=key, key=idempotency_key, handler=handle)
