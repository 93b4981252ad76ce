"""Locales looked up once per request instead of once per template tag.

Wagtail asks for the active locale (``Locale.get_active``) wherever a page is localised:
routing, the menu, every block that lists pages... each a query for the same row. Within
one request the answer cannot change, so ``get_for_language`` is remembered from
``request_started`` to ``request_finished``; outside a request (tasks, commands, tests
that call code directly) it queries as before. Nothing outlives the request, so a
locale added or removed, or a test database rolled back, is never served stale.
"""

from contextvars import ContextVar

from django.core.signals import request_finished, request_started
from wagtail.models.i18n import LocaleManager

_locales: ContextVar[dict | None] = ContextVar("request_locales", default=None)
_original_get_for_language = LocaleManager.get_for_language


def _get_for_language(manager, language_code):
    memo = _locales.get()
    if memo is None:
        return _original_get_for_language(manager, language_code)
    if language_code not in memo:
        memo[language_code] = _original_get_for_language(manager, language_code)
    return memo[language_code]


def locale_by_id(locale_id):
    """The request's remembered Locale with this id, or None."""
    memo = _locales.get() or {}
    return next((item for item in memo.values() if item.pk == locale_id), None)


def attach_locale(*pages) -> None:
    """Give pages the request's Locale object so ``page.locale`` costs no query."""
    for page in pages:
        if page is None or "locale" in page._state.fields_cache:
            continue
        locale = locale_by_id(page.locale_id)
        if locale is not None:
            page._state.fields_cache["locale"] = locale


def _start(**kwargs) -> None:
    _locales.set({})


def _finish(**kwargs) -> None:
    _locales.set(None)


def connect() -> None:
    LocaleManager.get_for_language = _get_for_language
    request_started.connect(_start, dispatch_uid="request-memo-start")
    request_finished.connect(_finish, dispatch_uid="request-memo-finish")
