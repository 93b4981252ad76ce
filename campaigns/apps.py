from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns and mailings")

    def ready(self):
        from campaigns.mailings import receivers  # noqa: F401 - connects the tracking receiver
