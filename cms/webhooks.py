"""The e-mail provider's tracking webhook: one door, locked twice, that never 500s.

Only the webhook of the provider named by EMAIL_PROVIDER answers; every other
``/anymail/...`` path is a 404, so nobody can post Postmark bounces to a Mailgun
deployment. It needs anymail's shared secret (HTTP basic auth, WEBHOOK_SECRET) and,
for providers that sign their calls, the signing key as well: without them the
webhook is closed (404, and an error in the log). WEBHOOK_ALLOWED_NETWORKS can pin
the provider's published address ranges too, which matters most for providers that
do not sign (Postmark, Brevo, SparkPost, Mailjet, Amazon SES through SNS).
A body anymail cannot parse is a 400, not a 500.

Mailgun signs a timestamp and a random token, not the body: anymail checks the
signature only, so one call seen in transit (a proxy's log, a debugging dump) signed
any other body, a complaint for any address among them. Here each signature is taken
once, and not when older than TRACKING_MAX_EVENT_AGE, as Mailgun's documentation asks.
"""

import binascii
import errno
import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailWebhookValidationFailure,
)
from anymail.utils import get_anymail_setting
from anymail.webhooks import (
    amazon_ses,
    brevo,
    mailersend,
    mailgun,
    mailjet,
    mailtrap,
    mandrill,
    postal,
    postmark,
    resend,
    sendgrid,
    sendinblue,
    sparkpost,
    unisender_go,
)
from django.conf import settings
from django.core import checks
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt

from cms import ratelimit
from cms.ratelimit import client_address

logger = logging.getLogger(__name__)

# What a body that is not what the provider sends raises inside anymail's parsers.
MALFORMED = (
    ValueError,  # JSONDecodeError, bad dates and numbers
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    LookupError,
    OverflowError,
    UnicodeError,
    binascii.Error,
    AnymailAPIError,  # Amazon SES: "unparsable SNS message"
    RecursionError,  # JSON nested deeper than the parser goes ("[" * 100000)
)


class _Malformed(Exception):
    pass


class SafeParsing:
    """Mixed into anymail's view: a body that fails to validate or parse for want of
    the expected shape is a 400; a failure while applying well-formed events stays a
    500, so the provider retries."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except _Malformed as error:
            logger.warning(
                "%s webhook: malformed body (%s)",
                self.esp_name,
                type(error.__cause__).__name__,
            )
            return HttpResponseBadRequest()

    def run_validators(self, request):
        try:
            super().run_validators(request)
        except MALFORMED as error:
            raise _Malformed from error

    def parse_events(self, request):
        try:
            return list(super().parse_events(request))
        except MALFORMED as error:
            raise _Malformed from error
        except OSError as error:
            # datetime.fromtimestamp() on a time past the platform's range (Mandrill's
            # "ts"): no provider sends one. Any other OSError stays a 500, retried.
            if error.errno != errno.EOVERFLOW:
                raise
            raise _Malformed from error


# Mailgun's clock and ours may differ a little; a signature from further ahead is no
# call Mailgun made.
SIGNATURE_FUTURE_SKEW = 300


class SingleUseMailgunSignature:
    """Mixed into Mailgun's view, before SafeParsing: once anymail has checked the
    secret and the signature, the signature's timestamp must be recent and its token
    new, or come with the very body it came with before (a retry: its events are
    applied once). "Its token" is the text signed, timestamp and token together. A
    call answered with an error (our 500) gives its token back."""

    def run_validators(self, request):
        super().run_validators(request)
        token, stamp = _mailgun_token(request)
        try:
            signed_at = float(stamp)
        except (TypeError, ValueError, OverflowError):
            signed_at = float("nan")
        age = time.time() - signed_at
        if not -SIGNATURE_FUTURE_SKEW <= age <= settings.TRACKING_MAX_EVENT_AGE:
            raise AnymailWebhookValidationFailure(
                "Mailgun webhook called with a signature too old or from the future"
            )
        # The signed text, not the token alone: Mailgun signs the two run together,
        # so one signature also stands for another split of the same text (a token
        # starting "e0" moved into the timestamp leaves float() the same number).
        key = ratelimit.keyed_hash("mailgun-webhook-token", f"{stamp}{token}")
        body = hashlib.sha256(request.body).hexdigest()
        taken = _take(key, body)
        if taken is None:
            raise AnymailWebhookValidationFailure(
                "Mailgun webhook called with a used signature on another body"
            )
        if taken:
            self._taken_token = key

    def post(self, request, *args, **kwargs):
        self._taken_token = None  # set by run_validators, inside anymail's post
        try:
            response = super().post(request, *args, **kwargs)
        except BaseException:
            self._give_back()
            raise
        if response.status_code >= 300:
            self._give_back()
        return response

    def _give_back(self) -> None:
        if self._taken_token is not None:
            _give_back(self._taken_token)


def _mailgun_token(request) -> tuple[object, object]:
    """The token and timestamp anymail has just verified the signature of."""
    if request.content_type == "application/json":
        import json

        block = json.loads(request.body.decode("utf-8"))["signature"]
        return block["token"], block["timestamp"]
    return request.POST["token"], request.POST["timestamp"]


def _token_seconds() -> int:
    return settings.TRACKING_MAX_EVENT_AGE + SIGNATURE_FUTURE_SKEW + 60


def _take(key: str, body: str) -> bool | None:
    """True when this call is the first with its token (or the cache cannot tell: the
    webhook keeps applying bounces while Redis is down); False when the same call came
    before (Mailgun retrying one whose answer it missed: its events are applied once
    anyway); None when the token came before with another body."""
    store = ratelimit.counter_cache()
    name = f"webhook-token:{key}"
    if store.add(name, body, timeout=_token_seconds()):
        return True
    seen = store.get(name)
    if seen is None or seen == body:
        return seen is None
    return None


def _give_back(key: str) -> None:
    try:
        ratelimit.counter_cache().delete(f"webhook-token:{key}")
    except Exception:  # noqa: BLE001 (the answer stands; the token stays taken)
        logger.warning("Mailgun webhook: could not release a signature's token")


@dataclass(frozen=True)
class Provider:
    path: str  # under /anymail/, as anymail's own urls name it
    view_class: type
    # (anymail setting, esp name) of the provider's signing key; None: it signs nothing
    signing: tuple[str, str] | None = None


PROVIDERS = {
    "amazon_ses": Provider(
        "amazon_ses/tracking/", amazon_ses.AmazonSESTrackingWebhookView
    ),
    "brevo": Provider("brevo/tracking/", brevo.BrevoTrackingWebhookView),
    "sendinblue": Provider(
        "sendinblue/tracking/", sendinblue.SendinBlueTrackingWebhookView
    ),
    "mailersend": Provider(
        "mailersend/tracking/",
        mailersend.MailerSendTrackingWebhookView,
        ("signing_secret", "MailerSend"),
    ),
    "mailgun": Provider(
        "mailgun/tracking/",
        mailgun.MailgunTrackingWebhookView,
        ("webhook_signing_key", "Mailgun"),
    ),
    "mailjet": Provider("mailjet/tracking/", mailjet.MailjetTrackingWebhookView),
    "mailtrap": Provider(
        "mailtrap/tracking/",
        mailtrap.MailtrapTrackingWebhookView,
        ("tracking_secret", "Mailtrap"),
    ),
    "mandrill": Provider(
        "mandrill/", mandrill.MandrillCombinedWebhookView, ("webhook_key", "Mandrill")
    ),
    "postal": Provider(
        "postal/tracking/", postal.PostalTrackingWebhookView, ("webhook_key", "Postal")
    ),
    "postmark": Provider("postmark/tracking/", postmark.PostmarkTrackingWebhookView),
    "resend": Provider(
        "resend/tracking/",
        resend.ResendTrackingWebhookView,
        ("signing_secret", "Resend"),
    ),
    "sendgrid": Provider(
        "sendgrid/tracking/",
        sendgrid.SendGridTrackingWebhookView,
        ("tracking_webhook_verification_key", "SendGrid"),
    ),
    "sparkpost": Provider(
        "sparkpost/tracking/", sparkpost.SparkPostTrackingWebhookView
    ),
    "unisender_go": Provider(
        "unisender_go/tracking/",
        unisender_go.UnisenderGoTrackingWebhookView,
        ("api_key", "Unisender Go"),
    ),
}
# Mixins each provider's view gets before SafeParsing.
EXTRA_MIXINS = {"mailgun": (SingleUseMailgunSignature,)}
VIEWS = {
    name: csrf_exempt(
        type(
            f"Safe{entry.view_class.__name__}",
            (*EXTRA_MIXINS.get(name, ()), SafeParsing, entry.view_class),
            {},
        ).as_view()
    )
    for name, entry in PROVIDERS.items()
}


def _setting(name: str, esp_name: str | None = None) -> str:
    value = get_anymail_setting(name, esp_name=esp_name, default=None, allow_bare=True)
    if isinstance(value, list):  # the webhook secret while it is rotated
        return ",".join(item for item in value if isinstance(item, str))
    return value if isinstance(value, str) else ""


def missing_settings(provider: str) -> list[str]:
    """The anymail settings the provider's webhook still needs (empty: it is ready)."""
    entry = PROVIDERS.get(provider)
    if entry is None:
        return []
    missing = [] if _setting("webhook_secret") else ["ANYMAIL_WEBHOOK_SECRET"]
    if entry.signing and not _setting(*entry.signing):
        name, esp_name = entry.signing
        setting = f"{esp_name}_{name}".upper().replace(" ", "_")
        missing.append(f"ANYMAIL_{setting}")
    return missing


@checks.register(checks.Tags.security, deploy=True)
def check_tracking_webhook(app_configs=None, **kwargs):
    """``check --deploy``: the configured provider's webhook is closed for want of a
    setting (its bounces and complaints would never suppress anyone)."""
    missing = missing_settings(settings.EMAIL_PROVIDER)
    if not missing:
        return []
    return [
        checks.Warning(
            f"The {settings.EMAIL_PROVIDER} tracking webhook stays closed (404) "
            f"until {', '.join(missing)} is set: bounces and complaints would not "
            "suppress anyone.",
            id="cms.W150",
        )
    ]


def _from_allowed_network(request) -> bool:
    networks = getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", [])
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


@csrf_exempt
def tracking_webhook(request, rest: str):
    """Route /anymail/<rest> to the configured provider's tracking view, or 404."""
    provider = settings.EMAIL_PROVIDER
    entry = PROVIDERS.get(provider)
    if entry is None or rest != entry.path:
        raise Http404
    missing = missing_settings(provider)
    if missing:
        logger.error("%s webhook closed: set %s", provider, ", ".join(missing))
        raise Http404
    if not _from_allowed_network(request):
        logger.warning(
            "%s webhook: call from outside WEBHOOK_ALLOWED_NETWORKS", provider
        )
        return HttpResponse(status=403)
    try:
        return VIEWS[provider](request)
    except AnymailConfigurationError:
        logger.error("%s webhook closed: anymail settings incomplete", provider)
        raise Http404 from None


# What anymail's views take (cms/methods.py names them in every Allow).
tracking_webhook.http_methods = ("HEAD", "OPTIONS", "POST")
