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
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from wagtail.models import PageViewRestriction
        from wagtail.signals import page_published, page_unpublished

        from .models import Campaign, Signature

        post_delete.connect(
            receivers.uncount_deleted_signature,
            sender=Signature,
            dispatch_uid="campaigns.uncount_deleted_signature",
        )
        from subscribers.signals import (
            person_erasing,
            person_merging,
            person_readdressing,
        )

        person_erasing.connect(
            receivers.uncount_erased_signups,
            dispatch_uid="campaigns.uncount_erased_signups",
        )
        person_readdressing.connect(
            receivers.settle_readdressed_signatures,
            dispatch_uid="campaigns.settle_readdressed_signatures",
        )
        person_merging.connect(
            receivers.keep_merged_counted_signups,
            dispatch_uid="campaigns.keep_merged_counted_signups",
        )

        for signal, sender in (
            (page_published, None),
            (page_unpublished, None),
            (post_save, Campaign),
            (m2m_changed, Campaign.default_lists.through),
            # The memo keeps each petition's view restrictions (selectors.live_petition).
            (post_save, PageViewRestriction),
            (post_delete, PageViewRestriction),
        ):
            signal.connect(
                receivers.forget_memoised_petitions,
                sender=sender,
                dispatch_uid=f"campaigns.forget_petitions.{id(signal)}.{id(sender)}",
            )
        # Mailings are a sub-package: connect its receivers and admin hooks explicitly.
        from campaigns.mailings import receivers as mailing_receivers  # noqa: F401
        from campaigns.mailings import wagtail_hooks  # noqa: F401
