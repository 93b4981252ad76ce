"""Signs N times through a WSGI application in this process, for an instruction count.

    python bench/sign_driver.py APP_MODULE PATH N [READ_PATH]

Run by ``bench/bench_petition.py --instructions`` under callgrind with counting off;
it prints READY after a warm-up and waits for a line on stdin (counting is switched on
meanwhile), signs N times with a new address each, prints DONE and waits for a second
line before exiting (counting switched off). What is counted is this process's own
instructions for N signatures: deterministic where wall-clock figures on a shared
machine are not, and free of the database server's and the load generator's share.

With READ_PATH, each round GETs it first, as a reader would between RSVPs (the storm's
``--instructions``: the places fragment each RSVP re-renders is then cached); with
PATH ``-``, a round is that GET alone, to subtract.

With ``SIGN_DRIVER_REPEAT=1`` in the environment, the counted rounds sign again with
the warm-up's addresses (each already signed): a repeat signer's cost, to hold against
a new one's (``bench_petition.py --instructions N --repeat``).

With ``SIGN_DRIVER_PROFILE=FILE`` in the environment, the counted rounds also run
under cProfile and its statistics go to FILE (for where the instructions go; the
profiler's own overhead makes small functions look dearer).
"""

import importlib
import io
import os
import sys
import time
from urllib.parse import urlencode

WARM_UP = 50


def main() -> int:
    app_module, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    read_path = sys.argv[4] if len(sys.argv) > 4 else None
    application = importlib.import_module(app_module).application
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    token = _mask_cipher_secret(secret)
    tag = f"{os.getpid()}-{int(time.time())}"

    read_path_info, _mark, read_query = (read_path or "").partition("?")

    def read() -> str:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": read_path_info,
            "QUERY_STRING": read_query,
            "SCRIPT_NAME": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8765",
            "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:8765",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
        }  # fmt: skip
        return answer(environ)

    def answer(environ) -> str:
        seen = []
        chunks = application(environ, lambda status, headers, *_: seen.append(status))
        try:
            b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return seen[0]

    repeat = bool(os.environ.get("SIGN_DRIVER_REPEAT"))

    def sign(number: int) -> str:
        if read_path is not None:
            status = read()
            if path == "-" or not status.startswith("200"):
                return status
        body = urlencode(
            {"csrfmiddlewaretoken": token, "name": "Bench Signer",
             "zip_code": "60608", "website": "",
             "email": f"i-{tag}-{number % WARM_UP if repeat else number}@example.org"}
        ).encode()  # fmt: skip
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "",
            "SCRIPT_NAME": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8765",
            "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:8765",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_REFERER": "http://127.0.0.1:8765/",
            "HTTP_COOKIE": f"csrftoken={secret}", "wsgi.url_scheme": "http",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
        }  # fmt: skip
        return answer(environ)

    for number in range(WARM_UP):
        status = sign(number)
        if not status.startswith(("200", "303")):  # the bare counter answers 200
            print(f"FAILED {app_module} {path}: {status}", flush=True)
            return 1
    if os.environ.get("SIGN_DRIVER_KEEP_MEMOS"):
        keep_memos()
    print("READY", flush=True)
    sys.stdin.readline()
    profile_to = os.environ.get("SIGN_DRIVER_PROFILE")
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    for number in range(WARM_UP, WARM_UP + count):
        sign(number)
    if profile_to:
        profiler.disable()
        profiler.dump_stats(profile_to)
    print("DONE", flush=True)
    sys.stdin.readline()
    return 0


def keep_memos() -> None:
    import gc

    from cms.process_memo import ProcessMemo

    for memo in gc.get_objects():
        if isinstance(memo, ProcessMemo):
            memo.seconds = float("inf")


if __name__ == "__main__":
    sys.exit(main())
