"""Month names Django's Hindi catalogue misspells, in our catalogues.

For the plain month names (the ``F`` of DATE_FORMAT, DATETIME_FORMAT, MONTH_DAY_FORMAT
and YEAR_MONTH_FORMAT) Django's Hindi catalogue has "सितमबर", "नवमबर" and "दिसमबर",
without the anusvara its "alt. month" entries have: every Hindi date in three months
of the year was misspelt, on pages and in e-mails. A msgid in our catalogues wins over
Django's (LOCALE_PATHS come first) in every language, so each of these carries
Django's own name in the other languages (locale/translations/fix-eventmail.json).
Nothing imports this module: it is here for makemessages, as cms/form_messages.py.
"""

from django.utils.translation import gettext_noop

MONTHS = [
    gettext_noop("September"),
    gettext_noop("November"),
    gettext_noop("December"),
]
