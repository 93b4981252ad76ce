"""Public subscriber pages: signup, confirmation, one-click unsubscribe, preferences."""

import json

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cms import ratelimit
from cms.embed import allow_framing_by, refuse_posts_from_other_sites
from cms.languages import localized_url
from cms.private_links import not_indexed
from cms.redirects import see_other
from cms.routing import public_pages, refuse_restricted

from . import services, tokens
from .addresses import display_email
from .forms import (
    EmailChangeForm,
    EmbeddedSignupForm,
    EraseForm,
    NewLinkForm,
    PreferencesForm,
    SignupForm,
)
from .models import EmailChange, SignupPage, Subscriber, Subscription


def _message(
    request, *, status: int, title: str, text: str, link: tuple[str, str] | None = None
) -> HttpResponse:
    """``link``: (address, words) of the way on the text asks the reader to take."""
    context = {"title": title, "text": text, "link": link}
    return render(request, "subscribers/message.html", context, status=status)


def _sign_up_again() -> tuple[str, str] | None:
    """A link to the signup page in the active language, for a confirmation link that
    is expired or broken: its page tells the reader to sign up again."""
    page = _signup_page_for(None)
    return (localized_url(page), _("Sign up again")) if page else None


def _bad_link(
    request, *, offer_new_link: bool = False, link: tuple[str, str] | None = None
) -> HttpResponse:
    """400 for a cut-off or altered link; an unsubscribe or preferences link's page
    also offers to e-mail a new one, so the reader is not left stuck; ``link``: a way
    on to show under the message (``_message``)."""
    if offer_new_link:
        return _new_link_page(request, NewLinkForm(), status=400, bad_link=True)
    return _message(
        request,
        status=400,
        title=_("This link is not valid"),
        text=_("Please check that you opened the whole link from the e-mail."),
        link=link,
    )


def _new_link_page(
    request, form: NewLinkForm, *, status: int, bad_link: bool = False
) -> HttpResponse:
    """The form asking for an address; ``bad_link``: shown in place of a cut-off or
    altered link's page, which it says first (opened on its own, it only asks)."""
    context = {
        "form": form,
        "action": reverse("subscribers:new_link"),
        "bad_link": bad_link,
    }
    return render(request, "subscribers/bad_link.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@not_indexed
def new_link(request: HttpRequest) -> HttpResponse:
    """Mail a new link to a typed address, for whoever holds a broken link. The
    answer is the same for a known, unknown, suppressed or throttled address."""
    _use_language(request)
    if request.method != "POST":
        return _new_link_page(request, NewLinkForm(), status=200)
    if not ratelimit.client_allowed(request, "link-request"):
        return ratelimit.retry_after(_too_many(request), "link-request.client")
    form = NewLinkForm(request.POST)
    if not form.is_valid():
        return _new_link_page(request, form, status=400)
    if not form.is_bot:
        services.request_preferences_link_for_address(form.cleaned_data["email"])
    return _message(
        request,
        status=200,
        title=_("Check your e-mail"),
        text=_(
            "If this address is on our lists, we have sent it a new link to your "
            "preferences. It can take a few minutes to arrive."
        ),
    )


def _use_language(request, *, link: bool = False) -> None:
    """URL prefix first; else a language asked for (the language switcher's link to
    the default language, which has no prefix); else, on a genuine link's page, the
    default language (what a link without a prefix was mailed in), else the browser's.

    Never the stored person's language: on a link without a prefix it answered in
    theirs while the person existed and otherwise not, so whoever holds a forwarded
    link learnt whether its reader had erased their data (and their language)."""
    if translation.get_language_from_path(request.path_info):
        return
    fallback = (
        settings.LANGUAGE_CODE
        if link
        else translation.get_language_from_request(request)
    )
    language = _url_language(request) or fallback
    translation.activate(language)
    request.LANGUAGE_CODE = language


def handle_signup_post(request: HttpRequest, page: SignupPage, form) -> str:
    """Check and record a posted signup form the same way for every door (the page,
    the embedded form): "limited", "invalid" or "done"."""
    if not ratelimit.client_allowed(request, "signup"):
        return "limited"
    if not form.is_valid():
        return "invalid"
    data = form.cleaned_data
    # Bots and repeated submissions get the same answer as everyone else, so the
    # page never tells whether an address is known, suppressed or throttled; and
    # the same work, kept for the worker, so its timing does not tell either.
    if not form.is_bot and ratelimit.address_allowed(data["email"], "signup"):
        services.submit_signup(
            email=data["email"],
            language=data["language"],
            list_ids=[item.pk for item in data["lists"]],
            source=Subscription.Source.SIGNUP,
            name=data["name"],
            zip_code=data["zip_code"],
            page_id=page.pk,
        )
    return "done"


def _too_many(request) -> HttpResponse:
    return _message(
        request,
        status=429,
        title=_("Too many attempts"),
        text=_("Please wait a little and try again."),
    )


def serve_signup_page(request: HttpRequest, page: SignupPage) -> HttpResponse:
    response = _signup_page_response(request, page)
    # A CSRF token and, after a refusal, what the reader typed: never kept by a shared
    # cache in front (as never_cache on the other subscriber pages). The page cache
    # never stores it either (it is not marked cacheable).
    add_never_cache_headers(response)
    return response


def _signup_page_response(request: HttpRequest, page: SignupPage) -> HttpResponse:
    lists = page.offered_lists()
    context = page.get_context(request)
    template = page.get_template(request)
    if request.method == "POST":
        form = SignupForm(request.POST, lists=lists)
        outcome = handle_signup_post(request, page, form)
        if outcome == "limited":
            return ratelimit.retry_after(_too_many(request), "signup.client")
        if outcome == "invalid":
            return TemplateResponse(
                request, template, {**context, "form": form}, status=400
            )
        return TemplateResponse(
            request,
            template,
            {**context, "done": True, "title_status": _("Check your e-mail")},
        )
    form = SignupForm(lists=lists, initial={"language": translation.get_language()})
    return TemplateResponse(request, template, {**context, "form": form})


def _visitor_translation(request, page: SignupPage) -> SignupPage:
    """The page in the visitor's language (URL prefix, else their browser's), when it
    is translated; otherwise the page itself, inside the visitor's own chrome."""
    language = translation.get_language_from_path(request.path_info)
    if not language:
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
    translated = (
        public_pages(SignupPage.objects.live())
        .filter(
            translation_key=page.translation_key,
            locale__language_code=translation.get_language(),
        )
        .first()
    )
    return translated or page


@csrf_exempt  # EmbeddedSignupForm checks its own signed token instead.
@xframe_options_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@refuse_posts_from_other_sites
def embed_signup(request: HttpRequest, page_id: int) -> HttpResponse:
    """The signup form partner sites frame: same answers and limits as the page, and
    404 for a page this visitor may not see (a view restriction)."""
    page = get_object_or_404(SignupPage.objects.live(), pk=page_id)
    refuse_restricted(request, page.get_view_restrictions())
    page = _visitor_translation(request, page)
    lists = page.offered_lists()
    template = "subscribers/signup_embed.html"
    context = {
        "page": page,
        "page_url": page.get_full_url(request) or "",
        "form_action": reverse("subscribers:embed", args=[page_id]),
    }
    status = 200
    if request.method == "POST":
        form = EmbeddedSignupForm(request.POST, lists=lists, page_id=page_id)
        outcome = handle_signup_post(request, page, form)
        if outcome == "done":
            context["done"] = True
        elif outcome == "limited":
            status = 429
            context["form_error"] = _("Please wait a little and try again.")
            form = EmbeddedSignupForm(lists=lists, page_id=page_id)
        else:
            status = 400
        context["form"] = form
    else:
        context["form"] = EmbeddedSignupForm(
            lists=lists,
            page_id=page_id,
            initial={"language": translation.get_language()},
        )
    response = TemplateResponse(request, template, context, status=status)
    allow_framing_by(response, settings.SIGNUP_FRAME_ANCESTORS)
    if status == 429:
        ratelimit.retry_after(response, "signup.client")
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@not_indexed
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        payload = tokens.read_confirm_token(token)
        list_ids = [int(item) for item in payload.get("l", [])]
        page_id = payload.get("p")
        if page_id is not None and not isinstance(page_id, int):
            raise signing.BadSignature("page id")
    except signing.SignatureExpired:
        _use_language(request)
        return _message(
            request,
            status=410,
            title=_("This link has expired"),
            text=_("Please sign up again: we will send you a new link."),
            link=_sign_up_again(),
        )
    except (signing.BadSignature, TypeError, ValueError):
        _use_language(request)
        return _bad_link(request, link=_sign_up_again())
    _use_language(request, link=True)
    subscriber = Subscriber.objects.filter(pk=payload["s"]).first()
    if subscriber is None:
        return _gone(request)
    context = {
        "token": token,
        "preferences_url": tokens.preferences_path(
            subscriber.pk, generation=subscriber.link_generation
        ),
    }
    if request.method == "POST":
        services.confirm_subscription(
            subscriber_id=subscriber.pk,
            list_ids=list_ids,
            page_id=page_id,
            # The language of the mail confirmed (its link's), or the one the
            # reader switched this page to before pressing the button.
            language=translation.get_language(),
        )
        return see_other(request.get_full_path())
    statuses = set(
        subscriber.subscriptions.filter(mailing_list_id__in=list_ids).values_list(
            "status", flat=True
        )
    )
    if Subscription.Status.PENDING not in statuses and (
        Subscription.Status.CONFIRMED not in statuses
    ):
        # Left since (or the pending signup was purged): its button would confirm
        # nothing, so the page says so and points at the signup page, which asks
        # for a fresh confirmation instead of reviving this old one.
        context["join_page"] = _signup_page_for(page_id)
        return render(request, "subscribers/confirm_used.html", context, status=410)
    # Joined and none waits: the page shows the result (after the redirect, on
    # reload), which whoever holds the link could see by pressing its button anyway.
    context["done"] = Subscription.Status.PENDING not in statuses
    return render(request, "subscribers/confirm.html", context)


def _signup_page_for(page_id: int | None) -> SignupPage | None:
    """The public signup page the link came from, else the site's first one."""
    pages = public_pages(SignupPage.objects.live())
    return (page_id and pages.filter(pk=page_id).first()) or pages.filter(
        locale__language_code=settings.LANGUAGE_CODE
    ).order_by("path").first()


def _gone(request) -> HttpResponse:
    return _message(
        request,
        status=410,
        title=_("This link no longer works"),
        text=_("We no longer hold any details for this link."),
    )


@csrf_exempt  # RFC 8058: mail clients POST with no cookie, session or CSRF token.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@not_indexed
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        parsed = tokens.read_unsubscribe_token(token)
    except tokens.InvalidToken:
        _use_language(request)
        return _bad_link(request, offer_new_link=True)
    _use_language(request, link=True)
    # No link into the preference centre here: this link sits in every message's
    # headers, where forwards and archives carry it. The owner can have a fresh
    # preferences link e-mailed to the address instead.
    context = {"token": token}
    posted = _form_fields(request)
    if request.method == "POST" and posted.get("action") == "send_link":
        # Not whether the owner has asked for links today: "already sent today" came
        # only for a person still here, so three presses told whoever holds a
        # forwarded message whether its reader had erased their data.
        return _send_preferences_link(request, parsed.subscriber_id, tell_limited=False)
    if request.method == "POST":
        services.unsubscribe(
            subscriber_id=parsed.subscriber_id, mailing_id=parsed.mailing_id
        )
        if posted.get("from_page"):
            # Our page's button; a mail client's RFC 8058 POST gets the page itself.
            return see_other(_with_query(request, done="1"))
        context["done"] = True
    elif request.GET.get("done"):
        # "done" says nothing about the subscriber: the same text whoever asks.
        context["done"] = True
    if context.get("done"):
        # Left everything: the way back is a signup, not the preferences.
        signup_page = _signup_page_for(None)
        context["signup_url"] = localized_url(signup_page) if signup_page else ""
    # A link whose person is gone (erased, or deleted after leaving) asks like any
    # other: "you are unsubscribed" here told whoever holds a forwarded bulletin that
    # its reader erased their data, and told the reader they could sign up again.
    return render(request, "subscribers/unsubscribe.html", context)


def _form_fields(request) -> QueryDict:
    """The POST's form fields; none from a body Django cannot parse (multipart with
    no boundary). RFC 8058 asks only the mail client for ``List-Unsubscribe=One-Click``
    in the body: the POST to the signed link is the request to unsubscribe, so a
    client's malformed body must not turn it into a 400 that unsubscribes nobody."""
    try:
        return request.POST
    except MultiPartParserError:
        return QueryDict()


def _with_query(request, **params) -> str:
    query = request.GET.copy()
    query.update(params)
    return f"{request.path}?{query.urlencode()}"


def _send_preferences_link(
    request, subscriber_id: int, *, tell_limited: bool = True
) -> HttpResponse:
    """Mail a fresh preferences link to the link's owner; the page says the same
    whether or not we still hold the address, and with ``tell_limited=False`` also
    whether or not one went out."""
    if not ratelimit.client_allowed(request, "link-request"):
        return ratelimit.retry_after(
            _message(
                request,
                status=429,
                title=_("Too many attempts"),
                text=_("Please wait a little and try again."),
            ),
            "link-request.client",
        )
    if not tell_limited:
        # Asked from a bulletin's footer, which forwards carry: whether the owner
        # has asked for links today is theirs to know, and whether they are still
        # here is nobody's (the worker looks them up).
        services.request_preferences_link_for_link(subscriber_id=subscriber_id)
        text = _(
            "If we still hold this address, we have sent it a link today. Please "
            "look for it, in your spam folder too. It can take a few minutes to arrive."
        )
    elif (
        services.request_preferences_link(subscriber_id=subscriber_id)
        == services.LinkRequest.LIMITED
    ):
        # Whoever asks holds a link that reached this address: saying so tells them
        # nothing new, and "we have sent" would be untrue.
        text = _(
            "We have already sent this address links to your preferences today. "
            "Please look for them, in your spam folder too, or ask again tomorrow."
        )
    else:
        text = _(
            "If we still hold this address, we have sent it a new link to your "
            "preferences. It can take a few minutes to arrive."
        )
    return _message(request, status=200, title=_("Check your e-mail"), text=text)


def _expired_link(request, expired: tokens.ExpiredToken) -> HttpResponse:
    """A genuine link past its age. A footer's link travels with forwards: it answers
    as for a live one, in the link's language (English without a prefix), not the
    browser's when the person is gone, and never says whether the owner asked for
    links today; either told its holder whether the reader had erased their data."""
    _use_language(request, link=True)
    if request.method == "POST" and request.POST.get("action") == "send_link":
        return _send_preferences_link(
            request, expired.subscriber_id, tell_limited=expired.mailed
        )
    context = {
        "mailed": expired.mailed,
        "valid_days": settings.SUBSCRIBERS_PREFERENCES_LINK_DAYS,
        "valid_hours": settings.SUBSCRIBERS_MAILED_LINK_HOURS,
    }
    return render(request, "subscribers/link_expired.html", context, status=410)


def _replaced_link(
    request, subscriber_id: int, *, tell_limited: bool = True
) -> HttpResponse:
    """A genuine link made before the owner asked for a new one: revoked.
    ``tell_limited``: see _send_preferences_link (off for a footer's link)."""
    if request.method == "POST" and request.POST.get("action") == "send_link":
        return _send_preferences_link(request, subscriber_id, tell_limited=tell_limited)
    return render(request, "subscribers/link_replaced.html", status=410)


def masked_address(email: str) -> str:
    """The address as f•••@example.org: enough for the owner to recognise, not for a
    forward's reader to learn or use."""
    local, _at, domain = email.rpartition("@")
    return f"{local[:1]}\u2022\u2022\u2022@{domain}"


def _mailed_link_only(request) -> HttpResponse:
    return _message(
        request,
        status=403,
        title=_("Please use the link we e-mail you"),
        text=_(
            "The link in our newsletters cannot download or erase your data, or "
            "change your e-mail address, because newsletters get forwarded. Ask for "
            "a link on your preferences page: we e-mail it to you."
        ),
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@not_indexed
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = tokens.read_preferences_token(token)
    except tokens.ExpiredToken as expired:
        return _expired_link(request, expired)
    except tokens.InvalidToken:
        _use_language(request)
        return _bad_link(request, offer_new_link=True)
    _use_language(request, link=True)
    subscriber = Subscriber.objects.filter(pk=link.subscriber_id).first()
    if subscriber is None and not link.full_access:
        # A footer's link travels with forwards: "we no longer hold any details"
        # told whoever holds a forwarded bulletin that its reader erased their data
        # (or left and was forgotten). It answers as a link its owner replaced.
        return _replaced_link(request, link.subscriber_id, tell_limited=False)
    if subscriber is None:
        return _gone(request)
    if link.generation < subscriber.link_generation:
        return _replaced_link(request, subscriber.pk, tell_limited=link.full_access)
    services.open_preferences_link(subscriber=subscriber, generation=link.generation)

    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "send_link":
        # Before the form's query: a person gone answers without it (above), so
        # its time told them apart.
        return _send_preferences_link(request, subscriber.pk, tell_limited=False)
    status, notice, join_page = 200, "", None
    if request.method != "POST" and request.GET.get("saved") in ("1", "join"):
        notice, join_page = _saved_notice(request.GET["saved"] == "1")
    form = _preferences_form(subscriber)
    erase_form = EraseForm()
    change_form = EmailChangeForm()
    if action == "save":
        form = _preferences_form(subscriber, request.POST)
        if form.is_valid():
            accepted = services.update_preferences(
                subscriber_id=subscriber.pk,
                language=form.cleaned_data["language"],
                list_ids=[item.pk for item in form.cleaned_data["lists"]],
            )
            translation.activate(form.cleaned_data["language"])
            shown = _url_language(request) or settings.LANGUAGE_CODE
            if shown != form.cleaned_data["language"]:
                # The address says another language (one without a prefix says the
                # default), which would win on a reload or a bookmark: move to the
                # chosen language's own address.
                return see_other(_saved_preferences_url(token, accepted))
            notice, join_page = _saved_notice(accepted)
            subscriber.refresh_from_db()
            form = _preferences_form(subscriber)
        else:
            status = 400
    elif action in ("download", "erase", "change_email") and not link.full_access:
        return _mailed_link_only(request)
    elif action == "change_email":
        if not ratelimit.client_allowed(request, "link-request"):
            return ratelimit.retry_after(_too_many(request), "link-request.client")
        change_form = EmailChangeForm(request.POST)
        if change_form.is_valid():
            if not change_form.is_bot:
                services.request_email_change(
                    subscriber_id=subscriber.pk,
                    email=change_form.cleaned_data["new_email"],
                )
            # The same answer for any address: known, unknown, suppressed.
            return _message(
                request,
                status=200,
                title=_("Check your new mailbox"),
                text=_(
                    "We have sent a link to the new address, unless we may not write "
                    "to it. Open the link there to finish: until then our e-mails "
                    "keep going to your current address."
                ),
            )
        status = 400
    elif action == "download":
        return _download(subscriber)
    elif action == "erase":
        erase_form = EraseForm(request.POST)
        if erase_form.is_valid():
            services.erase_subscriber(subscriber_id=subscriber.pk)
            return see_other(_in_reader_language(reverse("subscribers:erased")))
        status = 400
    elif request.method == "POST":
        return _message(
            request,
            status=400,
            title=_("Something went wrong"),
            text=_("Please go back and try again."),
        )
    context = {
        "form": form,
        "erase_form": erase_form,
        "change_form": change_form,
        "notice": notice,
        "title_status": _("Saved") if notice else "",
        "join_page": join_page,
        "token": token,
        "full_access": link.full_access,
        "valid_hours": settings.SUBSCRIBERS_MAILED_LINK_HOURS,
        "email": (
            display_email(subscriber.email)
            if link.full_access
            else masked_address(display_email(subscriber.email))
        ),
        # Leaving everything goes through the unsubscribe page, which asks first.
        "unsubscribe_path": reverse(
            "subscribers:unsubscribe",
            args=[tokens.make_unsubscribe_token(subscriber.pk)],
        ),
    }
    return render(request, "subscribers/preferences.html", context, status=status)


def _saved_notice(accepted: bool):
    """What the preferences page says after a save, and the join page to link to
    when lists were ticked that only a new signup can add."""
    if accepted:
        return _("Your choices are saved."), None
    return (
        _("To join lists again, please sign up on our website and confirm by e-mail."),
        _signup_page_for(None),
    )


def _url_language(request) -> str:
    """The language the address itself asks for (its prefix, or ``?language=``)."""
    asked = request.GET.get("language", "")
    return translation.get_language_from_path(request.path_info) or (
        asked if asked in dict(settings.LANGUAGES) else ""
    )


def _saved_preferences_url(token: str, accepted: bool) -> str:
    """The preferences page in the active language, saying it saved."""
    url = _in_reader_language(reverse("subscribers:preferences", args=[token]))
    mark = "&" if "?" in url else "?"
    return f"{url}{mark}saved={'1' if accepted else 'join'}"


def _in_reader_language(path: str) -> str:
    """``path`` (reversed in the active language) with that language named when its
    prefix does not: the default language has none."""
    if translation.get_language_from_path(path):
        return path
    return f"{path}?{urlencode({'language': translation.get_language()})}"


@never_cache
@require_http_methods(["GET", "HEAD"])
@not_indexed
def erased(request: HttpRequest) -> HttpResponse:
    """Where erasing leads: no token, nothing about anyone, in the reader's language."""
    _use_language(request)
    return _message(
        request,
        status=200,
        title=_("Your details are erased"),
        text=_(
            "We deleted everything we held about you. We keep only a scrambled "
            "code so that we never e-mail this address again."
        ),
    )


def _preferences_form(subscriber: Subscriber, data=None) -> PreferencesForm:
    """Only confirmed lists come ticked: a pending one is someone's unconfirmed
    signup, perhaps a stranger's, and saving the page must not confirm it."""
    statuses = dict(subscriber.subscriptions.values_list("mailing_list_id", "status"))
    confirmed = [
        pk for pk, status in statuses.items() if status == Subscription.Status.CONFIRMED
    ]
    pending = [
        pk for pk, status in statuses.items() if status == Subscription.Status.PENDING
    ]
    return PreferencesForm(
        data,
        initial={"language": subscriber.language, "lists": confirmed},
        pending_ids=pending,
    )


def _download(subscriber: Subscriber) -> HttpResponse:
    data = services.export_subscriber_data(subscriber_id=subscriber.pk)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


def _change_link_gone(request) -> HttpResponse:
    return _message(
        request,
        status=410,
        title=_("This link no longer works"),
        text=_(
            "It has been used, has expired or was replaced by a newer one. You can "
            "ask again on your preferences page."
        ),
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@not_indexed
def change_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to a new address: a button (mail scanners open links, so GET
    changes nothing) that moves the subscriber to it."""
    try:
        subscriber_id, change_id = tokens.read_email_change_token(token)
    except signing.SignatureExpired:
        _use_language(request, link=True)
        return _change_link_gone(request)
    except signing.BadSignature:
        _use_language(request)
        return _bad_link(request)
    change = (
        EmailChange.objects.select_related("subscriber")
        .filter(pk=change_id, subscriber_id=subscriber_id)
        .first()
    )
    _use_language(request, link=True)
    if change is None:
        return _change_link_gone(request)
    if request.method == "POST":
        if not services.change_email(subscriber_id=subscriber_id, change_id=change_id):
            return _change_link_gone(request)
        subscriber = Subscriber.objects.get(pk=subscriber_id)
        preferences_path = reverse(
            "subscribers:preferences",
            args=[
                tokens.make_mailed_preferences_token(
                    subscriber.pk, generation=subscriber.link_generation
                )
            ],
        )
        return render(
            request,
            "subscribers/change_email.html",
            {"done": True, "preferences_url": _in_reader_language(preferences_path)},
        )
    return render(request, "subscribers/change_email.html", {"done": False})
