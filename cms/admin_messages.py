"""Wagtail's own editor messages that its catalogues leave in English, in ours.

Wagtail 8.0's Spanish, Simplified Chinese and Polish catalogues lack the page editor's
validation banner ("The page could not be saved due to validation errors.", "Go to
the first error") and its autosave notes, and it has no Hindi catalogue at all, so a
Spanish-speaking staff member whose bulletin did not save was told why in English (the
staff helper's pass); the Arabic one shows the English word "paused" inside its own
sentence. A msgid in our catalogues wins over Wagtail's (LOCALE_PATHS come first), in
every language, so each of these is translated in all six (locale/translations).
Nothing imports this module: it is here for makemessages.
"""

from django.utils.translation import gettext_noop, ngettext

MESSAGES = [
    gettext_noop("The page could not be saved due to validation errors."),
    gettext_noop("The page could not be created due to validation errors."),
    gettext_noop("The page could not be saved as it is locked."),
    gettext_noop("Go to the first error"),
    gettext_noop("There are validation errors, click save to highlight them."),
    gettext_noop("Autosave is paused"),
    # The footer's note while autosave waits ({% blocktranslate trimmed %}).
    gettext_noop("Autosave is <span>paused</span>"),
    gettext_noop("A network error occurred"),
    gettext_noop("You have unsaved changes in another window"),
    gettext_noop("You saved a new version in another window"),
    gettext_noop("Schedule to publish"),
    # Refusals (wagtail.admin.auth), now in the staff member's language
    # (cms.admin_language).
    gettext_noop("Sorry, you do not have permission to access this area."),
    gettext_noop("You do not have permission to access the admin."),
    # Wagtail 8.0's Spanish and Chinese catalogues leave the dashboard's summary, the
    # explorer's title and every empty listing ("There are no bloqueos to display. Why
    # not add one?") in English (the staff helper's crawl of the admin in Spanish).
    gettext_noop("Search all pages…"),
    gettext_noop("Wagtail %(current_version)s editor guide"),
    gettext_noop("Exploring"),
    gettext_noop("There are no results."),
    gettext_noop("There are no %(model_name)s to display."),
    gettext_noop(
        'There are no %(model_name)s to display. Why not <a href="%(add_url)s">add '
        "one</a>?"
    ),
    # Sentences Wagtail builds around a model's name (our verbose_name), worded so
    # the name stands alone: Wagtail's "Editar este %(object)s" read "Editar este
    # suscripción", Polish "usunąć ten subskrypcja", Arabic "تحرير هذا" before a
    # feminine noun. No one verbose_name agrees with a fixed article in every
    # language, so the sentence changes, not the names.
    gettext_noop("Edit this %(object)s"),
    gettext_noop("Are you sure you want to delete this %(model_name)s?"),
    gettext_noop("%(model_name)s '%(object)s' created."),
    gettext_noop("%(model_name)s '%(object)s' updated."),
    gettext_noop("%(model_name)s '%(object)s' deleted."),
    gettext_noop("The %(model_name)s could not be created due to errors."),
    gettext_noop("The %(model_name)s could not be saved due to errors."),
    gettext_noop("New: %(model_name)s"),
    # The same kind, on the page editor's status panel and locks (wagtail.locks, the
    # side panel): Wagtail passes the page's generic name ("strona", "página",
    # "صفحة", all feminine), so a Polish editor of a bulletin in moderation read "Ten
    # strona aktualnie oczekuje na moderację" and "Reviewers can edit this strona" (no
    # Polish at all), an Arabic one "تعديل هذا الصفحة". Worded so the name stands alone.
    gettext_noop("This %(model_name)s is currently awaiting moderation."),
    gettext_noop(
        "This {model_name} is awaiting <b>'{task_name}'</b> in the "
        "<b>'{workflow_name}'</b> workflow."
    ),
    gettext_noop("Only reviewers for this task can edit the %(model_name)s."),
    gettext_noop(
        "Reviewers can edit this %(model_name)s – lock it to prevent other "
        "reviewers from editing"
    ),
    gettext_noop("Only reviewers can edit and approve the %(model_name)s"),
    gettext_noop(
        "Anyone can edit this %(model_name)s – lock it to prevent others from editing"
    ),
    gettext_noop("Anyone can edit this %(model_name)s"),
    gettext_noop("No one can make changes while the %(model_name)s is locked"),
    gettext_noop("Only you can make changes while the %(model_name)s is locked"),
    gettext_noop("Only %(user)s can make changes while the %(model_name)s is locked"),
    # The editor's title: Polish "Edycja Wydarzenie" wants the genitive.
    gettext_noop("Editing %(page_type)s"),
    # And the revision banner and the publish-over-a-workflow question, whose
    # Spanish "publicar este" does not agree with "alerta" or "página".
    gettext_noop(
        "You are viewing a previous version of this %(model_name)s from "
        "<b>%(created_at)s</b> by %(user)s"
    ),
    gettext_noop("Would you still like to publish this %(model_name)s?"),
    gettext_noop("Publishing this %(model_name)s will cancel the current workflow."),
]


def _dashboard_counts():
    """Never called: the dashboard's counts, for makemessages (plural forms)."""
    ngettext(
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
        0,
    )
    ngettext(
        '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Images <span class="w-sr-only">created in %(site_name)s</span>',
        0,
    )
    ngettext(
        '%(total)s Document <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Documents <span class="w-sr-only">created in %(site_name)s</span>',
        0,
    )
