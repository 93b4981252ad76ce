from django.dispatch import Signal

#: Sent when a guest holds a place: a new or returning RSVP confirmed at once, or a
#: waitlisted guest promoted. Arguments: rsvp_id, event_id (the default-locale event).
#: Sent inside the transaction that confirmed them; partner webhooks (cms.partners)
#: record theirs after commit. Rows are written with SQL and ``update()``, so no
#: post_save tells.
rsvp_confirmed = Signal()
