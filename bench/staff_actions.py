"""Count what a staff member does to write and send the next monthly bulletin from the
last one: clicks and keystrokes, driven in Debian's Chromium by Playwright.

    .venv/bin/python bench/staff_actions.py --mode after
    .venv/bin/python bench/staff_actions.py --mode before --code-dir /path/to/old/checkout

Each run builds a throwaway demo site (SQLite under a temporary folder, ``load_demo``)
from the code in ``--code-dir`` (default: this checkout), starts its development server
and walks the journey as the staff member of ``docs/staff-actions.md`` would. ``before``
is the path the admin offered before issue 17 (Wagtail's Copy of the last bulletin, then
the page's "..." menu to send); ``after`` is today's (the dashboard's "Start the next
bulletin", the editor's "Send as mailing" button, the send confirmation). Both type the
same new content. Nothing is sent: the mailing is left starting, with no worker.

A click is a mouse press on a control; a keystroke is one typed character or key.
Logging in is not counted. The result is printed as JSON.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "staff actions only"  # noqa: S105 (a throwaway site)
LISTS = ("Legal Protection/Services", "Community Outreach/Education")

# What changes from one month to the next: the summary and two news items.
MARCH = {
    "summary": "New Know Your Rights sessions, municipal ID cards and free legal help.",
    "news": [
        (
            "Municipal ID cards are here",
            "Every Chicagoan can now get a City Key card, whatever their status.",
        ),
        (
            "Refugee ban: the court fight goes on",
            "The appeals court has not ruled yet; we will keep you posted.",
        ),
    ],
}


@dataclass
class Actions:
    """Counts the staff member's clicks and keystrokes."""

    clicks: int = 0
    keystrokes: int = 0
    page_id: int | None = None
    steps: list[str] = field(default_factory=list)

    def click(self, locator, what: str) -> None:
        locator.click()
        self.clicks += 1
        self.steps.append(f"click: {what}")

    def type(self, locator, text: str, what: str) -> None:
        locator.fill(text)
        self.keystrokes += len(text)
        self.steps.append(f"type {len(text)}: {what}")

    @property
    def total(self) -> int:
        return self.clicks + self.keystrokes

    def as_dict(self) -> dict:
        return {
            "clicks": self.clicks,
            "keystrokes": self.keystrokes,
            "total": self.total,
            "steps": self.steps,
        }


def news_fields(page, position: int):
    """The title and summary inputs of the ``position``-th news item of the body."""
    blocks = page.locator("input[name$='-type'][value='news_item']")
    prefix = blocks.nth(position).get_attribute("name").removesuffix("-type")
    return (
        page.locator(f"input[name='{prefix}-value-title']"),
        page.locator(f"textarea[name='{prefix}-value-summary']"),
    )


def write_news(page, actions: Actions) -> None:
    actions.type(page.locator("input[name='summary']"), MARCH["summary"], "summary")
    for position, (title, summary) in enumerate(MARCH["news"]):
        title_input, summary_input = news_fields(page, position)
        actions.type(title_input, title, f"news item {position + 1} title")
        actions.type(summary_input, summary, f"news item {position + 1} summary")


def publish(page, actions: Actions) -> None:
    actions.click(page.get_by_role("button", name="More actions"), "More actions")
    actions.click(page.get_by_role("button", name="Publish"), "Publish")
    page.locator(".messages .success").first.wait_for()


def choose_lists_and_review(page, actions: Actions) -> None:
    for name in LISTS:
        actions.click(page.get_by_label(name), name)
    actions.click(page.get_by_role("button", name="Review the audience"), "Review")


def sent_the(page, page_id: str, actions: Actions) -> None:
    """The journey ends on a mailing that has started; which page it sends is checked
    against the database afterwards."""
    page.get_by_text("Sending has started.").wait_for()
    actions.page_id = int(page_id)


def journey_after(page, base: str, actions: Actions) -> None:
    """The dashboard's link to the next bulletin and its "Start the draft", the
    editor's send button, the confirmation."""
    page.goto(base + "/admin/")
    actions.click(
        page.get_by_role("link", name="Start the next bulletin"), "Start the next"
    )
    actions.click(page.get_by_role("button", name="Start the draft"), "Start the draft")
    page.wait_for_url("**/edit/")
    page_id = page.url.rstrip("/").split("/")[-2]
    write_news(page, actions)
    publish(page, actions)
    actions.click(
        page.locator(".messages").get_by_role("link", name="Send as mailing"),
        "Send as mailing (offered once published)",
    )
    choose_lists_and_review(page, actions)
    actions.click(page.get_by_role("button", name="Send now to"), "Send now")
    actions.click(page.get_by_role("button", name="Yes, send now"), "Yes, send now")
    sent_the(page, page_id, actions)


def journey_before(
    page, base: str, actions: Actions, *, month: str = "2017-03"
) -> None:
    """Wagtail's Copy of the last bulletin, fix its date, clear last month's chosen
    events, write the news, publish, then send from the page's "..." menu."""
    page.goto(base + "/admin/")
    actions.click(page.get_by_role("button", name="Pages"), "Pages menu")
    actions.click(
        page.get_by_role("link", name="Chicago Is With You").first, "the home page"
    )
    actions.click(
        page.get_by_role("link", name="Explore child pages of 'Bulletins'"),
        "Bulletins",
    )
    actions.click(
        page.get_by_role(
            "button",
            name="More options for 'Important resources and news for immigrants'",
        ),
        "More options",
    )
    actions.click(page.get_by_role("link", name="Copy", exact=True), "Copy")
    actions.type(page.get_by_label("New slug"), f"news-{month}", "new slug")
    actions.click(page.get_by_role("button", name="Copy this page"), "Copy this page")
    copy = page.get_by_role("row").filter(has_text="draft")
    actions.click(
        copy.get_by_role("link", name="Important resources and news for immigrants"),
        "the copy",
    )
    page.wait_for_url("**/edit/")
    page_id = page.url.rstrip("/").split("/")[-2]
    actions.type(page.locator("input[name='date']"), f"{month}-10", "date")
    chosen = page.locator("input[name$='-type'][value='event_listing']")
    listing = chosen.first.get_attribute("name").removesuffix("-type")
    count = int(
        page.locator(f"input[name='{listing}-value-events-count']").input_value()
    )
    for index in range(count):
        item = page.locator(
            f"input[name='{listing}-value-events-{index}-value']"
        ).locator("xpath=ancestor::section[contains(@class,'w-panel--nested')][1]")
        actions.click(
            item.get_by_role("button", name="Delete", exact=True).first,
            "delete a chosen event",
        )
        item.wait_for(state="hidden")
    write_news(page, actions)
    publish(page, actions)
    actions.click(
        page.get_by_role("row")
        .filter(has=page.locator(f"a[href$='/pages/{page_id}/edit/']"))
        .get_by_role("button", name="More options"),
        "More options",
    )
    actions.click(page.get_by_role("link", name="Send as mailing"), "Send as mailing")
    choose_lists_and_review(page, actions)
    actions.click(page.get_by_role("button", name="Send now to"), "Send now")
    sent_the(page, page_id, actions)


JOURNEYS = {"before": journey_before, "after": journey_after}


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")


def run_journey(mode: str, base: str, username: str, password: str) -> Actions:
    from playwright.sync_api import sync_playwright

    actions = Actions()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(30_000)
            log_in(page, base, username, password)
            try:
                JOURNEYS[mode](page, base, actions)
            except Exception:
                print(page.url, page.locator(".error-message").all_inner_texts())
                if os.environ.get("STAFF_ACTIONS_SCREENSHOT"):
                    page.screenshot(
                        path=os.environ["STAFF_ACTIONS_SCREENSHOT"], full_page=True
                    )
                raise
        finally:
            browser.close()
    return actions


def check_sent(database: Path, page_id: int | None) -> None:
    """The journey's mailing sends the bulletin it wrote, not any other page."""
    import sqlite3

    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT page_id, status FROM campaigns_mailing ORDER BY id DESC LIMIT 1"
        ).fetchone()
    if row is None or row[0] != page_id or row[1] != "starting":
        raise SystemExit(f"the journey did not send the new bulletin: {row}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=sorted(JOURNEYS), required=True)
    parser.add_argument("--code-dir", type=Path, default=ROOT)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="ona-staff-actions-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DEMO_ADMIN_PASSWORD=PASSWORD,
        DEBUG="1",
    )
    manage = [sys.executable, "manage.py"]
    server = None
    try:
        for command in (["migrate", "-v0"], ["load_demo"]):
            subprocess.run(
                manage + command,
                cwd=args.code_dir,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        port = free_port()
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=args.code_dir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/admin/login/")
        actions = run_journey(args.mode, base, "admin", PASSWORD)
        check_sent(var_dir / "db.sqlite3", actions.page_id)
        print(json.dumps({"mode": args.mode, **actions.as_dict()}, indent=2))
    finally:
        if server is not None:
            os.killpg(server.pid, 15)
            server.wait(timeout=10)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
