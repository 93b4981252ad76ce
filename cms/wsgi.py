import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from cms.lean_posts import with_lean_posts
from cms.startup import enforce_startup_checks, refuse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

try:
    # The crowd's form POSTs skip the middleware they do not need (cms/lean_posts.py).
    application = with_lean_posts(get_wsgi_application())
    # Under production settings a misconfigured server stops here (cms/startup.py).
    enforce_startup_checks()
except ImproperlyConfigured as error:
    refuse(error)
