"""Processes the tests start never outlive them.

Every process a test run starts inherits ``ONA_TEST_OWNER`` (the pid of the pytest process
that owns it) from the environment, through any number of forks and execs: a Celery pool
child, a runserver under honcho, chromium under Playwright. That marker finds them even
after their parent died and they were adopted by init, which a walk over children cannot.
"""

import os
import signal
import subprocess
import time
from collections.abc import Iterable

import psutil

OWNER_VARIABLE = "ONA_TEST_OWNER"


def mark_this_process_as_owner() -> None:
    """Children started from now on carry this pytest process's pid."""
    os.environ[OWNER_VARIABLE] = str(os.getpid())


def owned_processes(owner: int | None = None) -> list[psutil.Process]:
    """Live processes started (directly or not) by the pytest process ``owner``."""
    owner = owner or os.getpid()
    me = os.getpid()
    found = []
    for process in psutil.process_iter(["pid", "status"]):
        if process.pid == me or process.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        try:
            if process.environ().get(OWNER_VARIABLE) == str(owner):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def describe(processes: Iterable[psutil.Process]) -> list[str]:
    lines = []
    for process in processes:
        try:
            lines.append(f"{process.pid}: {' '.join(process.cmdline())[:200]}")
        except psutil.Error:
            lines.append(f"{process.pid}: (gone)")
    return lines


def kill_all(processes: Iterable[psutil.Process], *, timeout: float = 10) -> None:
    """SIGKILL every process given and wait (bounded) for them to go."""
    processes = list(processes)
    for process in processes:
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(processes, timeout=timeout)


def tree(pid: int) -> list[psutil.Process]:
    """The process and all its descendants, as they are right now."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def session_members(session_id: int) -> list[psutil.Process]:
    """Every live process of one session (a child started with start_new_session=True
    leads one), including any that changed process group, as honcho's children do."""
    members = []
    for process in psutil.process_iter(["pid"]):
        try:
            if os.getsid(process.pid) == session_id:
                members.append(process)
        except (ProcessLookupError, PermissionError):
            continue
    return members


def kill_tree(popen: subprocess.Popen) -> None:
    """Kill a process started with ``start_new_session=True`` and everything it started:
    its descendants, and the rest of its session (orphans reparented to init)."""
    doomed = {p.pid: p for p in tree(popen.pid) + session_members(popen.pid)}
    kill_all(doomed.values())
    try:
        popen.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def stop_tree(popen: subprocess.Popen, *, grace: float = 20) -> None:
    """Ask politely (SIGTERM to the process), wait ``grace`` seconds, then kill the tree."""
    if popen.poll() is None:
        popen.send_signal(signal.SIGTERM)
        try:
            popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    kill_tree(popen)


def wait_until_gone(owner: int, *, timeout: float = 10) -> list[psutil.Process]:
    """Processes of ``owner`` still alive after ``timeout`` seconds of waiting."""
    deadline = time.monotonic() + timeout
    left = owned_processes(owner)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = owned_processes(owner)
    return left
