import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

application = get_wsgi_application()

# Under production settings a misconfigured server stops here (cms/startup.py).
from cms.startup import enforce_startup_checks  # noqa: E402

enforce_startup_checks()
