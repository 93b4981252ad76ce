"""Lift a django-axes lockout of one username before its cool-off ends.

axes' own reset commands cannot find our lockouts: they hash the plain username,
while ours are keyed on cms.logins.username_id (no username reaches Redis).
"""

import hashlib

from django.core.management.base import BaseCommand

from cms.logins import username_id
from cms.ratelimit import counter_cache


class Command(BaseCommand):
    help = "Let USERNAME sign in again now (the lockout on that name only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        hashed = username_id(None, {"username": username})
        key = "axes-" + hashlib.sha256(hashed.encode()).hexdigest()
        counter_cache().delete(key)
        self.stdout.write(f"Sign-in for {username} is open again.")
