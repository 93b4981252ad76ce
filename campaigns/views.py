"""Public petition views: the page's sign form, the embeddable widget, verification.

Every answer to a sign attempt is the same whether or not the address had signed, was
rate limited or was a bot, so nobody can learn who signed.
"""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from campaigns import selectors
from campaigns.forms import EmbeddedPetitionForm, PetitionForm
from campaigns.models import PetitionPage
from campaigns.services import petitions
from cms import ratelimit
from cms.embed import allow_framing_by, refuse_posts_from_other_sites
from cms.languages import LANGUAGE_CODES, localized_url, reader_language
from cms.private_links import not_indexed
from cms.redirects import see_other
from cms.routing import public_pages, refuse_restricted

# "join", "confirm" and "joined" are "1", "check" and "verified" when the signer
# ticked lists to join too.
SIGNED_STATES = {"1", "join", "check", "confirm", "verified", "joined"}
# The start of the page's <title> after signing (base.html, status_title).
SIGNED_TITLES = {
    "1": gettext_lazy("Signed"),
    "join": gettext_lazy("Signed"),
    "check": gettext_lazy("Check your e-mail"),
    "confirm": gettext_lazy("Check your e-mail"),
    "verified": gettext_lazy("Signed"),
    "joined": gettext_lazy("Signed"),
}


def share_links(*, url: str, title: str) -> list[dict]:
    """Plain share links (no third-party scripts): e-mail, WhatsApp, Facebook, X."""
    text = f"{title} {url}"
    return [
        {
            "label": _("E-mail"),
            "href": "mailto:?"
            + urlencode({"subject": title, "body": text}, quote_via=quote),
        },
        {"label": "WhatsApp", "href": "https://wa.me/?" + urlencode({"text": text})},
        {
            "label": "Facebook",
            "href": "https://www.facebook.com/sharer/sharer.php?"
            + urlencode({"u": url}),
        },
        {
            "label": "X",
            "href": "https://x.com/intent/post?"
            + urlencode({"text": title, "url": url}),
        },
    ]


def _context(request, page: PetitionPage, *, form, embed: bool) -> dict:
    context = page.get_context(request) if not embed else {"page": page}
    if embed:
        context.update(selectors.petition_summary(campaign=page.campaign))
    url = _full_url(request, page, embed=embed)
    signed = request.GET.get("signed", "")
    context.update(
        form=form,
        embed=embed,
        signed=signed if signed in SIGNED_STATES else "",
        title_status=SIGNED_TITLES.get(signed, ""),
        page_url=url,
        share_links=share_links(url=url, title=page.title),
        form_action=request.path if embed else _form_action(page),
    )
    return context


def _page_path(page: PetitionPage) -> str:
    """The petition's path under the reader's language prefix, translated or not."""
    if page.locale.language_code == reader_language():
        # The memoised page carries its URL; page.url (no request) reads the cached
        # site root paths instead of looking the site up for every signature.
        return getattr(page, "memo_url", None) or page.url
    return localized_url(page)


def _full_url(request, page: PetitionPage, *, embed: bool) -> str:
    if embed and page.locale.language_code == reader_language():
        return page.get_full_url(request) or ""
    parts = page.get_url_parts(request)
    return (parts[1] if parts else "") + _page_path(page)


def _form_action(page: PetitionPage) -> str:
    action = reverse("campaigns:sign", args=[page.pk])
    language = reader_language()
    # The sign URL has no language prefix: a reader of an untranslated petition
    # says which language to answer in.
    if language != page.locale.language_code:
        action += "?" + urlencode({"lang": language})
    return action


def _form(page: PetitionPage, data=None, *, embed: bool):
    language = reader_language()
    if embed:
        return EmbeddedPetitionForm(
            data, campaign=page.campaign, language=language, page_id=page.pk
        )
    return PetitionForm(data, campaign=page.campaign, language=language)


def _sign(
    request,
    page: PetitionPage,
    *,
    embed: bool,
    template: str | None = None,
    copy_token: tuple[str, object] | None = None,
):
    """Clean the submission, call record_signature, and redirect to the thank-you state.

    With ``copy_token`` the page is this process's copy from an earlier request: every
    answer first makes sure the petition has not changed since (record_signature does
    it in its statement), or raises ``StalePetition`` having written nothing.
    ``template`` (the page's by default) is only needed to show an error.
    """

    def answer(response):
        if copy_token is not None and not selectors.petition_is_current(copy_token[1]):
            raise petitions.StalePetition
        return response

    def error_page(form, message: str, status: int):
        context = _context(request, page, form=form, embed=embed)
        context["form_error"] = message
        if not embed and request.path != base:
            # Answered at the sign URL: js/page_address.js puts the petition's own
            # address, in the reader's language, in the address bar.
            context["page_address"] = base
        page_template = template or page.get_template(request)
        return answer(TemplateResponse(request, page_template, context, status=status))

    if embed:
        # The widget's own URL, language prefix and all: the thanks stay in its language.
        base = request.path
    else:
        base = _page_path(page)
    thanks = "check" if page.require_verification else "1"
    # Said from what was posted, before any check, so a bot's answer is a person's.
    # The page's own form without lists (issue 18's burst) never asks for the lists.
    if request.POST.getlist("lists") and page.campaign.offered_list_ids:
        thanks = "confirm" if page.require_verification else "join"
    # See Other, as every public form answers: the thanks are fetched with GET.
    done = see_other(f"{base}?signed={thanks}#signed")

    if not _limit_allows(request, "client", ratelimit.client_allowed, request):
        message = _(
            "Too many signatures from this connection. Please wait a few minutes "
            "and try again."
        )
        return ratelimit.retry_after(
            error_page(_form(page, embed=embed), message, 429), "petition.client"
        )
    # The common case (the page's own form, no lists offered) is cleaned without
    # building a form; any error builds one for its messages.
    data = None
    if not embed and not page.campaign.offered_list_ids:
        if request.POST.get("website"):
            return answer(done)
        data = PetitionForm.clean_without_form(request.POST)
    if data is None:
        form = _form(page, request.POST, embed=embed)
        if form.is_bot:
            return answer(done)
        if not form.is_valid():
            return error_page(form, _("Please correct the errors below."), 400)
        data = form.cleaned_data

    email = data["email"]
    if _limit_allows(request, "address", ratelimit.address_allowed, email):
        petitions.record_signature(
            page=page,
            email=email,
            name=data["name"],
            zip_code=data["zip_code"],
            language=reader_language(),
            list_ids=[item.pk for item in data.get("lists") or []],
            list_language=data.get("list_language") or "",
            copy_token=copy_token,
        )
        return done
    return answer(done)


def _limit_allows(request, who: str, allowed, key) -> bool:
    """``allowed(key, "petition")``, taken once per request: a signature retried on a
    fresh copy of the petition (StalePetition) is the same attempt, not a second one."""
    taken = request.__dict__.setdefault("_petition_limits", {})
    if who not in taken:
        taken[who] = allowed(key, "petition")
    return taken[who]


def serve_petition(request, page: PetitionPage, *args, **kwargs):
    """PetitionPage.serve: GET shows the page, POST signs it (CSRF-protected)."""
    template = page.get_template(request, *args, **kwargs)
    if request.method == "POST":
        response = _sign(request, page, embed=False, template=template)
    else:
        context = _context(request, page, form=_form(page, embed=False), embed=False)
        response = TemplateResponse(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def sign_petition(request, page_id: int):
    """The page's form posts here, past Wagtail's routing, so a burst of signers is cheap.

    Same checks and answers as a POST to the page itself (CSRF, honeypot, limits).
    A burst signs on this process's copy of the petition, checked in the signing
    statement itself; if the petition changed since, it is looked up again first.
    A GET is someone who pressed Enter in the address bar after a refused signature
    (or shared that address): it goes to the petition, in the form's language.
    """
    if request.method != "POST":
        return _to_petition(request, page_id)
    copy = selectors.petition_copy(page_id=page_id)
    # A restricted petition's copy may be stale: its restrictions are checked on the
    # petition as it is now, below.
    if copy is not None and copy[1] is not None and not copy[1].memo_restrictions:
        token, page = copy
        try:
            return _sign_posted(
                request, page, copy_token=(selectors.PETITIONS_TOKEN, token)
            )
        except petitions.StalePetition:
            pass  # nothing was written: sign on the petition as it is now
    page = selectors.live_petition(page_id=page_id)
    if page is None:
        raise Http404
    refuse_restricted(request, page.memo_restrictions)
    return _sign_posted(request, page)


def _to_petition(request, page_id: int) -> HttpResponseRedirect:
    page = selectors.live_petition(page_id=page_id)
    if page is None:
        raise Http404
    refuse_restricted(request, page.memo_restrictions)
    _use_language(request, _answer_language(request, page))
    return HttpResponseRedirect(_page_path(page))


def _answer_language(request, page: PetitionPage) -> str:
    """The sign URL has no prefix: the form's ``?lang``, else the petition's own."""
    language = request.GET.get("lang", "")
    return language if language in LANGUAGE_CODES else page.locale.language_code


def _sign_posted(request, page: PetitionPage, *, copy_token=None):
    _use_language(request, _answer_language(request, page))
    response = _sign(request, page, embed=False, copy_token=copy_token)
    response["Cache-Control"] = "no-store"
    return response


def _use_language(request, language: str) -> None:
    """Answer in ``language``: the petition's, where the URL has no prefix to say.

    Activated for the rest of the request, so LocaleMiddleware's Content-Language
    header agrees with the page; it activates afresh on the next request.
    """
    translation.activate(language)
    request.LANGUAGE_CODE = language


@csrf_exempt  # EmbeddedPetitionForm checks its own signed token instead.
@xframe_options_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@refuse_posts_from_other_sites
def embed_petition(request, page_id: int):
    """The widget partner sites frame: count, progress bar and the sign form.

    Under a language prefix (``/ar/petitions/embed/<id>/``) it speaks that language,
    showing the petition's translation when there is one; without one, the page's
    language, as it always did for the partners who framed it so. A petition this
    visitor may not see (a view restriction) is a 404.
    """
    page = get_object_or_404(PetitionPage.objects.live().specific(), pk=page_id)
    refuse_restricted(request, page.get_view_restrictions())
    template = "campaigns/petition_embed.html"
    language = translation.get_language_from_path(request.path_info)
    if language:
        page = (
            public_pages(page.get_translations(inclusive=True).live())
            .filter(locale__language_code=language)
            .first()
        ) or page
    _use_language(request, language or page.locale.language_code)
    if request.method == "POST":
        response = _sign(request, page, embed=True, template=template)
    else:
        context = _context(request, page, form=_form(page, embed=True), embed=True)
        response = TemplateResponse(request, template, context)
    # The site's strict policy (cms/csp.py), framed only by the partner sites.
    allow_framing_by(response, settings.PETITION_FRAME_ANCESTORS)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@not_indexed
def verify_signature(request, token: str):
    """GET asks for one click (mail scanners follow links); POST counts the signature.

    The e-mailed link has no prefix and answers in the signer's language; the same
    page under a language's prefix (or ``?language=``, the switcher's link to the
    default language, which has none) answers in that one, so the language switcher
    keeps the reader on this page."""
    read = petitions.read_verification_token(token)
    if read is None:
        expired = petitions.read_expired_verification_token(token)
        if expired is not None:
            return _expired_verification_link(request, expired[1])
        return _bad_verification_link(request)
    signature, list_ids = read
    language = _asked_language(request) or signature.language
    page = PetitionPage.objects.filter(pk=signature.page_id).first()
    with translation.override(language):
        if request.method == "POST":
            petitions.verify_signature(signature_id=signature.pk, list_ids=list_ids)
            if page is not None and page.live:
                done = "joined" if list_ids else "verified"
                return see_other(
                    f"{localized_url(page, language)}?signed={done}#signed"
                )
            response = TemplateResponse(
                request,
                "campaigns/verify_signature.html",
                {"verified": True, "lists": _lists(list_ids)},
            )
        else:
            # Not ``page``: base.html's language switcher would lead to the petition.
            shown = selectors.petition_in(page, language=language) if page else None
            response = TemplateResponse(
                request,
                "campaigns/verify_signature.html",
                {
                    "petition_title": shown.title if shown else "",
                    "petition_language": shown.locale.language_code if shown else "",
                    "lists": _lists(list_ids),
                },
            )
        response.render()
    return response


def _bad_verification_link(request):
    """400 for a cut-off, altered or expired link. No signer is known, so the link's
    prefix (or ``?language=``) says the language, else the reader's browser, as on
    the subscribers' bad-link pages: the e-mailed link has no prefix, and a Spanish
    signer whose mail app cut it off was told so in English."""
    language = _asked_language(request) or translation.get_language_from_request(
        request
    )
    return _link_answer(request, language, {"invalid": True}, status=400)


def _expired_verification_link(request, signature):
    """410 for a genuine link past its age (a signer reading the e-mail weeks later),
    in the signer's language (the link's prefix says it too), with a way back to the
    petition to sign again: the page a broken link gets (400) told them their link
    did not work, and no more. ``signature`` is None once pending signatures were
    purged: the link's prefix, else the browser, says the language then."""
    language = _asked_language(request) or (
        signature.language
        if signature is not None and signature.language in LANGUAGE_CODES
        else translation.get_language_from_request(request)
    )
    page = (
        PetitionPage.objects.live().filter(pk=signature.page_id).first()
        if signature is not None and signature.page_id
        else None
    )
    context = {
        "expired": True,
        "valid_days": petitions.VERIFY_MAX_AGE // (24 * 3600),
        "petition_url": localized_url(page, language) if page else "",
    }
    return _link_answer(request, language, context, status=410)


def _link_answer(request, language: str, context: dict, *, status: int):
    """The verification page for a link that cannot be used, rendered in
    ``language``, which depends on the link and the browser (Vary)."""
    with translation.override(language):
        response = TemplateResponse(
            request, "campaigns/verify_signature.html", context, status=status
        )
        response.render()
    response["Content-Language"] = language
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _lists(list_ids: list[int]) -> list:
    """The lists a verification link confirms too, named in the active language."""
    from subscribers.models import MailingList

    if not list_ids:
        return []
    return list(MailingList.objects.filter(pk__in=list_ids).with_translations())


def _asked_language(request) -> str:
    """The language the address asks for: its prefix, else ``?language=``."""
    asked = request.GET.get("language", "")
    return translation.get_language_from_path(request.path_info) or (
        asked if asked in LANGUAGE_CODES else ""
    )
