from django.dispatch import Signal

#: Sent when a signature starts to count (at signing, or when its signer verifies it),
#: inside or right after the statement that counted it. Arguments: campaign_id,
#: signature_id, page_id. Partner webhooks listen (cms.partners), after commit.
#: Sent for every signature, so its receivers are looked up once per sender and kept.
signature_counted = Signal(use_caching=True)

#: Sent once per milestone actually inserted. Arguments: milestone_id, campaign_id.
milestone_reached = Signal()
