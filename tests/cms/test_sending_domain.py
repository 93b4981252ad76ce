"""`manage.py check_sending_domain` prints the DNS records to publish, offline."""

import io

from django.core.management import call_command


def run(**options) -> str:
    out = io.StringIO()
    call_command("check_sending_domain", stdout=out, **options)
    return out.getvalue()


def test_smtp_relay_records(settings):
    settings.EMAIL_PROVIDER = "smtp"
    settings.DEFAULT_FROM_EMAIL = "Office of New Americans <news@ona.example.org>"
    settings.BOUNCE_ADDRESS = "bounces@ona.example.org"
    settings.EMAIL_HELO_NAME = "mail.ona.example.org"
    settings.MESSAGE_ID_DOMAIN = "ona.example.org"
    settings.WAGTAILADMIN_BASE_URL = "https://ona.example.org"
    output = run(sending_ip=["198.51.100.7", "2001:db8::7"], dmarc_policy="quarantine")

    assert (
        'ona.example.org.\tTXT\t"v=spf1 ip4:198.51.100.7 ip6:2001:db8::7 -all"'
        in output
    )
    assert "ona._domainkey.ona.example.org.\tTXT" in output
    assert (
        '_dmarc.ona.example.org.\tTXT\t"v=DMARC1; p=quarantine; '
        'rua=mailto:dmarc-reports@ona.example.org; adkim=r; aspf=r"'
    ) in output
    assert "ona.example.org.\tMX\t10 <your inbound mail server" in output
    assert "mail.ona.example.org.\tA\t198.51.100.7" in output
    assert "7.100.51.198.in-addr.arpa.\tPTR\tmail.ona.example.org." in output
    assert "mail.ona.example.org.\tAAAA\t2001:db8::7" in output
    assert "https://ona.example.org/subscribers/unsubscribe/<token>/" in output
    assert "Warning" not in output


def test_esp_records_and_warnings(settings):
    settings.EMAIL_PROVIDER = "mailgun"
    settings.DEFAULT_FROM_EMAIL = "ONA <news@mg.example.org>"
    settings.BOUNCE_ADDRESS = ""
    settings.MESSAGE_ID_DOMAIN = "localhost"
    output = run()

    assert '"v=spf1 include:mailgun.org -all"' in output
    assert "<selector>._domainkey.mg.example.org.\tTXT or CNAME" in output
    assert "_dmarc.mg.example.org." in output
    assert "PTR" not in output, "the provider's addresses are not ours to name"
    assert "Warning: MESSAGE_ID_DOMAIN 'localhost' is a local name." in output


def test_a_foreign_return_path_domain_is_flagged(settings):
    settings.EMAIL_PROVIDER = "smtp"
    settings.DEFAULT_FROM_EMAIL = "news@ona.example.org"
    settings.BOUNCE_ADDRESS = "bounces@relay.example.net"
    settings.EMAIL_HELO_NAME = "mail.ona.example.org"
    output = run(sending_ip=["198.51.100.7"])
    assert "SPF will not align for DMARC" in output


def test_the_dkim_selector_follows_the_setting(settings):
    """Houston's relay signs with s=houston: the records printed named ona._domainkey
    unless every run said --dkim-selector; DKIM_SELECTOR now sets the default."""
    settings.EMAIL_PROVIDER = "smtp"
    settings.DEFAULT_FROM_EMAIL = "Houston ONA <news@houston.example.org>"
    settings.BOUNCE_ADDRESS = "bounces@houston.example.org"
    settings.EMAIL_HELO_NAME = "mail.houston.example.org"
    assert "ona._domainkey.houston.example.org.\tTXT" in run()

    settings.DKIM_SELECTOR = "houston"
    output = run()
    assert "houston._domainkey.houston.example.org.\tTXT" in output
    assert "ona._domainkey" not in output
    assert "s=houston" in output
    assert "may2027._domainkey." in run(dkim_selector="may2027")
