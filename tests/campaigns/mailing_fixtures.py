"""Builders for mailing tests: audiences, mailings with a rendered snapshot."""

from django.utils import timezone

from campaigns.mailings.models import Mailing, MailingRendition
from campaigns.mailings.services import sending
from campaigns.mailings.services.starting import materialise_deliveries
from subscribers.emails import send_confirmation_email
from subscribers.models import Subscription
from tests.factories import MailingListFactory, make_subscriber

HTML = (
    '<html lang="{lang}"><body><p>Hola %%NAME%%</p>'
    '<a href="%%UNSUBSCRIBE_URL%%">unsubscribe</a> <a href="%%PREFERENCES_URL%%">prefs</a>'
    "</body></html>"
)
TEXT = (
    "Hello %%NAME%%\nUnsubscribe: %%UNSUBSCRIBE_URL%%\nPreferences: %%PREFERENCES_URL%%"
)


def subscribe(
    email, lists, *, language="en", status=Subscription.Status.CONFIRMED, **fields
):
    subscriber = make_subscriber(email, language=language, **fields)
    for mailing_list in lists:
        Subscription.objects.create(
            subscriber=subscriber,
            mailing_list=mailing_list,
            status=status,
            source=Subscription.Source.STAFF,
            consented_at=timezone.now(),
        )
    return subscriber


def sending_mailing(
    page, lists, *, languages=("en",), lane="bulk", **fields
) -> Mailing:
    """A mailing in SENDING state with a rendition per language (as start_mailing leaves it)."""
    mailing = Mailing.objects.create(
        page=page, lane=lane, status=Mailing.Status.SENDING, **fields
    )
    mailing.lists.set(lists)
    for language in languages:
        MailingRendition.objects.create(
            mailing=mailing,
            language=language,
            subject=f"Bulletin ({language})",
            html=HTML.format(lang=language),
            text=TEXT,
        )
    return mailing


def lists(n=3):
    return [MailingListFactory() for _ in range(n)]


def send_a_bulletin_and_a_confirmation(home_page, language="en"):
    """One bulletin to a subscriber and one signup confirmation to a pending one, both
    in ``language``: a message of each encoder (the bulk path's once-encoded one,
    Django's own) for tests of every message's headers."""
    (legal,) = lists(1)
    subscribe("ana@example.org", [legal], language=language)
    mailing = sending_mailing(home_page, [legal], languages=(language,))
    materialise_deliveries(mailing, [language])
    sending.send_batch(mailing_id=mailing.pk)
    pending = subscribe("li@example.org", [legal], language=language, status="pending")
    send_confirmation_email(
        subscriber=pending, list_ids=[legal.pk], page_id=None, language=language
    )
    return legal
