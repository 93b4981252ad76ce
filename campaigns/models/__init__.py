"""Campaign models, one module per concern so mailings can join without touching petitions."""

from .campaign import DEFAULT_THRESHOLDS, Campaign, default_thresholds
from .counters import CountedSignup, Counter, Milestone
from .petitions import PetitionPage, Signature

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Campaign",
    "CountedSignup",
    "Counter",
    "Milestone",
    "PetitionPage",
    "Signature",
    "default_thresholds",
]

# Mailings live in their own sub-package; importing them here registers the models.
from campaigns.mailings.models import (
    Delivery,
    Mailing,
    MailingRendition,
    TrackingEvent,
)

__all__ += ["Delivery", "Mailing", "MailingRendition", "TrackingEvent"]
