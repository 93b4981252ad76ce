"""Wagtail's redirects, looked up for a 404 only while the database answers.

The lookup runs on a 404 already made (a missing image or file, an unknown address
outside the page tree). With PostgreSQL down or restarting, or its table not migrated
yet, the lookup raised and turned each such 404 into a 500 with a traceback in the
log. A redirect that cannot be looked up is a redirect not found: the 404 stands,
with one log line.
"""

import logging

from django.db import DatabaseError
from wagtail.contrib.redirects.middleware import (
    RedirectMiddleware as WagtailRedirectMiddleware,
)

logger = logging.getLogger(__name__)


class RedirectMiddleware(WagtailRedirectMiddleware):
    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except DatabaseError as error:
            logger.warning(
                "No redirect looked up for a 404 (%s): %s",
                request.path,
                " ".join(str(error).split()),
            )
            return response
