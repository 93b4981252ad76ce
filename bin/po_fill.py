"""Merge translations from a JSON file into the catalogues, then compile them.

    python bin/po_fill.py translations.json   # {"msgid": {"es": "...", "ar": "...", ...}}
    python bin/po_fill.py                     # compile only

Compiles with polib, so no GNU gettext is needed on the machine.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"es": "es", "hi": "hi", "zh-hans": "zh_Hans", "ar": "ar", "pl": "pl"}


def main(argv: list[str]) -> int:
    table = json.loads(Path(argv[1]).read_text()) if len(argv) > 1 else {}
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
