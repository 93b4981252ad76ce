"""An OPTIONS request to a private page is refused as a GET would be.

Wagtail answers OPTIONS (a 200 with the Allow header) in a before_serve_page hook, which
runs before its check of the page's view restrictions: a page behind a password or a
sign-in answered OPTIONS as if it were public. Here, ahead of that hook, a reader who
has not passed the restrictions gets what a GET gets: the password form or the way to
sign in, never the page's own answer.
"""

from http import HTTPMethod

from django.http import HttpResponse
from wagtail.wagtail_hooks import check_view_restrictions


def refuse_options_as_a_get(page, request, args, kwargs):
    if request.method != HTTPMethod.OPTIONS:
        return None
    passed = HttpResponse()
    answer = check_view_restrictions(lambda *_: passed)(page, request, args, kwargs)
    # Every restriction passed (or none): Wagtail's hook answers with Allow.
    return None if answer is passed else answer
