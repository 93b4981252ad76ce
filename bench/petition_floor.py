"""How far below the bare counter view a signature must fall, whatever the code does.

Three views served by gunicorn exactly like the project and the bare counter
(``gunicorn bench.petition_floor``), each adding to the one before only what any
signature handler must do:

- ``/bump/``: the bare counter view (what ``bench/bare_counter.py`` serves), but POSTed
  the petition benchmark's form body;
- ``/csrf/``: plus Django's CSRF check, the parsed form body and a redirect answer;
- ``/sign/``: plus the address normalised, its keyed hash, the address and name
  encrypted (AES-GCM) and the signature inserted once per address and counted in one
  prepared statement, like the project's fast path.

No form class, no language, no petition lookup, no security headers: the floor, not a
petition. The views live in bench/floor_views.py; ``bench/bench_petition.py --floor``
runs them in turn with wrk, then the sign view behind the project's own stack
(bench/petition_stack_floor.py).
"""

from django.urls import path

from bench._bare_django import configure

configure(__name__)

from bench.floor_views import bump, csrf, sign  # noqa: E402

urlpatterns = [path("bump/", bump), path("csrf/", csrf), path("sign/", sign)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
