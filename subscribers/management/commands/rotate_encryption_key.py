from django.core.management.base import BaseCommand

from subscribers.services import reencrypt_subscribers


class Command(BaseCommand):
    help = (
        "Re-encrypt every subscriber's address and name under the newest key "
        "(the first of FIELD_ENCRYPTION_KEYS). Put the new key first, run this, then "
        "drop the old key. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        count = reencrypt_subscribers(batch_size=batch_size)
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} subscribers."))
