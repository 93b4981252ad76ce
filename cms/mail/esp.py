"""What an e-mail provider's HTTP answer says about our account, shared by every send
path (mailings and alerts in campaigns.mailings.transport, guest messages in
events.guest_mail)."""

# The provider refuses our account, not the message (a wrong API key, sending domain
# or region): every message would get the same answer until someone puts it right, so
# the senders wait it out like an outage instead of failing the messages.
ACCOUNT_REFUSED_STATUS = frozenset({401, 403, 404})
