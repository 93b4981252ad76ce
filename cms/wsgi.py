import os

from django.core.wsgi import get_wsgi_application

from cms.lean_posts import with_lean_posts

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

# The crowd's form POSTs skip the middleware they do not need (cms/lean_posts.py).
application = with_lean_posts(get_wsgi_application())

# Under production settings a misconfigured server stops here (cms/startup.py).
from cms.startup import enforce_startup_checks  # noqa: E402

enforce_startup_checks()
