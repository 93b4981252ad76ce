"""bin/po_fill.py, which `make messages` runs: the catalogues of settings.LANGUAGES, and
on failure, which strings are missing in which language."""

import importlib.util
import json

import polib
from django.conf import settings

SPEC = importlib.util.spec_from_file_location(
    "po_fill", settings.BASE_DIR / "bin" / "po_fill.py"
)
po_fill = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(po_fill)


def catalogue(locale_dir, folder: str, msgids: list[str]) -> None:
    path = locale_dir / folder / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for msgid in msgids:
        po.append(polib.POEntry(msgid=msgid, msgstr=""))
    po.save(str(path))


def test_the_folders_are_those_of_the_settings(capsys):
    assert po_fill.main(["po_fill.py", "--folders"]) == 0
    folders = capsys.readouterr().out.split()
    assert folders[:5] == ["es", "hi", "zh_Hans", "ar", "pl"]
    assert len(folders) == len(settings.LANGUAGES) - 1, "all but English"


def test_missing_strings_are_named_per_language(tmp_path, capsys):
    msgids = [f"String {n}" for n in range(7)]
    catalogue(tmp_path, "fr", msgids)
    catalogue(tmp_path, "es", msgids)
    table = tmp_path / "translations.json"
    table.write_text(
        json.dumps({msgid: {"es": f"Cadena {msgid[-1]}"} for msgid in msgids})
    )

    failed = po_fill.main(
        ["po_fill.py", str(table)],
        locale_dir=tmp_path,
        folders={"es": "es", "fr": "fr"},
    )

    assert failed == 1
    said = capsys.readouterr().err
    assert said.splitlines() == [
        "fr: 7 string(s) with no translation in locale/translations/*.json:",
        "  'String 0'",
        "  'String 1'",
        "  'String 2'",
        "  'String 3'",
        "  'String 4'",
        "  ... and 2 more",
    ]
    assert (tmp_path / "es" / "LC_MESSAGES" / "django.mo").exists()


def test_a_language_with_no_catalogue_yet_says_make_messages(tmp_path, capsys):
    (tmp_path / "translations").mkdir()
    assert po_fill.main(["po_fill.py"], locale_dir=tmp_path, folders={"fr": "fr"}) == 1
    said = capsys.readouterr().err
    assert said.startswith("fr: no ")
    assert said.endswith("django.po: run `make messages`\n")


def test_a_file_of_one_language_keeps_the_others_translations(tmp_path):
    """A language being added keeps its translations in a file of its own."""
    catalogue(tmp_path, "es", ["Name"])
    catalogue(tmp_path, "fr", ["Name"])
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "a.json").write_text('{"Name": {"es": "Nombre"}}')
    (tmp_path / "translations" / "fr.json").write_text('{"Name": {"fr": "Nom"}}')

    assert (
        po_fill.main(
            ["po_fill.py"], locale_dir=tmp_path, folders={"es": "es", "fr": "fr"}
        )
        == 0
    )

    spanish = polib.pofile(str(tmp_path / "es" / "LC_MESSAGES" / "django.po"))
    assert spanish.find("Name").msgstr == "Nombre"


def test_a_plain_string_in_a_later_file_keeps_a_plural_entrys_forms(tmp_path):
    """Two files may translate the same msgid: one as a plural's forms, one as the
    singular used alone; the plural entry keeps every form, whatever the files' order."""
    path = tmp_path / "pl" / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2);",
    }
    po.append(
        polib.POEntry(
            msgid="%(n)s signature",
            msgid_plural="%(n)s signatures",
            msgstr_plural={0: "", 1: "", 2: ""},
        )
    )
    po.save(str(path))
    (tmp_path / "translations").mkdir()
    forms = ["%(n)s podpis", "%(n)s podpisy", "%(n)s podpisów"]
    (tmp_path / "translations" / "a.json").write_text(
        json.dumps({"%(n)s signature": {"pl": forms}})
    )
    (tmp_path / "translations" / "b.json").write_text(
        json.dumps({"%(n)s signature": {"pl": "%(n)s podpis"}})
    )

    assert po_fill.main(["po_fill.py"], locale_dir=tmp_path, folders={"pl": "pl"}) == 0

    polish = polib.pofile(str(path))
    assert polish.find("%(n)s signature").msgstr_plural == dict(enumerate(forms))
