import os
import sys

from django.core.wsgi import get_wsgi_application

from cms.lean_posts import with_lean_posts

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

# A threaded worker's request waits on Redis and PostgreSQL a dozen times; each time
# its answer is back, the thread waits for the GIL, which another thread may keep for
# the whole switch interval (5 ms by default). py-spy showed RSVP threads spending
# most of their time in Redis and PostgreSQL calls while the GIL was free 70 % of the
# time; with 0.5 ms (and the lean chain) an RSVP burst ran ~10 % faster
# (bench/RESULTS.md).
sys.setswitchinterval(float(os.environ.get("WSGI_SWITCH_INTERVAL_MS", "0.5")) / 1000)

# The crowd's form POSTs skip the middleware they do not need (cms/lean_posts.py).
application = with_lean_posts(get_wsgi_application())

# Under production settings a misconfigured server stops here (cms/startup.py).
from cms.startup import enforce_startup_checks  # noqa: E402

enforce_startup_checks()
