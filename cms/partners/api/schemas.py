"""Request and response bodies, with OSDI's names where they fit.

OSDI (the Open Supporter Data Interface, as Action Network speaks it) nests a person
in each signature, attendance and signup: ``given_name``, ``family_name``,
``email_addresses``, ``postal_addresses`` and ``languages_spoken``. We keep one name
per person, so the two name parts are joined on the way in and exports give ``name``.
"""

from datetime import datetime
from typing import Annotated

from django.conf import settings
from ninja import Field, Schema
from pydantic import StrictInt, StringConstraints

# What a partner sends: never a NUL, which PostgreSQL's text cannot hold (a 400 here,
# in the partner's language, where it would be a 500 at the insert).
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(pattern=NO_NUL)]
LANGUAGE_ENUM = [code for code, _name in settings.LANGUAGES]
LANGUAGE_LIST = ", ".join(LANGUAGE_ENUM)
# An id is a JSON integer: in pydantic's lax mode ``true`` was list 1 and "7" list 7.
Id = StrictInt


class EmailAddress(Schema):
    address: Text = Field(max_length=254, examples=["ana@example.org"])
    primary: bool = True


class PostalAddress(Schema):
    postal_code: Text = Field("", max_length=10, examples=["60608"])


class PersonIn(Schema):
    given_name: Text = Field("", max_length=100, examples=["Ana"])
    family_name: Text = Field("", max_length=100, examples=["García"])
    email_addresses: list[EmailAddress] = Field(min_length=1, max_length=1)
    postal_addresses: list[PostalAddress] = Field(default_factory=list, max_length=1)
    languages_spoken: list[Text] = Field(
        default_factory=list,
        max_length=1,
        description=(
            f"The language of our e-mails: one of {LANGUAGE_LIST} (the enum). Any "
            "case is accepted, and a regional tag means its language (es-MX is es; "
            "zh, zh-CN and zh-Hans are zh-hans); traditional Chinese is not offered."
        ),
        examples=[["es"]],
        json_schema_extra={
            "items": {"type": "string", "pattern": NO_NUL, "enum": LANGUAGE_ENUM}
        },
    )


class ConsentIn(Schema):
    statement: Text = Field(
        min_length=1,
        max_length=2000,
        description="The words the person agreed to, as the partner showed them.",
    )
    given_at: datetime = Field(
        description="When the person agreed: ISO 8601 with its UTC offset (a time "
        "without one is refused), not in the future, not before 2000.",
        examples=["2024-05-08T18:30:00-05:00"],
    )


class SignupIn(Schema):
    person: PersonIn
    lists: list[Id] = Field(min_length=1, max_length=50, description="List ids.")
    consent: ConsentIn | None = Field(
        None,
        description=(
            "Only with the signup_confirmed scope: the person is recorded as "
            "confirmed with this consent instead of being asked by e-mail."
        ),
    )


class SignatureIn(Schema):
    person: PersonIn
    lists: list[Id] = Field(
        default_factory=list,
        max_length=50,
        description="Optional opt-in to lists the campaign offers (double opt-in).",
    )


class AttendanceIn(Schema):
    person: PersonIn
    join_list: bool = Field(False, description="Also join the event's list, if any.")


class Accepted(Schema):
    status: str = Field(examples=["accepted"])
    detail: str


class Error(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]] | None = None


class Milestone(Schema):
    counter: str = Field(examples=["signatures"])
    threshold: int
    reached_at: datetime


SMALL_COUNT = (
    "null when below 5, and one more language is null when only one would be, so "
    "that no count names a person."
)


class ListOut(Schema):
    id: int
    name: str
    description: str
    total_confirmed: int | None = Field(
        description="People confirmed on the list, except those your organisation "
        "added as confirmed (signup_confirmed): a count your own POST changes would "
        "tell you whether the person was already on the list. " + SMALL_COUNT
    )
    confirmed_by_language: dict[str, int | None] = Field(
        description="The same people per language. " + SMALL_COUNT,
        examples=[{"es": 120, "en": 96, "ar": None, "pl": None}],
    )


class CampaignOut(Schema):
    id: int
    title: str = Field(
        description="The campaign's name in the language of `Accept-Language`: its "
        "petition's title where the petition is published in that language, else "
        "the name it was given.",
        examples=["No al odio en Chicago"],
    )
    goal: int
    total_signatures: int
    total_signups: int
    milestones: list[Milestone]


class Target(Schema):
    name: str


class PetitionOut(Schema):
    id: int
    title: str
    petition_text: str
    target: list[Target]
    language: str
    campaign: int
    total_signatures: int
    goal: int
    browser_url: str
    milestones: list[Milestone]


class EventOut(Schema):
    id: int
    title: str
    start_date: datetime
    end_date: datetime
    status: str = Field(examples=["confirmed", "cancelled"])
    capacity: int | None
    total_accepted: int
    total_waitlisted: int
    total_pending: int = Field(
        description="RSVPs waiting for the person to open the link e-mailed to them "
        "(events that hold a place only once the guest confirms by e-mail, "
        "confirm_by_email): they hold no place and are not in total_accepted or "
        "places_left; one becomes accepted (or waitlisted) when the link is opened, "
        "and is deleted unconfirmed after 48 hours or when the event starts."
    )
    confirm_by_email: bool = Field(
        description="The event holds a place only once the guest confirms by "
        "e-mail: an attendance you POST is counted in total_pending until then."
    )
    places_left: int | None
    rsvp_open: bool
    browser_url: str


class PersonOut(Schema):
    id: int
    name: str
    email_addresses: list[EmailAddress]
    postal_addresses: list[PostalAddress]
    languages_spoken: list[str]
    subscribed_at: datetime | None


class PeoplePage(Schema):
    page: int
    per_page: int
    total_pages: int
    total_records: int
    people: list[PersonOut]


class KeyOut(Schema):
    name: str
    partner: str
    actions: list[str]
    lists: list[int]
    export_lists: list[int]
    campaigns: list[int]
    events: list[int]
    rate_limit_per_minute: int
