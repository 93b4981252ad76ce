"""Merge translations from JSON files into the catalogues, then compile them.

    python bin/po_fill.py translations.json   # {"msgid": {"es": "...", "ar": "...", ...}}
    python bin/po_fill.py                     # every locale/translations/*.json

Each piece of work keeps its translations in its own JSON file under
locale/translations/, so two branches that add strings never conflict there; after a
merge, `make messages` rebuilds the catalogues from the merged code and every JSON file.

Compiles with polib, so no GNU gettext is needed on the machine.
"""

import json
import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"es": "es", "hi": "hi", "zh-hans": "zh_Hans", "ar": "ar", "pl": "pl"}


def plural_forms(catalogue: polib.POFile) -> int:
    header = catalogue.metadata.get("Plural-Forms", "")
    match = re.search(r"nplurals\s*=\s*(\d+)", header)
    return int(match.group(1)) if match else 2


def main(argv: list[str]) -> int:
    sources = (
        [Path(argv[1])]
        if len(argv) > 1
        else sorted((ROOT / "locale" / "translations").glob("*.json"))
    )
    table: dict = {}
    for source in sources:
        table.update(json.loads(source.read_text()))
    missing = 0
    for language, folder in FOLDERS.items():
        path = ROOT / "locale" / folder / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(path))
        catalogue.metadata["Language"] = language
        for entry in catalogue:
            translated = table.get(entry.msgid, {}).get(language)
            if translated is not None:
                if entry.msgid_plural:
                    forms = translated if isinstance(translated, list) else [translated]
                    # Django's rules have more forms than people write for some
                    # languages (Spanish's third, for a million and more; Polish's
                    # fourth, for fractions); an empty form falls back to English,
                    # so the missing ones repeat the last form written.
                    forms = forms + forms[-1:] * (plural_forms(catalogue) - len(forms))
                    entry.msgstr_plural = dict(enumerate(forms))
                else:
                    entry.msgstr = translated
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            if not entry.obsolete and not entry.translated():
                missing += 1
        catalogue.save(str(path))
        catalogue.save_as_mofile(str(path.with_suffix(".mo")))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
