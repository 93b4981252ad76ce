from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site and e-mail")

    def ready(self):
        from cms import (  # noqa: F401 - checks register themselves
            checks,
            frame_cache,
            logins,
            receivers,
            request_memo,
            site_lookup,
            staff_titles,
            webhooks,
            workflow_labels,
        )

        receivers.connect()
        logins.connect()
        frame_cache.connect()
        request_memo.connect()
        site_lookup.connect()
        staff_titles.install()
        workflow_labels.connect()
