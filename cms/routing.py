"""Cheaper routing and privacy checks for the public pages (issue 18: an uncached page
within ten queries).

Wagtail finds each child by slug as a plain Page and then loads its specific row (two
queries per level), and checks view restrictions with one query for the ancestors and
another for the restrictions. Here a child whose model is known is asked of that model
directly (one query), and the restrictions come in one query.

Every public list of pages (archives, feeds, the home page, search, event listings) and
every door that acts on a page by id (embeds, signing, the partner API) leaves out the
pages under a view restriction with ``public_pages`` and ``refuse_restricted`` below.

A restriction on a page of the default locale (the source staff translate from) keeps
its translations too, and the pages under them: the Spanish or Arabic copy of a private
page tells the same thing (who meets where, which list one is on). Read at each request
rather than copied onto the translations, so a translation made after the restriction
is kept as well. A restriction on a translation keeps that translation only.

An alias tells what its source tells, so it is kept wherever its source is: the
source's own restrictions, those of the source's ancestors and of their default-locale
sources. Wagtail copies a source's restriction onto an alias only when the alias is
made (not a restriction added later), resolves only the alias itself (not its source's
ancestors), and a same-locale alias has a translation key of its own: the Spanish
copy's alias of a private English page answered anyone, in listings too.
"""

from http import HTTPMethod

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.http import Http404
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page, PageViewRestriction

from cms.request_memo import attach_locale

# (parent id, slug) -> the specific model its child had last time, in this process.
# Only a guess: the query below checks it, and a wrong guess costs one query.
_child_models: dict[tuple[int, str], type[Page]] = {}
REMEMBERED_CHILDREN = 5000


class TypedChildRouteMixin:
    """Routes to a child in one query when its model is known (remembered from an
    earlier request, or the index's ``child_page_model``), else as Wagtail does and
    remembers the model. Goes before ``Page`` in the bases."""

    child_page_model: type[Page] | None = None

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        slug = path_components[0]
        model = _child_models.get((self.pk, slug)) or self.child_page_model
        child = None
        if model is not None:
            child = model.objects.child_of(self).filter(slug=slug).first()
        if child is None:
            try:
                child = self.get_children().get(slug=slug).specific
            except Page.DoesNotExist as error:
                raise Http404 from error
            if len(_child_models) >= REMEMBERED_CHILDREN:
                _child_models.clear()
            _child_models[(self.pk, slug)] = type(child)
        child._cached_parent_obj = self  # treebeard's get_parent() reads it
        attach_locale(child)
        return child.route(request, path_components[1:])


def _source_language() -> str:
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


class OneQueryViewRestrictionsMixin:
    """``get_view_restrictions`` as Wagtail defines it (the page's and its ancestors'),
    plus those of an alias's source and the source's ancestors, and those of their
    default-locale sources (see the module's docstring), in one query. Every page
    model has it (tests/security/test_translated_restrictions.py checks), as Wagtail's
    own check before serving a page and the doors past routing all ask this method."""

    # Also, being on every page model, the methods a page answers: what OPTIONS lists
    # (Wagtail's default adds DELETE, PATCH and PUT, which no page takes; those get 405,
    # cms.errors.csrf_failure).
    allowed_http_methods = [
        HTTPMethod.GET,
        HTTPMethod.HEAD,
        HTTPMethod.OPTIONS,
        HTTPMethod.POST,
    ]

    def get_view_restrictions(self):
        steplen = self.steplen
        paths = [self.path[:end] for end in range(steplen, len(self.path) + 1, steplen)]
        own = Page.objects.filter(path__in=paths)

        def stood_for(path_ref):
            # The page at path_ref is this page or an ancestor, or the source of one
            # of them that is an alias (or an ancestor of that source), and no alias
            # itself: as in Wagtail, an alias's own restriction (the copy Wagtail
            # made with it) gives way to its source's, so the reader gives one
            # password, not two.
            alias_field = path_ref.replace("path", "alias_of")
            return Q(**{f"{alias_field}__isnull": True}) & (
                Q(**{f"{path_ref}__in": paths})
                | _any(
                    Exists(
                        own.filter(**{f"{hop}__path__startswith": OuterRef(path_ref)})
                    )
                    for hop in ALIAS_HOPS
                )
            )

        translations_stood_for = Page.objects.filter(
            stood_for("path"), translation_key=OuterRef("page__translation_key")
        )
        return PageViewRestriction.objects.filter(
            stood_for("page__path")
            | Q(
                Exists(translations_stood_for),
                page__locale__language_code=_source_language(),
            )
        )


# An alias of an alias names the alias it was made from (Wagtail's create_alias):
# sources are followed this many steps.
ALIAS_HOPS = ("alias_of", "alias_of__alias_of", "alias_of__alias_of__alias_of")


def _any(conditions):
    combined = Q()
    for condition in conditions:
        combined |= Q(condition)
    return combined


def public_pages(queryset, *, passed: Page | None = None):
    """``queryset`` without the pages under a view restriction (on the page or an
    ancestor): Wagtail's ``public()`` in the same query, where Wagtail's first reads
    every restriction (one more query per list, and the home page makes a dozen).
    ``passed``: the listing page whose children these are; its readers passed its own
    restrictions and its ancestors' (Wagtail checks them before serving it, and a
    reader with a session is never served from the page cache), so only restrictions
    below it count."""
    restrictions = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    # The page or an ancestor is a translation of a restricted default-locale page.
    restricted_sources = PageViewRestriction.objects.filter(
        page__locale__language_code=_source_language()
    ).values("page__translation_key")
    translations_of_restricted = Page.objects.filter(
        translation_key__in=restricted_sources,
        path=Substr(OuterRef("path"), 1, Length("path")),
    )
    # The page or an ancestor is an alias of a page kept by either rule above.
    kept_roots = Page.objects.filter(
        Q(pk__in=PageViewRestriction.objects.values("page_id"))
        | Q(translation_key__in=restricted_sources)
    )
    aliases_of_kept = Page.objects.filter(
        _any(
            Q(
                Exists(
                    kept_roots.filter(
                        path=Substr(OuterRef(f"{hop}__path"), 1, Length("path"))
                    )
                ),
                **{f"{hop}__isnull": False},
            )
            for hop in ALIAS_HOPS
        ),
        path=Substr(OuterRef("path"), 1, Length("path")),
    )
    if passed is not None:
        restrictions = restrictions.filter(page__depth__gt=passed.depth)
        translations_of_restricted = translations_of_restricted.filter(
            depth__gt=passed.depth
        )
        aliases_of_kept = aliases_of_kept.filter(depth__gt=passed.depth)
    return queryset.filter(
        ~Exists(restrictions),
        ~Exists(translations_of_restricted),
        ~Exists(aliases_of_kept),
    )


def refuse_restricted(request, restrictions) -> None:
    """404 unless this request passed every one of a page's view restrictions (the
    password given in this session, signed in, in the group): a door past Wagtail's
    routing answers for a restricted page as for a missing one."""
    restrictions = list(restrictions)
    if restrictions and request is not None:
        _with_session_and_user(request)
    for restriction in restrictions:
        if request is None or not restriction.accept_request(request):
            raise Http404


def _with_session_and_user(request) -> None:
    """The sign and RSVP doors run a lean middleware stack without sessions
    (cms/lean_posts.py), and a restriction reads the session (a password given) or the
    user: read them here, lazily as the middleware would, only for a restricted page."""
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware

    if not hasattr(request, "session"):
        SessionMiddleware(lambda _request: None).process_request(request)
    if not hasattr(request, "user"):
        AuthenticationMiddleware(lambda _request: None).process_request(request)
