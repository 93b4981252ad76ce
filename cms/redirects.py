"""The answer to a public form's successful POST: 303 See Other.

Post/Redirect/Get: the page after the form is fetched with GET whatever the browser
(RFC 9110 15.4.4), so back and reload show the result, not the form posted again (or
Chromium's ERR_CACHE_MISS). 302 leaves that to browsers' habits.
"""

from django.http import HttpResponseRedirect


def see_other(url: str) -> HttpResponseRedirect:
    """A 303 to ``url``."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response
