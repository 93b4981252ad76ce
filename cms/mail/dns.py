"""The DNS records a sending domain needs (SPF, DKIM, DMARC, bounce MX, forward and
reverse DNS for the EHLO name), worked out from the settings alone: no lookups.

docs/deliverability.md explains each record; ``manage.py check_sending_domain`` prints
them.
"""

from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings

from cms.checks import is_local_name

# What each provider asks to be included in SPF (their documentation's value).
PROVIDER_SPF = {
    "mailgun": "include:mailgun.org",
    "amazon_ses": "include:amazonses.com",
    "postmark": "include:spf.mtasv.net",
    "brevo": "include:spf.brevo.com",
    "sendgrid": "include:sendgrid.net",
    "sparkpost": "include:sparkpostmail.com",
    "mailjet": "include:spf.mailjet.com",
    "mandrill": "include:spf.mandrillapp.com",
}
NOT_AN_ESP = {"smtp", "outbox", "console"}


@dataclass(frozen=True)
class Record:
    name: str
    kind: str
    value: str
    why: str


@dataclass
class SendingDomain:
    from_domain: str
    return_path_domain: str
    helo_name: str
    records: list[Record] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2].lower()


def organisational(domain: str) -> str:
    """The last two labels: near enough to the registrable domain for a warning
    (it is wrong for two-label suffixes such as .co.uk, hence only a warning)."""
    return ".".join(domain.split(".")[-2:])


def sending_domain(
    *,
    sending_ips: list[str] = (),
    dkim_selector: str = "",
    dmarc_policy: str = "none",
    dmarc_reports: str = "",
) -> SendingDomain:
    """The records to publish for the configured sender, and what looks wrong."""
    dkim_selector = dkim_selector or settings.DKIM_SELECTOR
    provider = settings.EMAIL_PROVIDER
    from_domain = domain_of(settings.DEFAULT_FROM_EMAIL)
    bounce = settings.BOUNCE_ADDRESS
    return_path = domain_of(bounce) if bounce else from_domain
    helo = settings.EMAIL_HELO_NAME.strip("[]")
    found = SendingDomain(from_domain, return_path, helo)
    records = found.records

    mechanisms = [f"ip4:{ip}" if ":" not in ip else f"ip6:{ip}" for ip in sending_ips]
    if provider in PROVIDER_SPF:
        mechanisms.append(PROVIDER_SPF[provider])
    elif provider not in NOT_AN_ESP:
        found.warnings.append(
            f"Unknown SPF include for EMAIL_PROVIDER={provider}: take it from the "
            "provider's domain settings."
        )
    if provider == "smtp" and not sending_ips:
        mechanisms.append("a:" + helo)
        found.warnings.append(
            "No --sending-ip given: the SPF record names the EHLO host instead; list "
            "the relay's public addresses with --sending-ip for a tighter record."
        )
    why = f"SPF for the return-path domain ({return_path}): who may send for it."
    if provider not in NOT_AN_ESP and return_path != from_domain:
        why += " Usually set up by the provider on its own bounce domain."
    records.append(
        Record(return_path + ".", "TXT", f'"v=spf1 {" ".join(mechanisms)} -all"', why)
    )
    if provider in NOT_AN_ESP:
        records.append(
            Record(
                f"{dkim_selector}._domainkey.{from_domain}.",
                "TXT",
                '"v=DKIM1; k=rsa; p=<the public key of the relay\'s DKIM signing key>"',
                "DKIM: the relay signs with d=" + from_domain + ", s=" + dkim_selector,
            )
        )
    else:
        records.append(
            Record(
                f"<selector>._domainkey.{from_domain}.",
                "TXT or CNAME",
                "<as shown in the provider's domain settings>",
                f"DKIM: {provider} generates the key; sign as d={from_domain}.",
            )
        )
    reports = dmarc_reports or f"dmarc-reports@{from_domain}"
    records.append(
        Record(
            f"_dmarc.{from_domain}.",
            "TXT",
            f'"v=DMARC1; p={dmarc_policy}; rua=mailto:{reports}; adkim=r; aspf=r"',
            "DMARC: what receivers do when SPF and DKIM do not align with From; "
            "start with p=none, move to quarantine, then reject.",
        )
    )
    if bounce and provider == "smtp":
        records.append(
            Record(
                return_path + ".",
                "MX",
                f"10 <your inbound mail server for {bounce}>",
                "Bounces: VERP addresses bounces+...@" + return_path + " must reach "
                "the mailbox in BOUNCE_MAILBOX_URL.",
            )
        )
    if provider == "smtp":
        for ip in sending_ips or ["<relay's public address>"]:
            kind = "AAAA" if ":" in ip else "A"
            records.append(
                Record(helo + ".", kind, ip, "The EHLO name resolves to the relay.")
            )
            records.append(
                Record(
                    _reverse_name(ip),
                    "PTR",
                    helo + ".",
                    "Reverse DNS of the relay's address gives the EHLO name (set "
                    "by whoever owns the address: your hosting provider).",
                )
            )

    for label, name in (
        ("From domain", from_domain),
        ("MESSAGE_ID_DOMAIN", settings.MESSAGE_ID_DOMAIN),
    ):
        if is_local_name(name):
            found.warnings.append(f"{label} {name!r} is a local name.")
    if provider == "smtp" and is_local_name(helo):
        found.warnings.append(f"EMAIL_HELO_NAME {helo!r} is a local name.")
    if organisational(return_path) != organisational(from_domain):
        found.warnings.append(
            f"The return-path domain {return_path} is not under {from_domain}: SPF "
            "will not align for DMARC, so DKIM must (sign with d=" + from_domain + ")."
        )
    if provider == "smtp" and not bounce:
        found.warnings.append(
            "No BOUNCE_ADDRESS: bounces go to the From address and never suppress "
            "anyone."
        )
    return found


def _reverse_name(ip: str) -> str:
    import ipaddress

    try:
        return ipaddress.ip_address(ip).reverse_pointer + "."
    except ValueError:
        return f"<reverse name of {ip}>"
