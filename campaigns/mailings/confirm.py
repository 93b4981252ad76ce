"""The confirmation step of every mass action (send now, schedule, send an alert,
approve it, send an update, cancel an event).

An action's first POST only renders a confirmation screen that names the audience
(people, per language and per list) and what will go out; the action runs when that
screen is submitted with ``confirmed=1``. Leaving the screen ("No, go back") does
nothing. It is plain HTML: no script, so it works under a strict Content-Security-Policy.
"""

from functools import wraps

from django.http import HttpRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from cms.admin_ui import AdminScreenMixin
from cms.languages import language_label

CONFIRM_FIELD = "confirmed"


def post_only(back_to: str, load):
    """Like require_POST, but a GET of an action's URL goes to the mailing's (or the
    alert's) own page, ``back_to`` with its pk, for whoever ``load(user, pk)`` lets
    see it (others are refused as by the action itself).

    The confirmation screen is the answer to a POST at the action's URL, so a reload
    from the address bar or a Back onto it is a GET there; that gave a blank 405.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, pk, *args, **kwargs):
            if request.method in ("GET", "HEAD"):
                load(request.user, pk)
                return redirect(back_to, pk)
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, pk, *args, **kwargs)

        return wrapped

    return decorator


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRM_FIELD) == "1"


def number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def language_name(code: str) -> str:
    """The staff-readable name, as everywhere in the admin (cms.languages)."""
    return language_label(code)


def audience_phrase(breakdown: dict) -> str:
    """ "2,314 people in 4 languages on 2 lists"."""
    total = breakdown["total"]
    languages = len([code for code, people in breakdown["by_language"] if people])
    lists = len(breakdown["by_list"])
    people = ngettext("%(count)s person", "%(count)s people", total) % {
        "count": number(total)
    }
    in_languages = ngettext(
        "in %(count)s language", "in %(count)s languages", languages
    ) % {"count": number(languages)}
    on_lists = ngettext("on %(count)s list", "on %(count)s lists", lists) % {
        "count": number(lists)
    }
    return _("%(people)s %(languages)s %(lists)s") % {
        "people": people,
        "languages": in_languages,
        "lists": on_lists,
    }


def carried_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The first POST's fields, carried as hidden inputs to the confirmed POST."""
    skip = {"csrfmiddlewaretoken", CONFIRM_FIELD}
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in skip
        for value in values
    ]


class ConfirmView(AdminScreenMixin, TemplateView):
    template_name = "campaigns/admin/confirm_action.html"
    header_icon = "warning"
    parents: tuple = ()

    def get_parent_crumbs(self):
        return list(self.parents)

    def post(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())


def confirmation(
    request: HttpRequest,
    *,
    title: str,
    question: str,
    breakdown: dict,
    confirm_label: str,
    back_url: str,
    parents: list[tuple[str, str]],
    outgoing: list[tuple[str, str]] = (),
    versions: list[dict] = (),
    notes: list[str] = (),
    danger: bool = False,
):
    """The confirmation screen: ``question`` names the audience, ``outgoing`` lists
    (label, text) of what goes out, ``versions`` its subject and message per language
    (language, direction, name, subject, message), ``notes`` anything the sender
    must know first."""
    context = {
        "question": question,
        "breakdown": breakdown,
        "by_language": [
            (language_name(code), people) for code, people in breakdown["by_language"]
        ],
        "outgoing": list(outgoing),
        "versions": list(versions),
        "notes": list(notes),
        "confirm_label": confirm_label,
        "back_url": back_url,
        "fields": carried_fields(request),
        "action_url": request.path,
        "danger": danger,
    }
    view = ConfirmView.as_view(
        page_title=title, parents=tuple(parents), extra_context=context
    )
    return view(request)
