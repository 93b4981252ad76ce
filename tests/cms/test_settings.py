"""Settings come from the environment with defaults that run on a bare machine."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'db': settings.DATABASES['default']['ENGINE'], "
    "'db_name': str(settings.DATABASES['default']['NAME']), "
    "'broker': settings.CELERY_BROKER_URL, "
    "'transport': getattr(settings, 'CELERY_BROKER_TRANSPORT', None), "
    "'email': settings.EMAIL_BACKEND, "
    "'debug': settings.DEBUG, 'anymail': settings.ANYMAIL}))"
)


def bare_env(**extra) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG", "PYTHONPATH"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update(extra)
    return env


def probe(settings_module: str, **env) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        cwd=ROOT,
        env=bare_env(DJANGO_SETTINGS_MODULE=settings_module, **env),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_bare_machine_defaults_are_embedded(tmp_path):
    found = probe("cms.settings.dev", VAR_DIR=str(tmp_path))
    assert found["db"] == "django.db.backends.sqlite3"
    assert found["db_name"] == str(tmp_path / "db.sqlite3")
    assert found["broker"] == "filesystem://"
    # Messages written whole before a worker can take one (tests/cms/test_file_broker.py).
    assert found["transport"] == "cms.file_broker:Transport"
    assert found["email"] == "cms.mail.outbox.OutboxBackend"
    assert found["debug"] is True


def test_services_and_esp_come_from_the_environment(tmp_path):
    found = probe(
        "cms.settings.dev",
        VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://ona@db.internal:5432/ona",
        REDIS_URL="redis://cache.internal:6379/0",
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY="key-from-env",
        DEBUG="false",
    )
    assert found["db"] == "django.db.backends.postgresql"
    assert found["broker"] == "redis://cache.internal:6379/0"
    assert found["email"] == "anymail.backends.mailgun.EmailBackend"
    assert found["anymail"] == {"MAILGUN_API_KEY": "key-from-env"}
    assert found["debug"] is False


def test_tests_never_share_a_servers_cache_keys(tmp_path):
    """A test run without xdist on the Redis of a dev server used its cache keys
    ("ona"): the tests' sites poisoned the server's Wagtail caches."""
    probe_prefixes = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({a: c.get('KEY_PREFIX') for a, c in settings.CACHES.items()}))"
    )

    def prefixes(settings_module: str, **env) -> dict:
        output = subprocess.run(
            [sys.executable, "-c", probe_prefixes],
            cwd=ROOT,
            env=bare_env(
                DJANGO_SETTINGS_MODULE=settings_module,
                VAR_DIR=str(tmp_path),
                REDIS_URL="redis://127.0.0.1:6379/0",
                **env,
            ),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return json.loads(output.strip().splitlines()[-1])

    server = prefixes("cms.settings.dev")
    alone = prefixes("cms.settings.test")
    worker = prefixes("cms.settings.test", PYTEST_XDIST_WORKER="gw1")
    keyed = [alias for alias, prefix in server.items() if prefix is not None]
    assert "default" in keyed
    for alias in keyed:
        assert len({server[alias], alone[alias], worker[alias]}) == 3, alias


def production_env(tmp_path, **extra) -> dict[str, str]:
    return bare_env(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        VAR_DIR=str(tmp_path),
        SECRET_KEY="p" * 20 + "-Zx8#kq!v3%mW7&rT2^yL9@nB4*cF6(hJ1)dG5-sA0",
        FIELD_ENCRYPTION_KEYS="m0pF1WXh3g8kq0yq8QHc0kC8e7q2d1Vx6Kz3QbqZb4E",
        LOOKUP_HASH_KEY="2mBq7Yv9pL1sX4cN8rT0wZ6uH3jK5fD2",
        ALLOWED_HOSTS="ona.example.org",
        # Production names its database; a SQLite file here, on purpose.
        **{"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **extra},
    )


def test_production_refuses_to_start_without_secrets(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment." in result.stderr

    env = production_env(tmp_path)
    del env["FIELD_ENCRYPTION_KEYS"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_missing_secret_stops_every_process_with_its_message_not_a_traceback(
    tmp_path,
):
    """An operator who forgot SECRET_KEY (or wrote a malformed rate) got a 40-line
    traceback from manage.py, Celery and gunicorn, the message on its last line. Each
    now prints one "Refusing to start" line and exits; gunicorn's master stops instead
    of booting workers again and again."""
    bin_dir = Path(sys.executable).parent
    commands = {
        "manage.py": [sys.executable, "manage.py", "check"],
        "celery worker": [
            str(bin_dir / "celery"),
            "-A",
            "cms",
            "worker",
            "--queues",
            "default",
            "--hostname",
            "refused@%h",
        ],
        "celery beat": [str(bin_dir / "celery"), "-A", "cms", "beat"],
        "gunicorn": [
            str(bin_dir / "gunicorn"),
            "-c",
            "python:cms.gunicorn_conf",
            "cms.wsgi",
            "--bind",
            f"127.0.0.1:{_free_port()}",
            "--workers",
            "1",
        ],
    }
    without_secret = production_env(tmp_path, BASE_URL="https://ona.example.org")
    del without_secret["SECRET_KEY"]
    bad_rate = production_env(
        tmp_path,
        BASE_URL="https://ona.example.org",
        RATE_LIMIT_SIGNUP_PER_CLIENT="300 per 10 minutes",
    )
    # A process whose environment forgot DATABASE_URL ran on a SQLite file of its own.
    without_database = production_env(tmp_path, BASE_URL="https://ona.example.org")
    del without_database["DATABASE_URL"]
    cases = [
        (without_secret, "Set SECRET_KEY in the environment."),
        (without_database, "Set DATABASE_URL in the environment"),
        (bad_rate, "RATE_LIMIT_SIGNUP_PER_CLIENT: '300 per 10 minutes' is not a rate"),
    ]
    for env, message in cases:
        for name, command in commands.items():
            result = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
            )
            assert result.returncode != 0, name
            assert message in result.stderr, (name, result.stderr[-2000:])
            assert "Refusing to start" in result.stderr, (name, result.stderr[-2000:])
            assert "Traceback" not in result.stderr, (name, result.stderr[-2000:])


def test_a_rotated_secret_key_still_verifies_the_links_it_signed(tmp_path):
    """SECRET_KEY_FALLBACKS comes from the environment (the README's rotation): an
    unsubscribe link signed under the old key still opens once a new one signs."""
    probe_link = (
        "import sys, django; django.setup(); from subscribers import tokens\n"
        "if len(sys.argv) == 1:\n    print(tokens.make_unsubscribe_token(7))\n"
        "else:\n    print(tokens.read_unsubscribe_token(sys.argv[1]).subscriber_id)"
    )

    def run(*args, **env):
        return subprocess.run(
            [sys.executable, "-c", probe_link, *args],
            cwd=ROOT,
            env={**production_env(tmp_path), **env},
            capture_output=True,
            text=True,
        )

    old_key = "o" * 20 + "-old-key-Zx8#kq!v3%mW7&rT2^yL9@nB4"
    token = run(SECRET_KEY=old_key).stdout.strip()
    assert run(token).returncode != 0, "the new key alone does not open it"
    rotated = run(token, SECRET_KEY_FALLBACKS=old_key)
    assert rotated.stdout.strip() == "7", rotated.stderr


RESTART_PROBE = """
import json, sys
import psycopg
from wsgiref.util import setup_testing_defaults

from cms.wsgi import application  # what gunicorn serves
from django.db import connection


def get(path):
    environ = {"PATH_INFO": path, "HTTP_HOST": "localhost"}
    setup_testing_defaults(environ)
    status = []
    response = application(environ, lambda line, headers: status.append(line))
    b"".join(response)
    response.close()  # the server's end of the request: request_finished
    return int(status[0].split()[0])


before = get("/no-such-page/")  # opens the connection the process keeps
pid = connection.connection.info.backend_pid
# What a PostgreSQL restart does to every kept connection: the server ends it.
with psycopg.connect(sys.argv[1], autocommit=True) as admin:
    admin.execute("SELECT pg_terminate_backend(%s)", [pid])
after = [get("/no-such-page/") for _ in range(2)]
print(json.dumps({"before": before, "after": after}))
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_kept_connections_survive_a_database_restart(tmp_path):
    """The operator's restart of PostgreSQL with DATABASE_CONN_MAX_AGE=60 (as the
    README advises): each gunicorn worker answered its next request 500, on the kept
    connection the server had closed ("Internal Server Error: /search/" twice, one per
    worker). A kept connection is now checked before a request reuses it."""
    from tests.workers import current_database_url

    url = current_database_url()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            RESTART_PROBE,
            url.replace("postgres://", "postgresql://"),
        ],
        cwd=ROOT,
        env=bare_env(
            DJANGO_SETTINGS_MODULE="cms.settings.test",
            DATABASE_URL=url,
            DATABASE_CONN_MAX_AGE="60",
            VAR_DIR=str(tmp_path),
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {"before": 404, "after": [404, 404]}, result.stderr[-3000:]


def test_a_webhook_secret_being_rotated_is_a_list_of_both(tmp_path):
    """ANYMAIL_WEBHOOK_SECRET=old:one,new:two while the provider's webhook moves to
    the new one: anymail accepts either when the setting is a list."""
    found = probe(
        "cms.settings.dev",
        VAR_DIR=str(tmp_path),
        ANYMAIL_WEBHOOK_SECRET="old-user:old-pass, new-user:new-pass",
    )
    assert found["anymail"] == {
        "WEBHOOK_SECRET": ["old-user:old-pass", "new-user:new-pass"]
    }
    one = probe("cms.settings.dev", VAR_DIR=str(tmp_path), ANYMAIL_WEBHOOK_SECRET="a:b")
    assert one["anymail"] == {"WEBHOOK_SECRET": "a:b"}
