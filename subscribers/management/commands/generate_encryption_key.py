from django.core.management.base import BaseCommand

from subscribers.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new random key for FIELD_ENCRYPTION_KEYS."

    # Must work where the keys are still missing (the checks refuse that).
    requires_system_checks = []

    def handle(self, *args, **options):
        self.stdout.write(generate_key())
