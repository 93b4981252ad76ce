from django.dispatch import Signal

#: Sent inside the transaction that confirms a signup made on a SignupPage tied to a
#: campaign. Arguments: campaign_id, subscriber_id, page_id. campaigns counts these.
signup_confirmed = Signal()
