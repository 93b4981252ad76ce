from django.dispatch import Signal

#: Sent inside the transaction that confirms a signup made on a SignupPage tied to a
#: campaign. Arguments: campaign_id, subscriber_id, page_id. campaigns counts these.
signup_confirmed = Signal()

#: Sent inside the transaction that unsubscribes someone. Arguments: subscriber_id,
#: list_ids (None for everything) and mailing_id (the mailing whose link was used, or
#: None). Mailing reports can count these.
unsubscribed = Signal()

#: Sent inside the transaction that moves subscriptions to confirmed (a confirmation
#: link, or a partner's recorded consent). Arguments: subscriber_id, list_ids (the
#: lists confirmed just now). Partner webhooks listen (cms.partners).
subscriptions_confirmed = Signal()

#: Sent inside the transaction that erases a person, before their rows are deleted.
#: Argument: email_hash. Apps that hold rows by that hash act on what goes with them
#: (events gives a freed place to its waitlist after the commit).
person_erasing = Signal()

#: Sent inside the transaction that moves a person to a new address, before the rows
#: filed under the old address's keyed hash are re-filed under the new one (RSVPs,
#: signatures: services.change_email). Arguments: old_hash, email (the new address,
#: normalised), email_hash (its keyed hash). An app whose rows are unique per address
#: settles here the things both addresses hold a row for: one kept, the other deleted.
person_readdressing = Signal()

#: Sent inside the transaction that merges two records of one person (an address
#: change onto an address that already had one), before ``other_id``'s record is
#: deleted. Arguments: into_id, other_id. Apps that hold rows by subscriber move what
#: they must keep (campaigns: the signups it counted).
person_merging = Signal()
