"""Does a petition answer an address that already signed sooner or later than a new one?

    .venv/bin/python bench/petition_timing.py BASE_URL PAGE_ID [PAGE_ID ...]
        [--pairs 40] [--runs 3] [--host ona.example.org] [--embed]

Run it against a gunicorn serving the production settings (README, "Running on
PostgreSQL, Redis and a real ESP"), with the environment of that gunicorn exported in
this shell: the addresses that "already signed" are signed beforehand in this process
through ``record_signature`` (and, for a petition that requires verification, a third
kind is verified too), so the database and the keys must be the server's.

Each pair POSTs the petition's own form (GET the page for its CSRF cookie and token,
then POST to the form's action, as a browser does) or, with ``--embed``, the widget's
form, once with a new address and once with one that signed, in random order, each
from its own client address (``X-Forwarded-For``, for ``TRUSTED_PROXY_COUNT=1``) and
each address used once: an attacker probing a person has one try per address. Only the
POST is timed (connect to the last byte of the answer). Prints medians, quartiles, the
paired difference and how often the signer was the faster of the two, per run.
"""

import argparse
import http.client
import random
import re
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _headers(host: str, client: str, cookie: str = "") -> dict:
    headers = {
        "Host": host,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": client,
        "User-Agent": "petition-timing",
    }
    if cookie:
        headers["Cookie"] = cookie
    return headers


def _request(base, method, path, headers, body=None):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    start = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    return response, content, elapsed


class Door:
    """One petition's form (the page's or the widget's), as a browser posts it."""

    def __init__(self, base: str, host: str, page_id: int, *, embed: bool):
        self.base, self.host, self.page_id, self.embed = base, host, page_id, embed

    def prepare(self, client: str) -> tuple[str, dict, str]:
        """GET the form: (action path, hidden fields, cookie)."""
        if self.embed:
            path = f"/petitions/embed/{self.page_id}/"
        else:
            path = self.page_path
        response, content, _ = _request(
            self.base, "GET", path, _headers(self.host, client)
        )
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        html = content.decode()
        # The petition's own form: the one with the e-mail field (not the search).
        form = next(
            part
            for part in html.split("<form")[1:]
            if 'name="email"' in part.split("</form>", 1)[0]
        )
        form = "<form" + form.split("</form>", 1)[0]
        action = re.search(r'action="([^"]*)"', form).group(1).replace("&amp;", "&")
        hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))
        hidden.update(re.findall(r'name="([^"]+)" type="hidden" value="([^"]*)"', form))
        cookies = response.headers.get_all("Set-Cookie") or []
        cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
        return action or path, hidden, cookie

    @property
    def page_path(self) -> str:
        if not hasattr(self, "_page_path"):
            from wagtail.models import Page

            self._page_path = Page.objects.get(pk=self.page_id).specific.url
        return self._page_path

    def sign(self, email: str, client: str) -> tuple[int, float, bytes]:
        action, hidden, cookie = self.prepare(client)
        body = urlencode(
            {**hidden, "name": "Ana Lopez", "email": email, "zip_code": "60608",
             "website": ""}
        )  # fmt: skip
        headers = {
            **_headers(self.host, client, cookie),
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://{self.host}",
            "Referer": f"https://{self.host}{action}",
            "Sec-Fetch-Site": "same-origin",
        }
        response, content, elapsed = _request(self.base, "POST", action, headers, body)
        if response.status not in (200, 303):
            raise RuntimeError(f"POST {action}: {response.status} {content[:300]!r}")
        return response.status, elapsed, response.headers.get("Location", "").encode()


def sign_beforehand(page_id: int, emails: list[str], *, verify: bool) -> None:
    """Sign (and verify) these addresses in-process, as signers before the probe."""
    from campaigns.models import PetitionPage
    from campaigns.services import petitions

    page = PetitionPage.objects.select_related("campaign").get(pk=page_id)
    for email in emails:
        outcome = petitions.record_signature(page=page, email=email, language="en")
        if verify and page.require_verification:
            petitions.verify_signature(signature_id=outcome.signature_id)


def quartiles(values):
    q = statistics.quantiles(values, n=4)
    return q[0], statistics.median(values), q[2]


def run_once(door: Door, pairs: int, kinds: list[str], *, tag: str) -> dict:
    """Interleaved pairs (new address, one that signed), in random order per pair."""
    times = {kind: [] for kind in ("new", *kinds)}
    answers = {kind: set() for kind in times}
    known = {
        kind: [f"{kind}-{tag}-{n}@example.org" for n in range(pairs)] for kind in kinds
    }
    for kind, emails in known.items():
        sign_beforehand(door.page_id, emails, verify=kind == "verified")
    # Warm both workers.
    for n in range(6):
        door.sign(f"warm-{tag}-{n}@example.org", f"10.9.{n}.1")
    for n in range(pairs):
        order = [("new", f"new-{tag}-{n}@example.org")] + [
            (kind, known[kind][n]) for kind in kinds
        ]
        random.shuffle(order)
        for position, (kind, email) in enumerate(order):
            spread = random.randint(10, 250)  # noqa: S311 (a made-up client, no secret)
            client = f"10.{spread}.{n % 250}.{position + 1}"
            status, elapsed, location = door.sign(email, client)
            times[kind].append(elapsed * 1000)
            answers[kind].add((status, location))
            time.sleep(0.05)
    return {"times": times, "answers": answers}


def report(label: str, result: dict) -> None:
    times = result["times"]
    new = times["new"]
    print(f"  {label}")
    for kind, values in times.items():
        low, mid, high = quartiles(values)
        print(
            f"    {kind:>9}: median {mid:6.1f} ms  (p25 {low:6.1f}, p75 {high:6.1f}, "
            f"n={len(values)})  answers {sorted(result['answers'][kind])}"
        )
    for kind, values in times.items():
        if kind == "new":
            continue
        differences = [k - n for k, n in zip(values, new, strict=True)]
        faster = sum(d < 0 for d in differences)
        print(
            f"    {kind} - new, paired: median {statistics.median(differences):+6.1f} ms;"
            f" {kind} faster in {faster}/{len(differences)} pairs"
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("page_ids", nargs="+", type=int)
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--host", default="ona.example.org")
    parser.add_argument("--embed", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from campaigns.models import PetitionPage

    for page_id in args.page_ids:
        page = PetitionPage.objects.get(pk=page_id)
        kinds = ["signed"]
        if page.require_verification:
            kinds = ["pending", "verified"]
        door = Door(args.base_url, args.host, page_id, embed=args.embed)
        where = "widget" if args.embed else "page's form"
        print(
            f"petition {page_id} ({where}, verification "
            f"{'on' if page.require_verification else 'off'}), {args.pairs} pairs:"
        )
        for run in range(args.runs):
            tag = uuid.uuid4().hex[:8]
            report(f"run {run + 1}", run_once(door, args.pairs, kinds, tag=tag))
    return 0


if __name__ == "__main__":
    sys.exit(main())
