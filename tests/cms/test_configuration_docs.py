"""The configuration tables (README and docs/*.md) and the settings agree: every
environment variable the settings read has a row, and every row names a variable
something reads. A setting added without a row, or a row left behind by a rename, is a
newcomer (or another city) configuring what does nothing, or not knowing a knob exists.

A row's first cell names variables in backquotes; a name starting with an underscore
stands for the first name's start plus that ending: `LOCAL_TIME_NAME`, `_HI` is
LOCAL_TIME_NAME_HI; `RATE_LIMIT_SIGNUP_PER_CLIENT` / `_PER_ADDRESS` is
RATE_LIMIT_SIGNUP_PER_ADDRESS."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
READERS = {
    "env_str",
    "env_bool",
    "env_int",
    "env_float",
    "env_list",
    "env_rate",
    "env_networks",
    "env_per_language",
    "env_prefixed",
}
# Read where the settings are not: by the entry points, a management command, the
# libraries themselves.
READ_ELSEWHERE = {
    "DJANGO_SETTINGS_MODULE": "manage.py, cms/wsgi.py, cms/celery.py",
    "DEMO_ADMIN_PASSWORD": "cms/demo.py",
    "AWS_ACCESS_KEY_ID": "boto3, through django-storages",
    "AWS_SECRET_ACCESS_KEY": "boto3, through django-storages",
}
# Read by the settings for the test suite's own plumbing, not for anyone to set.
INTERNAL = {
    "PYTEST_XDIST_WORKER": "pytest-xdist names each test process",
    "RATELIMIT_NAMESPACE": "each test gets a namespace of its own",
}


def variables_read() -> dict[str, str]:
    """{variable: settings file} for every environment read in cms/settings; a prefix
    read as a whole is ``PREFIX*``."""
    languages = [code for code, _name in settings.LANGUAGES]
    found: dict[str, str] = {}
    for path in sorted((ROOT / "cms" / "settings").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            name = None
            if isinstance(node, ast.Call) and node.args:
                first = node.args[0]
                function = ast.unparse(node.func)
                if not (
                    isinstance(first, ast.Constant) and isinstance(first.value, str)
                ):
                    continue
                if function in READERS or function in {"os.environ.get", "os.getenv"}:
                    name = first.value
                if function == "env_prefixed":
                    name = f"{first.value}*"
                if function == "env_per_language":
                    for code in languages:
                        if code != "en":
                            suffix = code.upper().replace("-", "_")
                            found[f"{first.value}_{suffix}"] = path.name
            elif (
                isinstance(node, ast.Subscript)
                and ast.unparse(node.value) == "os.environ"
                and isinstance(node.slice, ast.Constant)
            ):
                name = node.slice.value
            if name:
                found[name] = path.name
    return found


def documented() -> dict[str, list[str]]:
    """{first cell's text: [variables it names]} for every row of a table whose first
    column is headed "variable"."""
    rows: dict[str, list[str]] = {}
    for path in DOCS:
        in_table = False
        for line in path.read_text().splitlines():
            if not line.startswith("|"):
                in_table = False
                continue
            first = line.strip().strip("|").split("|")[0].strip()
            if first == "variable":
                in_table = True
                continue
            if not in_table or set(first) <= set("-: "):
                continue
            names = re.findall(r"`([A-Z_][A-Z0-9_]*\*?)`", first)
            whole, expanded = None, []
            for name in names:
                if not name.startswith("_"):
                    whole = name
                    expanded.append(name)
                    continue
                assert whole, f"{path.name}: {first!r} starts with an ending"
                parts = whole.split("_")
                # Every start of the whole name (at an underscore) plus the ending.
                expanded.append(
                    ["_".join(parts[:cut]) + name for cut in range(len(parts), 0, -1)]
                )
            rows[f"{path.name}: {first}"] = expanded
    return rows


def names_in(rows: dict[str, list]) -> set[str]:
    names = set()
    for expanded in rows.values():
        for item in expanded:
            names.update([item] if isinstance(item, str) else item)
    return names


def test_the_tables_are_found():
    rows = documented()
    assert len(rows) > 100, "the tables' shape changed: this test reads nothing"
    assert {"SITE_NAME", "DATABASE_URL", "ANYMAIL_*"} <= names_in(rows)
    assert len(variables_read()) > 100


def test_every_variable_the_settings_read_is_in_a_configuration_table():
    names = names_in(documented())
    missing = sorted(
        f"{name} ({where})"
        for name, where in variables_read().items()
        if name not in names and name not in INTERNAL
    )
    assert not missing, (
        "read from the environment but in no configuration table (README.md or "
        f"docs/*.md): {missing}"
    )


def test_every_documented_variable_is_read():
    read = set(variables_read()) | set(READ_ELSEWHERE)
    prefixes = [name[:-1] for name in read if name.endswith("*")]
    stale = []
    for row, expanded in documented().items():
        for item in expanded:
            candidates = [item] if isinstance(item, str) else item
            if not any(
                name in read or any(name.startswith(p) for p in prefixes)
                for name in candidates
            ):
                stale.append(f"{candidates[0]} in {row}")
    assert not stale, f"documented, but nothing reads it: {stale}"


def test_the_exceptions_are_still_true():
    """The lists above shrink when the code changes: each one still holds."""
    read = variables_read()
    assert not set(READ_ELSEWHERE) & set(read), "now read by the settings: drop it"
    assert set(INTERNAL) <= set(read), "no longer read: drop it"
    for name, where in READ_ELSEWHERE.items():
        files = [ROOT / part for part in where.split(", ")]
        local = [path for path in files if path.suffix == ".py" and path.exists()]
        if local:
            assert any(name in path.read_text() for path in local), (name, where)


def numeric_defaults() -> dict[str, set[float]]:
    """{variable: its defaults} for every ``env_int``/``env_float`` of cms/settings
    whose default is a number written out."""
    found: dict[str, set[float]] = {}
    for path in sorted((ROOT / "cms" / "settings").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) in {"env_int", "env_float"}
                and len(node.args) >= 2
            ):
                continue
            name, default = node.args[:2]
            if isinstance(name, ast.Constant) and isinstance(default, ast.Constant):
                found.setdefault(name.value, set()).add(float(default.value))
    return found


def test_a_documented_number_is_the_settings_default():
    """The README said the embedded broker's CELERY_BROKER_POLLING_INTERVAL was 1.0
    (seconds an idle worker waits); the settings' default is 0.2. Every row naming one
    variable whose default cell is a bare number (``300``, ``20 s``) says the number
    the settings use."""
    defaults = numeric_defaults()
    checked, wrong = 0, []
    for path in DOCS:
        for line in path.read_text().splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not line.startswith("|") or len(cells) < 2:
                continue
            names = re.findall(r"`([A-Z_][A-Z0-9_]*)`", cells[0])
            number = re.fullmatch(r"`?(-?[\d.,]+)`?(?: ?(?:s|seconds))?", cells[1])
            if len(names) != 1 or names[0] not in defaults or not number:
                continue
            checked += 1
            if float(number.group(1).replace(",", "")) not in defaults[names[0]]:
                wrong.append(f"{path.name}: {names[0]} {cells[1]} {defaults[names[0]]}")
    assert checked > 20, "the tables' shape changed: this test reads nothing"
    assert not wrong, wrong
