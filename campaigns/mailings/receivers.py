from anymail.signals import tracking
from django.dispatch import receiver

from campaigns.mailings.services.tracking import record_tracking_event


@receiver(tracking, dispatch_uid="campaigns.mailings.record_tracking_event")
def on_tracking_event(sender, event, esp_name, **kwargs):
    record_tracking_event(event)
