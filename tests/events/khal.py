"""A real calendar client for tests: Debian's khal, importing a guest's attachments
into a calendar folder of its own, as a person's calendar app would."""

import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

CONFIG = """\
[calendars]
[[guest]]
path = {folder}
type = calendar
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
default_timezone = America/Chicago
local_timezone = America/Chicago
[default]
default_calendar = guest
[sqlite]
path = {database}
"""


@dataclass
class KhalCalendar:
    """One person's calendar, driven through the khal command line."""

    root: Path

    @classmethod
    def create(cls, root: Path) -> "KhalCalendar":
        if shutil.which("khal") is None:
            pytest.skip("needs khal (Debian package `khal`; CI installs it)")
        (root / "calendar").mkdir(parents=True)
        (root / "config").write_text(
            CONFIG.format(folder=root / "calendar", database=root / "khal.db")
        )
        return cls(root)

    def _run(self, *args: str) -> str:
        done = subprocess.run(
            ["khal", "-c", str(self.root / "config"), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            start_new_session=True,
            env={"HOME": str(self.root), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def import_ics(self, raw: bytes, name: str) -> None:
        path = self.root / f"{name}.ics"
        path.write_bytes(raw)
        self._run("import", "--batch", str(path))

    def events(self) -> list[dict[str, str]]:
        """Every event in the calendar (the next year): uid, title, location, status;
        once each, though khal lists an event on every day it spans."""
        out = self._run(
            "list",
            "--format",
            "EVENT|{uid}|{title}|{location}|{status}",
            date.today().isoformat(),
            "400d",
        )
        rows = []
        for line in dict.fromkeys(out.splitlines()):
            if line.startswith("EVENT|"):
                _, uid, title, location, status = line.split("|", 4)
                rows.append(
                    {
                        "uid": uid,
                        "title": title,
                        "location": location,
                        "status": status.strip(),
                    }
                )
        return rows

    def stored_files(self) -> list[Path]:
        return sorted((self.root / "calendar").glob("*.ics"))
