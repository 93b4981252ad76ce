"""`make run` (after its install step): the platform starts on the embedded defaults,
serves the site and admin with the demo content, sends e-mail through its worker, and
Ctrl-C stops every process it started, within honcho's grace period."""

import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from tests.processes import kill_tree, session_members, tree
from tests.smtp_sink import free_port
from tests.workers import wait_for

ROOT = Path(__file__).resolve().parents[2]
# bin/run may take long on a loaded machine (migrations, demo content), but it always
# logs as it goes: give up only when it has been silent this long, or has exited.
SILENCE_LIMIT = 180
OVERALL_LIMIT = 900


def get(url: str, session: requests.Session | None = None):
    try:
        return (session or requests).get(url, timeout=10)
    except requests.RequestException:
        return None


def tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def wait_until_serving(process, base: str, log_path: Path) -> requests.Response:
    """Poll the home page while bin/run keeps making progress; fail with its log tail."""
    started = last_growth = time.monotonic()
    size = 0
    while True:
        response = get(base + "/")
        if response is not None and response.status_code == 200:
            return response
        now = time.monotonic()
        if log_path.stat().st_size != size:
            size, last_growth = log_path.stat().st_size, now
        if process.poll() is not None:
            pytest.fail(f"bin/run exited ({process.returncode}):\n{tail(log_path)}")
        if now - last_growth > SILENCE_LIMIT or now - started > OVERALL_LIMIT:
            pytest.fail(
                f"bin/run not serving after {now - started:.0f}s "
                f"(silent for {now - last_growth:.0f}s):\n{tail(log_path)}"
            )
        time.sleep(0.5)


def alerts_workers(process) -> list:
    """The alerts lane's Celery worker process (not its keep-running wrapper)."""
    found = []
    for member in run_processes(process).values():
        try:
            command = member.cmdline()
        except psutil.NoSuchProcess:
            continue
        runs_celery = any(part.endswith("celery") for part in command[:3])
        wrapper = any(part.endswith("keep-running") for part in command)
        if runs_celery and not wrapper and "alerts" in command:
            found.append(member)
    return found


def run_processes(process) -> dict:
    return {p.pid: p for p in tree(process.pid) + session_members(process.pid)}


@pytest.fixture
def running_platform(tmp_path):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "BASE_URL"}
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DEMO_ADMIN_PASSWORD", None)
    env.update(
        PATH=f"{Path(sys.executable).parent}:{env['PATH']}",
        VAR_DIR=str(tmp_path / "var"),
        PORT=str(port),
    )
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        # A new session, as a terminal would give it; Ctrl-C reaches the whole group.
        process = subprocess.Popen(
            ["bin/run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process, f"http://127.0.0.1:{port}", log_path, tmp_path / "var"
    finally:
        # Whatever happened: bin/run, honcho, every child (each in its own process
        # group) and their children.
        kill_tree(process)


def test_make_run_serves_site_and_admin_and_ctrl_c_stops_everything(running_platform):
    process, base, log_path, var_dir = running_platform

    home = wait_until_serving(process, base, log_path)
    assert "Chicago Is With You" in home.text
    assert "Legal Protection/Services" in home.text
    assert 'dir="rtl"' in get(base + "/ar/").text

    log = log_path.read_text()
    assert log.startswith("migrate | "), "the log keeps its first lines"
    assert "\x00" not in log
    assert f"Site:   {base}/" in log, "BASE_URL follows PORT"
    login_line = re.search(r"Admin login: (\S+) / (\S+)", log)
    assert login_line, tail(log_path)
    username, password = login_line.groups()

    browser = requests.Session()
    login_page = browser.get(base + "/admin/login/", timeout=10)
    assert login_page.status_code == 200
    dashboard = browser.post(
        base + "/admin/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        headers={"Referer": base + "/admin/login/"},
        timeout=20,
    )
    assert dashboard.status_code == 200
    assert "E-mail outbox" in dashboard.text

    # "Send me a test": the web process queues it, a worker on the embedded broker sends it.
    sent = browser.post(
        base + "/admin/outbox/send-test/",
        data={
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": "/admin/outbox/",
        },
        headers={"Referer": base + "/admin/outbox/"},
        timeout=20,
    )
    assert sent.status_code == 200
    (message,) = wait_for(
        lambda: list((var_dir / "outbox").glob("*.eml")), timeout=120, what="outbox"
    )
    assert "Test message from" in browser.get(base + "/admin/outbox/", timeout=10).text
    parsed = email.message_from_bytes(message.read_bytes(), policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    # The front page in the message's language (English: the root).
    assert f"{base}/\r\n" in text, "links in e-mails of this run reach this port"

    assert len(run_processes(process)) >= 5  # run, honcho, web, 2 workers, beat

    # A worker that dies by itself (here the kernel's OOM killer, as it were) is
    # started again, and the rest keep running: honcho alone would stop them all.
    (alerts,) = alerts_workers(process)
    alerts.kill()
    wait_for(
        lambda: [p for p in alerts_workers(process) if p.pid != alerts.pid],
        timeout=60,
        what="the alerts worker started again",
    )
    assert "keep-running: celery exited by itself (status 137)" in log_path.read_text()
    assert get(base + "/").status_code == 200
    assert process.poll() is None

    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does in a terminal
    process.wait(timeout=60)
    wait_for(
        lambda: not run_processes(process), timeout=30, what="all processes to exit"
    )
    log = log_path.read_text()
    assert "sending SIGKILL" not in log, (
        f"a process outlived the grace:\n{tail(log_path)}"
    )
    assert process.returncode == 0, "Ctrl-C is the normal way to stop: no make error"
