from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns and mailings")

    def ready(self) -> None:
        from subscribers.signals import signup_confirmed

        from . import receivers

        signup_confirmed.connect(
            receivers.count_confirmed_signup,
            dispatch_uid="campaigns.count_confirmed_signup",
        )
