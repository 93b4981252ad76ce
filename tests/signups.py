"""The worker's part of a public form's signup, for tests that post a form in-process.

The signup page, the embedded form and a petition's list opt-in keep each signup for
the worker (subscribers.services.submit_signup); a test without a worker runs it here,
as the worker would, before it looks at the rows and e-mails a signup makes."""

from subscribers.models import SignupRequest
from subscribers.tasks import process_signup_request_task


def run_signup_requests() -> int:
    """Run the task of every signup kept so far, oldest first; how many there were."""
    ids = list(SignupRequest.objects.order_by("pk").values_list("pk", flat=True))
    for request_id in ids:
        process_signup_request_task(request_id)
    return len(ids)
