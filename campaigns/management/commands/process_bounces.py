from django.core.management.base import BaseCommand, CommandError

from campaigns.mailings.mailbox import MailboxError
from campaigns.mailings.services.bounces import process_bounce_mailbox


class Command(BaseCommand):
    help = (
        "Read the bounce mailbox (BOUNCE_MAILBOX_URL, IMAP or POP3), suppress hard "
        "bounces and complaints, and delete what was read. Beat runs it every "
        "BOUNCE_MAILBOX_INTERVAL seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=0, help="at most this many messages"
        )

    def handle(self, *args, limit, **options):
        from django.conf import settings

        if not settings.BOUNCE_MAILBOX_URL:
            raise CommandError(
                "Set BOUNCE_MAILBOX_URL (imaps://user:password@host/INBOX)."
            )
        try:
            outcomes = process_bounce_mailbox(limit=limit)
        except MailboxError as error:
            raise CommandError(str(error)) from error
        total = sum(outcomes.values())
        summary = ", ".join(
            f"{kind}: {count}" for kind, count in sorted(outcomes.items())
        )
        self.stdout.write(
            f"{total} message(s) read" + (f" ({summary})" if summary else "")
        )
