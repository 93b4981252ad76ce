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
from django.db.models import BooleanField, F, Func
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
        return PageViewRestriction.objects.filter(Keeps(F("page_id"), path=self.path))


# An alias of an alias names the alias it was made from (Wagtail's create_alias):
# sources are followed this many steps.
ALIAS_HOPS = ("alias_of", "alias_of__alias_of", "alias_of__alias_of__alias_of")


def public_pages(queryset, *, passed: Page | None = None):
    """``queryset`` without the pages under a view restriction (on the page or an
    ancestor): Wagtail's ``public()`` in the same query, where Wagtail's first reads
    every restriction (one more query per list, and the home page makes a dozen).
    ``passed``: the listing page whose children these are; its readers passed its own
    restrictions and its ancestors' (Wagtail checks them before serving it, and a
    reader with a session is never served from the page cache), so only restrictions
    below it count."""
    return queryset.filter(
        NotKept(F("path"), deeper_than=passed.depth if passed is not None else 0)
    )


class NotKept(Func):
    """True for a page that no view restriction keeps (see the module's docstring):
    none on the page or an ancestor, none on the default-locale source of either,
    and neither is an alias (up to ALIAS_HOPS steps) of a page at or under one kept
    so. Only kept pages deeper than ``deeper_than`` count.

    Written as SQL (both backends' SUBSTR and LENGTH) rather than built with the ORM
    on each use: the same three subqueries as ORM expressions took Django longer to
    resolve and compile than the rest of an event listing's work together (the
    listing's CPU doubled when the alias rule came; bench/RESULTS.md). An ancestor's
    path is a prefix of the page's (treebeard), compared as a SUBSTR equality: a
    LIKE would need its wildcards escaped."""

    output_field = BooleanField()

    def __init__(self, path, *, deeper_than: int = 0):
        super().__init__(path)
        self.deeper_than = int(deeper_than)

    def as_sql(self, compiler, connection, **extra_context):
        path_sql, path_params = compiler.compile(self.source_expressions[0])
        if path_params:
            raise ValueError("NotKept takes a column, not a value")
        language, deeper = _source_language(), self.deeper_than
        # The parameters in the order NOT_KEPT_SQL names them.
        params = [deeper, language, deeper, deeper, language]
        return f"({NOT_KEPT_SQL.replace('PATH', path_sql).strip()})", params


# ``PATH`` stands for the page's path column; the parameters, in order: DEEPER_THAN,
# the default language, DEEPER_THAN, DEEPER_THAN, the default language.
NOT_KEPT_SQL = """
NOT EXISTS (
    -- A restriction on the page or an ancestor.
    SELECT 1 FROM wagtailcore_pageviewrestriction r
    INNER JOIN wagtailcore_page rp ON rp.id = r.page_id
    WHERE rp.depth > %s AND rp.path = SUBSTR(PATH, 1, LENGTH(rp.path)))
AND NOT EXISTS (
    -- The page or an ancestor is a translation of a restricted default-locale page.
    SELECT 1 FROM wagtailcore_page tp
    WHERE tp.translation_key IN (
        SELECT sp.translation_key FROM wagtailcore_pageviewrestriction sr
        INNER JOIN wagtailcore_page sp ON sp.id = sr.page_id
        INNER JOIN wagtailcore_locale sl ON sl.id = sp.locale_id
        WHERE sl.language_code = %s)
    AND tp.depth > %s AND tp.path = SUBSTR(PATH, 1, LENGTH(tp.path)))
AND NOT EXISTS (
    -- The page or an ancestor is an alias (of an alias, ALIAS_HOPS steps) of a page
    -- at or under a page kept by either rule above.
    SELECT 1 FROM wagtailcore_page ap
    INNER JOIN wagtailcore_page h1 ON h1.id = ap.alias_of_id
    LEFT OUTER JOIN wagtailcore_page h2 ON h2.id = h1.alias_of_id
    LEFT OUTER JOIN wagtailcore_page h3 ON h3.id = h2.alias_of_id
    WHERE ap.depth > %s AND ap.path = SUBSTR(PATH, 1, LENGTH(ap.path))
    AND EXISTS (
        SELECT 1 FROM wagtailcore_page root
        WHERE (
            EXISTS (
                SELECT 1 FROM wagtailcore_pageviewrestriction rr
                WHERE rr.page_id = root.id)
            OR root.translation_key IN (
                SELECT sp.translation_key FROM wagtailcore_pageviewrestriction sr
                INNER JOIN wagtailcore_page sp ON sp.id = sr.page_id
                INNER JOIN wagtailcore_locale sl ON sl.id = sp.locale_id
                WHERE sl.language_code = %s))
        AND (root.path = SUBSTR(h1.path, 1, LENGTH(root.path))
            OR root.path = SUBSTR(h2.path, 1, LENGTH(root.path))
            OR root.path = SUBSTR(h3.path, 1, LENGTH(root.path)))))
"""


class Keeps(Func):
    """True for a restriction (given its page's id column) that keeps the page at
    ``path`` (see the module's docstring): on the page or an ancestor, or on the
    source of either if it is an alias (ALIAS_HOPS steps) or an ancestor of that
    source, and none of those an alias itself (as in Wagtail, an alias's own
    restriction, the copy Wagtail made with it, gives way to its source's, so the
    reader gives one password, not two); or on the default-locale page of which one
    of those is a translation.

    Written as SQL for the reason ``NotKept`` is: built with the ORM, Django's
    resolving and compiling of the alias hops took a fifth of an uncached page's
    serving. Each restriction's page is looked up by id, and the page's ancestors
    by path (both indexed): the work follows the restrictions, not the pages."""

    output_field = BooleanField()

    def __init__(self, page_id, *, path: str):
        super().__init__(page_id)
        steplen = Page.steplen
        self.ancestors = [path[:end] for end in range(steplen, len(path) + 1, steplen)]

    def as_sql(self, compiler, connection, **extra_context):
        page_id_sql, page_id_params = compiler.compile(self.source_expressions[0])
        if page_id_params:
            raise ValueError("Keeps takes a column, not a value")
        ancestors = self.ancestors
        placeholders = ", ".join(["%s"] * len(ancestors))
        stood_for = _STOOD_FOR_SQL.replace("ANCESTORS", placeholders)
        sql = KEEPS_SQL.replace("STOOD_FOR", stood_for).replace("PAGE_ID", page_id_sql)
        # The parameters in the order KEEPS_SQL names them.
        params = [*ancestors, *ancestors, _source_language(), *ancestors, *ancestors]
        return f"({sql.strip()})", params


# Page ``x`` is one whose restrictions the page answers to, translations aside: the
# page or an ancestor, or the source of one of those that is an alias, or an ancestor
# of that source; and not an alias itself. ``ANCESTORS`` stands for the paths of the
# page and its ancestors, twice.
_STOOD_FOR_SQL = """
    x.alias_of_id IS NULL AND (
        x.path IN (ANCESTORS)
        OR EXISTS (
            SELECT 1 FROM wagtailcore_page o
            INNER JOIN wagtailcore_page h1 ON h1.id = o.alias_of_id
            LEFT OUTER JOIN wagtailcore_page h2 ON h2.id = h1.alias_of_id
            LEFT OUTER JOIN wagtailcore_page h3 ON h3.id = h2.alias_of_id
            WHERE o.path IN (ANCESTORS)
            AND (x.path = SUBSTR(h1.path, 1, LENGTH(x.path))
                OR x.path = SUBSTR(h2.path, 1, LENGTH(x.path))
                OR x.path = SUBSTR(h3.path, 1, LENGTH(x.path)))))"""

# ``PAGE_ID`` stands for the restriction's page column, ``STOOD_FOR`` for the
# condition above; the parameters, in order: the ancestors twice, the default
# language, the ancestors twice.
KEEPS_SQL = """
EXISTS (
    SELECT 1 FROM wagtailcore_page x
    WHERE x.id = PAGE_ID AND STOOD_FOR)
OR EXISTS (
    -- The restriction is on a default-locale page of which one of those is a
    -- translation.
    SELECT 1 FROM wagtailcore_page s
    INNER JOIN wagtailcore_locale sl ON sl.id = s.locale_id
    INNER JOIN wagtailcore_page x ON x.translation_key = s.translation_key
    WHERE s.id = PAGE_ID AND sl.language_code = %s AND STOOD_FOR)
"""


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
