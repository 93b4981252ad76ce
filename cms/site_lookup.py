"""The Wagtail Site for a host, remembered per process for a few seconds.

Wagtail looks the site up for every request it routes (``Site.find_for_request``: one
query with a CASE ranking and the root page joined). On this 2-core machine that query
costs ~5 ms of CPU, a seventh of an uncached render or an RSVP, for an answer that
changes when an administrator edits the sites. Here the answer is kept per (hostname,
port) for ``SITE_LOOKUP_SECONDS`` (0, the default: off; the test suite's servers run on
databases flushed under them, which no signal reports). A Site or Page saved or deleted in this
process forgets every answer at once; other processes see the change within those
seconds. Only the lookup is shared: each request gets its own copy of the Site, so no
request can change another's.
"""

import copy
import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from wagtail.models import sites as wagtail_sites

_original = wagtail_sites.get_site_for_hostname
# (hostname, port) -> (monotonic deadline, Site or None for "no site")
_answers: dict[tuple[str, int], tuple[float, object]] = {}
MAX_HOSTS = 256  # a flood of made-up Host headers must not grow it without end


def get_site_for_hostname(hostname, port):
    seconds = settings.SITE_LOOKUP_SECONDS
    if seconds <= 0:
        return _original(hostname, port)
    key = (hostname, port)
    now = time.monotonic()
    kept = _answers.get(key)
    if kept is None or kept[0] <= now:
        try:
            site = _original(hostname, port)
        except wagtail_sites.Site.DoesNotExist:
            site = None
        if len(_answers) >= MAX_HOSTS:
            _answers.clear()
        kept = _answers[key] = (now + seconds, site)
    if kept[1] is None:
        raise wagtail_sites.Site.DoesNotExist()
    # A copy each: Wagtail caches on the root page (its specific page...) per request.
    return copy.deepcopy(kept[1])


def forget(**kwargs) -> None:
    """Every remembered answer (a site or a page changed here; each test's start)."""
    _answers.clear()


def _forget_on_change(sender, instance, **kwargs) -> None:
    from wagtail.models import Page, Site

    if isinstance(instance, (Site, Page)):
        forget()


def connect() -> None:
    wagtail_sites.get_site_for_hostname = get_site_for_hostname
    post_save.connect(_forget_on_change, dispatch_uid="site-lookup-save")
    post_delete.connect(_forget_on_change, dispatch_uid="site-lookup-delete")
