"""Campaign models, one module per concern so mailings can join without touching petitions."""

from .campaign import DEFAULT_THRESHOLDS, Campaign, default_thresholds
from .counters import Counter, Milestone
from .petitions import PetitionPage, Signature

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Campaign",
    "Counter",
    "Milestone",
    "PetitionPage",
    "Signature",
    "default_thresholds",
]
