from django.core.management.base import BaseCommand

from subscribers.services import reencrypt_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (subscribers, waiting signups, RSVP guests, "
        "petition signers, partner webhook secrets) under the newest key, the first "
        "of FIELD_ENCRYPTION_KEYS. Every web, worker and beat process must already "
        "run with the new key in its FIELD_ENCRYPTION_KEYS (README, 'Keys'). Safe to "
        "run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        for name, count in reencrypt_all(batch_size=batch_size).items():
            self.stdout.write(f"Re-encrypted {count} {name}.")
        self.stdout.write(
            self.style.SUCCESS(
                "Every encrypted value is under the newest key: the old one may go."
            )
        )
