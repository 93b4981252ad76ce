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


def settle_readdressed_signatures(
    sender, *, old_hash: str, email: str, email_hash: str, **kwargs
) -> None:
    """A person moving to an address whose mailbox signed a petition they had signed
    as well keeps one signature there (one per mailbox): a counted one over one
    awaiting its link; of two counted, the earlier (when they first signed); of two
    waiting, the new address's, whose link is in the mailbox the person now reads.
    The other is deleted, and a counted one leaves the count as an erased signer's
    does (uncount_deleted_signature), so the counter stays equal to the signatures
    kept; milestones already reached stay. Sent inside the address change's
    transaction, before the old address's signatures are re-filed."""
    from campaigns.models import Signature
    from subscribers import crypto

    mailbox = crypto.mailbox_hash(email, email_hash=email_hash)
    mine = list(
        Signature.objects.filter(email_hash=old_hash).only(
            "pk", "campaign_id", "status", "created_at"
        )
    )
    if not mine:
        return
    theirs = {
        row.campaign_id: row
        for row in Signature.objects.filter(
            mailbox_hash=mailbox, campaign_id__in=[row.campaign_id for row in mine]
        )
        .exclude(email_hash=old_hash)
        .only("pk", "campaign_id", "status", "created_at")
    }
    dropped = []
    for row in mine:
        other = theirs.get(row.campaign_id)
        if other is None:
            continue
        pair = sorted(
            [other, row],  # on a tie between two waiting, the new address's first
            key=lambda item: (
                item.status != Signature.Status.VERIFIED,
                item.created_at.timestamp()
                if item.status == Signature.Status.VERIFIED
                else 0,
            ),
        )
        dropped.append(pair[1].pk)
    if dropped:
        # One by one through the ORM, so each counted one is uncounted (post_delete).
        Signature.objects.filter(pk__in=dropped).delete()


def keep_merged_counted_signups(
    sender, *, into_id: int, other_id: int, **kwargs
) -> None:
    """Two records of one person become one: the signups the campaigns counted for
    the record that goes stay counted for the one kept (a counted person is counted
    once, and erasure uncounts them); a campaign that had counted both counted one
    person twice, and takes one back. Milestones already reached stay."""
    from campaigns.models import CountedSignup, Counter
    from campaigns.services.counters import uncount

    kept = set(
        CountedSignup.objects.filter(subscriber_id=into_id).values_list(
            "campaign_id", flat=True
        )
    )
    twice = CountedSignup.objects.filter(subscriber_id=other_id, campaign_id__in=kept)
    for campaign_id in list(twice.values_list("campaign_id", flat=True)):
        uncount(campaign_id=campaign_id, kind=Counter.Kind.SIGNUPS)
    twice.delete()
    CountedSignup.objects.filter(subscriber_id=other_id).update(subscriber_id=into_id)


def forget_memoised_petitions(sender, **kwargs) -> None:
    """An edited, published, unpublished or restricted petition or campaign is seen
    at once, in every process that shares the cache."""
    from campaigns.selectors import forget_petitions

    forget_petitions()
