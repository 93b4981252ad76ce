"""`make run` (after its install step): the platform starts on the embedded defaults,
serves the site and admin with the demo content, sends e-mail through its worker, and
Ctrl-C stops every process it started."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.workers import wait_for

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_processes(session_id: int) -> list[str]:
    output = subprocess.run(
        ["ps", "-eo", "pid=,sid=,args="], capture_output=True, text=True, check=True
    ).stdout
    return [line for line in output.splitlines() if line.split()[1] == str(session_id)]


def get(url: str, session: requests.Session | None = None):
    try:
        return (session or requests).get(url, timeout=5)
    except requests.ConnectionError:
        return None


@pytest.fixture
def running_platform(tmp_path):
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}
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
    base = f"http://127.0.0.1:{port}"
    try:
        yield process, base, log_path, tmp_path / "var"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_make_run_serves_site_and_admin_and_ctrl_c_stops_everything(running_platform):
    process, base, log_path, var_dir = running_platform
    started = time.monotonic()

    home = wait_for(
        lambda: (r := get(base + "/")) is not None and r.status_code == 200 and r,
        timeout=180,
        what=f"the home page; log:\n{log_path}",
        interval=0.5,
    )
    assert time.monotonic() - started < 180
    assert "Chicago Is With You" in home.text
    assert "Legal Protection/Services" in home.text
    assert 'dir="rtl"' in get(base + "/ar/").text

    login_line = re.search(r"Admin login: (\S+) / (\S+)", log_path.read_text())
    assert login_line, log_path.read_text()
    username, password = login_line.groups()

    browser = requests.Session()
    login_page = browser.get(base + "/admin/login/", timeout=5)
    assert login_page.status_code == 200
    token = browser.cookies["csrftoken"]
    dashboard = browser.post(
        base + "/admin/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/admin/login/"},
        timeout=10,
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
        timeout=10,
    )
    assert sent.status_code == 200
    wait_for(
        lambda: list((var_dir / "outbox").glob("*.eml")), timeout=60, what="outbox"
    )
    assert "Test message from" in browser.get(base + "/admin/outbox/", timeout=5).text

    assert len(session_processes(process.pid)) >= 5  # run, web, 2 workers, beat
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does in a terminal
    process.wait(timeout=60)
    wait_for(
        lambda: not session_processes(process.pid),
        timeout=30,
        what="all processes to exit",
    )
