"""Kinds of event; kept apart from the models so shared blocks can name them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    RALLY = "rally", _("Rally")
    PRESS_CONFERENCE = "press_conference", _("Press conference")
    LOBBY_DAY = "lobby_day", _("Lobby day")
    LEADERSHIP_SUMMIT = "leadership_summit", _("Leadership summit")
    TRAINING = "training", _("Training")
    KNOW_YOUR_RIGHTS = "know_your_rights", _("Know Your Rights session")
    WEBINAR = "webinar", _("Webinar")
    OTHER = "other", _("Other")
