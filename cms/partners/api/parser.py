"""The API's JSON reader: refuses an object that names a key twice.

Python's json keeps the last of two equal keys without a word, while a validating
proxy, a WAF or the partner's own log may keep the first: ``{"address": "a@x",
"address": "b@y"}`` would be checked as one address and stored as the other. RFC 8259
leaves such an object's meaning undefined, so it is refused (a 400,
``duplicate_key``) before any endpoint runs. ``NaN`` and ``Infinity``, which Python
reads and JSON does not have, are refused for the same reason (a 400, "not valid
JSON").
"""

import json

from ninja.parser import Parser


class DuplicateKeyError(ValueError):
    """A JSON object in the body names ``key`` more than once."""

    def __init__(self, key: str):
        super().__init__(f"duplicate key {key!r}")
        self.key = key


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKeyError(key)
        seen[key] = value
    return seen


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class StrictJsonParser(Parser):
    def parse_body(self, request):
        return json.loads(
            request.body,
            object_pairs_hook=_refuse_duplicates,
            parse_constant=_refuse_constant,
        )
