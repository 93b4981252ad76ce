"""Signal receivers, connected in CampaignsConfig.ready()."""

from campaigns.services.counters import record_signup


def count_confirmed_signup(
    sender, *, campaign_id: int, subscriber_id: int | None = None, **kwargs
) -> None:
    """A confirmed SignupPage signup moves its campaign's "signups" counter, once per
    person.

    The signal is sent inside the confirming transaction, so the count commits or rolls
    back with the confirmation itself.
    """
    if campaign_id:
        record_signup(campaign_id=campaign_id, subscriber_id=subscriber_id)


def uncount_deleted_signature(sender, *, instance, **kwargs) -> None:
    """A counted signature that is deleted (its signer erased their data) stops counting,
    in the deleting transaction, so the count stays equal to the signatures kept."""
    from campaigns.models import Counter, Signature
    from campaigns.services.counters import uncount

    if instance.status == Signature.Status.VERIFIED:
        uncount(campaign_id=instance.campaign_id, kind=Counter.Kind.SIGNATURES)


def uncount_erased_signups(sender, *, email_hash: str, **kwargs) -> None:
    """A person who erases their data leaves the signup counts they were in, in the
    erasing transaction, as an erased signer's signature leaves its petition's count.
    Nothing that would recognise them is kept, so if they sign up again they count
    again: once, as the one person they are. Milestones already reached stay.

    Only erasure: someone forgotten after leaving every list (retention) stays counted,
    as leaving never lowered the count."""
    from campaigns.models import CountedSignup, Counter
    from campaigns.services.counters import uncount

    counted = CountedSignup.objects.filter(
        subscriber__email_hash=email_hash
    ).values_list("campaign_id", flat=True)
    for campaign_id in list(counted):
        uncount(campaign_id=campaign_id, kind=Counter.Kind.SIGNUPS)


def forget_memoised_petitions(sender, **kwargs) -> None:
    """An edited, published, unpublished or restricted petition or campaign is seen
    at once, in every process that shares the cache."""
    from campaigns.selectors import forget_petitions

    forget_petitions()
