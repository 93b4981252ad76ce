"""Pages reached by someone's own link (a token in the URL): never in a search engine.

A bulletin forwarded to a public list archive carries its preferences and unsubscribe
links; a crawler that follows them must not index a page showing an address and its
lists. The answers are already ``no-store``; this asks search engines not to keep them.
"""

from functools import wraps

NOINDEX = "noindex, nofollow"


def not_indexed(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = NOINDEX
        return response

    return wrapped
