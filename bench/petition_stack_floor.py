"""The floor's sign view behind the project's own stack: how much of a signature's cost
is the site around the view rather than the view.

Served like the project (``gunicorn bench.petition_stack_floor``, project settings):
the petition's sign URL takes the project's WSGI application, its lean middleware chain
(cms/lean_posts.py) and the site's URLconf, but answers with the floor's sign view
(bench/floor_views.py) instead of the petition's. ``bench/bench_petition.py --floor``
prints it as ``FLOOR stack``: against the floor's ``sign`` it prices the stack, against
the petition it prices the petition's own view.
"""

from django.conf import settings
from django.urls import path

from bench.floor_views import sign
from cms.wsgi import application  # noqa: F401 (sets Django up, project settings)


def sign_floor(request, page_id: int):
    return sign(request)


def _urlpatterns() -> list:
    from cms.urls import urlpatterns as site

    # Ahead of the site's own sign URL, which is otherwise the same.
    return [path("petitions/<int:page_id>/sign/", sign_floor), *site]


urlpatterns = _urlpatterns()
# Read by Django's handlers on every request: the site's URLs, the floor's sign view.
settings.ROOT_URLCONF = __name__
