"""What every embeddable widget shares (the petition widget, the signup form): who may
frame it, and a signed form token in place of the CSRF cookie."""

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

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
