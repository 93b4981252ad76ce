import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

application = get_asgi_application()

# Under production settings a misconfigured server stops here (cms/startup.py).
from cms.startup import enforce_startup_checks  # noqa: E402

enforce_startup_checks()
