"""Another city's partner keys start with its own name (PARTNER_API_KEY_PREFIX), not
Chicago's "ona_": a key found in a paste or a repository is then recognised as its own.
Keys made before the prefix changed keep working; none can be rewritten to the other."""

import subprocess
import sys

from django.urls import reverse

from tests.cms.test_settings import ROOT, bare_env

from .conftest import auth, make_key


def test_keys_start_with_the_configured_prefix_and_old_keys_still_open(
    client, world, settings
):
    old_key, old_token = make_key(world)
    assert old_token.startswith("ona_"), "today's default"

    settings.PARTNER_API_KEY_PREFIX = "houston"
    key, token = make_key(world)
    assert token.startswith(f"houston_{key.prefix}_")
    assert client.get("/api/v1/lists/", **auth(token)).status_code == 200
    assert client.get("/api/v1/lists/", **auth(old_token)).status_code == 200
    # The keyed hash covers the start: a key with another start is another key.
    swapped = "ona_" + token.removeprefix("houston_")
    assert client.get("/api/v1/lists/", **auth(swapped)).status_code == 401

    client.force_login(world.staff)
    listing = client.get(reverse("partners_keys:index")).content.decode()
    assert f"houston_{key.prefix}_…" in listing
    # The key made before the change still starts "ona_" (it said "houston_").
    assert f"ona_{old_key.prefix}_…" in listing
    assert f"houston_{old_key.prefix}_…" not in listing


def test_a_key_made_before_its_start_was_stored_shows_it_once_used(
    client, world, settings
):
    """A key from before the start was recorded: the list does not guess today's
    prefix for it, and learns its real start from the first request it opens."""
    from cms.partners.models import ApiKey

    old_key, old_token = make_key(world)
    ApiKey.objects.filter(pk=old_key.pk).update(start="")
    settings.PARTNER_API_KEY_PREFIX = "houston"
    client.force_login(world.staff)
    index = reverse("partners_keys:index")

    listing = client.get(index).content.decode()
    assert f"…_{old_key.prefix}_…" in listing
    assert f"houston_{old_key.prefix}_…" not in listing

    client.logout()
    assert client.get("/api/v1/lists/", **auth(old_token)).status_code == 200
    client.force_login(world.staff)
    assert f"ona_{old_key.prefix}_…" in client.get(index).content.decode()


def test_a_prefix_that_would_break_the_keys_refuses_to_start(tmp_path):
    """An underscore would split every key in the wrong place: refused at start."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=bare_env(
            DJANGO_SETTINGS_MODULE="cms.settings.dev",
            VAR_DIR=str(tmp_path),
            PARTNER_API_KEY_PREFIX="city_of_houston",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Refusing to start: PARTNER_API_KEY_PREFIX" in result.stderr
    assert "Traceback" not in result.stderr
