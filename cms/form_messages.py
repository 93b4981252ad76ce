"""Django's own messages that public pages and e-mails show, in our catalogues.

Django's Hindi catalogue asks for a valid "postal address" where it means an e-mail
address, garbles the choice message and leaves the length messages in English; its
Arabic one counts 609 bytes as "two bytes" (بايتان) in a document's link. A
msgid in our catalogues wins over Django's (LOCALE_PATHS come first), in every
language, so each of these is translated in all six (locale/translations). Nothing
imports this module: it is here for makemessages.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = [
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Enter a list of values."),
    # Django's Hindi has none, its Chinese says "empty string" (cms/form_errors.py).
    gettext_noop("Null characters are not allowed."),
    gettext_noop(
        "Select a valid choice. %(value)s is not one of the available choices."
    ),
    gettext_noop(
        "Select a valid choice. That choice is not one of the available choices."
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has "
        "%(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has "
        "%(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has "
        "%(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has "
        "%(show_value)d).",
        "limit_value",
    ),
    # filesizeformat, in the size of each document link (cms/blocks.py).
    ngettext_lazy("%(size)d byte", "%(size)d bytes", "size"),
]
