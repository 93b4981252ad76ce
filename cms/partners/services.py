"""Partner write use-cases that the public forms do not have: signups whose consent a
partner vouches for, and logged exports. Everything else the API does calls the same
services as the public forms (subscribers, campaigns, events)."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from subscribers.models import Subscription
from subscribers.services import record_consented_signup

from . import selectors
from .models import ApiKey, PartnerConsent, PersonalDataRead


@transaction.atomic
def record_partner_signup(
    *,
    api_key: ApiKey,
    email: str,
    language: str,
    list_ids: Iterable[int],
    statement: str,
    given_at: datetime,
    name: str = "",
    zip_code: str = "",
) -> list[int]:
    """Confirm a person on lists with the partner's consent statement and time stored
    beside each subscription; suppressed addresses are refused. Returns the lists
    confirmed now (callers answer the same whatever it is)."""
    subscriber, confirmed = record_consented_signup(
        email=email,
        language=language,
        list_ids=list_ids,
        consented_at=given_at,
        source=Subscription.Source.PARTNER,
        name=name,
        zip_code=zip_code,
    )
    PartnerConsent.objects.bulk_create(
        PartnerConsent(
            subscriber=subscriber,
            mailing_list_id=list_id,
            api_key=api_key,
            partner=api_key.partner,
            statement=statement,
            given_at=given_at,
        )
        for list_id in confirmed
    )
    return confirmed


def log_personal_data_read(
    *, api_key: ApiKey, list_id: int | None, channel: str, records: int
) -> PersonalDataRead:
    """Record that a partner received names and addresses (an export page or a
    webhook)."""
    return PersonalDataRead.objects.create(
        api_key=api_key,
        partner=api_key.partner,
        key_name=api_key.name,
        mailing_list_id=list_id,
        channel=channel,
        records=records,
        at=timezone.now(),
    )


@transaction.atomic
def export_people(
    *, api_key: ApiKey, list_id: int, page: int
) -> tuple[list[dict], int]:
    """One page of a list's confirmed people, for a key allowed to export that list;
    the read is logged in the same transaction."""
    people, total = selectors.people_on_list(list_id=list_id, page=page)
    log_personal_data_read(
        api_key=api_key,
        list_id=list_id,
        channel=PersonalDataRead.Channel.API,
        records=len(people),
    )
    return people, total
