"""The Celery app. Settings come from Django settings prefixed CELERY_."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

app = Celery("cms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Mailings live in a sub-package of campaigns, which autodiscovery does not visit.
app.autodiscover_tasks(["campaigns.mailings"])
