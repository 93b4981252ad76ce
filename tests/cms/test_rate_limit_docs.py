"""Every public rate limit is configurable from the environment and documented in the
README (issue 18: limits sized for a crowd, documented)."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_rate_limit_variable_is_in_the_readme():
    base = (ROOT / "cms" / "settings" / "base.py").read_text()
    variables = re.findall(r'env_rate\(\s*"(RATE_LIMIT_\w+)"', base)
    assert len(variables) == len(settings.RATE_LIMITS)
    readme = (ROOT / "README.md").read_text()
    missing = [
        name
        for name in variables
        if name not in readme
        and name.replace("_PER_ADDRESS", "_PER_CLIENT` / `_PER_ADDRESS") not in readme
    ]
    assert not missing, missing


def test_each_public_form_counts_per_client_and_per_address():
    for form in ("rsvp", "petition", "signup"):
        assert f"{form}.client" in settings.RATE_LIMITS
        assert f"{form}.address" in settings.RATE_LIMITS
