"""``<id:...>`` in our URL patterns: a row id as the database can hold it.

Django's ``<int:...>`` takes any run of digits, and a public URL with a twenty-digit id
(``/_events/99999999999999999999/places/``) reached the database: SQLite cannot bind
an integer past 2**63 - 1 (OverflowError, a 500). Ids here have at most 18 digits (a
64-bit id has 19, and no table of ours comes near either); a longer one matches no
URL, so the answer is a plain 404.
"""

from django.urls import register_converter


class DatabaseId:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(DatabaseId, "id")
