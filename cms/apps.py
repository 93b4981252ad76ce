from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site and e-mail")

    def ready(self):
        from cms import checks, frame_cache, receivers, request_memo, webhooks  # noqa: F401 - checks register themselves

        receivers.connect()
        frame_cache.connect()
        request_memo.connect()
