"""Merge translations from JSON files into the catalogues, then compile them.

    python bin/po_fill.py translations.json   # {"msgid": {"es": "...", "ar": "...", ...}}
    python bin/po_fill.py                     # every locale/translations/*.json
    python bin/po_fill.py --folders           # the catalogue folders (for `make messages`)

Each piece of work keeps its translations in its own JSON file under
locale/translations/, so two branches that add strings never conflict there; after a
merge, `make messages` rebuilds the catalogues from the merged code and every JSON file.

The languages are settings.LANGUAGES' (cms.languages.catalogue_folders). When strings
are left untranslated it says which, language by language, and exits 1.

Compiles with polib, so no GNU gettext is needed on the machine.
"""

import json
import os
import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
# Shown per language when strings are missing; the count says how many more there are.
SHOWN_MISSING = 5


def plural_forms(catalogue: polib.POFile) -> int:
    header = catalogue.metadata.get("Plural-Forms", "")
    match = re.search(r"nplurals\s*=\s*(\d+)", header)
    return int(match.group(1)) if match else 2


def catalogue_folders() -> dict[str, str]:
    """settings.LANGUAGES' catalogue folders, read with the settings manage.py uses."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    from cms.languages import catalogue_folders as folders

    return folders()


def fill(
    catalogue: polib.POFile, language: str, table: dict, plurals: dict | None = None
) -> list[str]:
    """Put ``table``'s translations into ``catalogue``; returns the msgids still missing.

    ``plurals`` holds the translations written as lists of forms; a plural entry takes
    those first, so a plain string for the same msgid in another file (the singular used
    alone elsewhere) never flattens its forms into one.
    """
    catalogue.metadata["Language"] = language
    plurals = plurals or {}
    missing = []
    for entry in catalogue:
        translated = table.get(entry.msgid, {}).get(language)
        if entry.msgid_plural:
            translated = plurals.get(entry.msgid, {}).get(language, translated)
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
            missing.append(entry.msgid)
    return missing


def report_missing(language: str, missing: list[str]) -> None:
    lines = [
        f"{language}: {len(missing)} string(s) with no translation in "
        "locale/translations/*.json:",
        *(f"  {msgid!r}" for msgid in missing[:SHOWN_MISSING]),
    ]
    if len(missing) > SHOWN_MISSING:
        lines.append(f"  ... and {len(missing) - SHOWN_MISSING} more")
    sys.stderr.write("\n".join(lines) + "\n")


def main(
    argv: list[str],
    locale_dir: Path = ROOT / "locale",
    folders: dict[str, str] | None = None,
) -> int:
    folders = folders if folders is not None else catalogue_folders()
    if argv[1:] == ["--folders"]:
        sys.stdout.write(" ".join(folders.values()) + "\n")
        return 0
    sources = (
        [Path(argv[1])]
        if len(argv) > 1
        else sorted((locale_dir / "translations").glob("*.json"))
    )
    table: dict = {}
    plurals: dict = {}
    for source in sources:
        # Merged per language, so a file of one language's translations (a language
        # being added) leaves the others' translations of the same strings in place.
        for msgid, translations in json.loads(source.read_text()).items():
            for language, translated in translations.items():
                kept = plurals if isinstance(translated, list) else table
                kept.setdefault(msgid, {})[language] = translated
    failed = False
    for language, folder in folders.items():
        path = locale_dir / folder / "LC_MESSAGES" / "django.po"
        if not path.exists():
            sys.stderr.write(f"{language}: no {path}: run `make messages`\n")
            failed = True
            continue
        catalogue = polib.pofile(str(path))
        missing = fill(catalogue, language, table, plurals)
        catalogue.save(str(path))
        catalogue.save_as_mofile(str(path.with_suffix(".mo")))
        if missing:
            report_missing(language, missing)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
