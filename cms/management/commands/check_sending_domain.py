from django.conf import settings
from django.core.management.base import BaseCommand

from cms.mail.dns import sending_domain


class Command(BaseCommand):
    help = (
        "Print the DNS records the sending domain needs (SPF, DKIM, DMARC, bounce MX, "
        "EHLO name and reverse DNS), from the settings alone: no network needed. "
        "docs/deliverability.md explains them."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--sending-ip",
            action="append",
            default=[],
            help="public address the SMTP relay sends from (repeat for several)",
        )
        parser.add_argument(
            "--dkim-selector", default="", help="default: DKIM_SELECTOR (ona)"
        )
        parser.add_argument(
            "--dmarc-policy", default="none", choices=["none", "quarantine", "reject"]
        )
        parser.add_argument(
            "--dmarc-reports", default="", help="address for DMARC aggregate reports"
        )

    def handle(
        self, *args, sending_ip, dkim_selector, dmarc_policy, dmarc_reports, **options
    ):
        found = sending_domain(
            sending_ips=sending_ip,
            dkim_selector=dkim_selector,
            dmarc_policy=dmarc_policy,
            dmarc_reports=dmarc_reports,
        )
        write = self.stdout.write
        write(f"From:           {settings.DEFAULT_FROM_EMAIL}")
        write(f"Return-Path:    {settings.BOUNCE_ADDRESS or 'the From address'}")
        write(f"EHLO name:      {found.helo_name}")
        write(f"Message-ID/List-Id domain: {settings.MESSAGE_ID_DOMAIN}")
        write(f"Provider:       {settings.EMAIL_PROVIDER}")
        write(
            "One-click unsubscribe (RFC 8058) POSTs to "
            f"{settings.WAGTAILADMIN_BASE_URL}/subscribers/unsubscribe/<token>/"
        )
        write("")
        write("Publish these DNS records:")
        for record in found.records:
            write("")
            write(f"; {record.why}")
            write(f"{record.name}\t{record.kind}\t{record.value}")
        if found.warnings:
            write("")
            for warning in found.warnings:
                write(self.style.WARNING(f"Warning: {warning}"))
