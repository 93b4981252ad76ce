"""What every embeddable widget shares (the petition widget, the signup form): who may
frame it, and a signed form token in place of the CSRF cookie."""

from functools import wraps
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from cms import errors

EMBED_TOKEN_MAX_AGE = 6 * 3600


def frame_ancestor_sources(origins) -> list[str]:
    """CSP ``frame-ancestors`` sources: this site plus the configured origins."""
    sources = ["'self'"]
    for origin in origins:
        # An entry with a separator would smuggle another directive into the header.
        if origin and not any(char in origin for char in " ;,'\"\r\n"):
            sources.append(origin)
    return sources


def allow_framing_by(response, origins) -> None:
    """Keep the site's strict policy (cms/csp.py) on ``response``, but let this site and
    ``origins`` frame it."""
    response._csp_replace = {"frame-ancestors": frame_ancestor_sources(origins)}


def posted_from_another_site(request) -> bool:
    """Whether the browser says this POST was sent by a page of another site.

    The widget's own form is in a frame served from this site, so the browser sends
    it with this site's ``Origin`` (its referrer policy, "same-origin", keeps it) and
    ``Sec-Fetch-Site: same-origin``. A page elsewhere auto-posting the form from its
    visitors' browsers, with a token fetched once, to spend each visitor's per-client
    allowance, sends its own origin, or "null" under its own "no-referrer" policy or
    a sandbox (as would a frame sandboxed without ``allow-same-origin``), and
    ``cross-site``: refused. Without either header (old browsers, scripts) nothing is
    known, and the token and limits decide as before.
    """
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        return True
    origin = request.headers.get("Origin")
    return origin is not None and origin.lower() not in _own_origins(request)


def _own_origins(request) -> set[str]:
    origins = {f"{request.scheme}://{request.get_host()}".lower()}
    base = urlsplit(settings.BASE_URL)
    if base.scheme and base.netloc:
        origins.add(f"{base.scheme}://{base.netloc}".lower())
    return origins


def refuse_posts_from_other_sites(view):
    """Answer 403, nothing read or counted, to an embed POST another site sent."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method == "POST" and posted_from_another_site(request):
            return errors.cross_site_post(request)
        return view(request, *args, **kwargs)

    return guarded


class FreshTokenField(forms.CharField):
    """A form token that is always rendered as the one signed for this response, even
    in a bound form: one written back as it came (expired) could never be sent again,
    however often the reader pressed the button (WCAG 2.2.1). The posted value is still
    what gets checked."""

    def bound_data(self, data, initial):
        return initial


class EmbedTokenMixin:
    """For a form shown in a partner's frame: a signed, expiring token naming the page.

    Browsers withhold SameSite cookies from third-party frames, so the cookie-based CSRF
    check could never pass there. Each widget signs with its own salt, so a token of
    one kind of widget is worthless to another.
    """

    embed_salt = "cms.embed-form"
    # Pressing the button again sends the fresh token the form now carries.
    embed_expired_message = _(
        "This form has expired, so nothing was sent. Please send it again."
    )

    def add_embed_token(self, page_id: int) -> None:
        self.embed_page_id = page_id
        self.fields["form_token"] = FreshTokenField(
            widget=forms.HiddenInput,
            initial=signing.TimestampSigner(salt=self.embed_salt).sign(str(page_id)),
        )

    def clean_form_token(self):
        token = self.cleaned_data["form_token"]
        try:
            value = signing.TimestampSigner(salt=self.embed_salt).unsign(
                token, max_age=EMBED_TOKEN_MAX_AGE
            )
        except signing.BadSignature:
            value = None
        if value != str(self.embed_page_id):
            raise forms.ValidationError(self.embed_expired_message)
        return token
