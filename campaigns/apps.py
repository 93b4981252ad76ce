from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns and mailings")

    def ready(self):
        # Mailings are a sub-package: connect its receivers and admin hooks explicitly.
        from campaigns.mailings import receivers, wagtail_hooks  # noqa: F401
