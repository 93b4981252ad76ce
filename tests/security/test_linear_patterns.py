"""Patterns run over what a stranger sends (a typed name, a URL in the access log, a
log message) take time in proportion to its length. An attacker's pass found a 60 KB
name holding a gunicorn worker until it was killed; the access log's address pattern
was worse (a 4,000-byte URL of "a@a@..." took 19 s after its answer was sent).

Each pattern is held to the one it replaced on short input (hypothesis), where the
old one's cost is harmless, and run once over input that the old one would have spent
minutes on."""

import re
import signal
from contextlib import contextmanager

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cms.accesslog import redact
from cms.names import LINK, validate_person_name
from cms.observability import scrub

OLD_ACCESS_EMAIL = re.compile(
    r"[^\s/?&=\"'<>]+(?:@|%40)[^\s/?&=\"'<>]+\.[^\s/?&=\"'<>]+"
)
OLD_SCRUB_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
OLD_LINK = re.compile(r"[^\W\d_]{2,}\.[^\W\d_]{2,}|\b(?:https?|www)\b", re.IGNORECASE)

# Short text made of what the patterns care about, so that matches are common.
PIECES = st.text(alphabet="ab1é.@%40 /?&=\"'<>_-x\n", max_size=40)


@contextmanager
def at_most(seconds: int):
    """Fail instead of hanging the suite if the pattern is not linear (the old ones
    take minutes on the inputs below)."""

    def expired(signum, frame):
        raise AssertionError(f"still running after {seconds} s: not linear")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@settings(max_examples=600, deadline=None)
@given(PIECES)
@example("a@b.c")
@example("x%40example.org")
@example("@a.b")
@example("a@.b")
@example("a@b.")
@example("a%40.bc")
@example("/p?email=ana%40example.org&x=1")
def test_the_access_log_redacts_what_it_did(text):
    assert redact(text) == OLD_ACCESS_EMAIL.sub("<address>", text)


@settings(max_examples=600, deadline=None)
@given(PIECES)
@example("write to ana.morales@example.org today")
@example("a@b")
@example("a@b.c.d-e")
def test_scrubbing_finds_what_it_did(text):
    assert scrub(text) == OLD_SCRUB_EMAIL.sub("[email]", text)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="abéب1. _-wht:/p", max_size=40))
@example("ona-verify.example")
@example("www")
@example("http")
@example("a.bc")
def test_a_name_link_is_found_as_before(text):
    assert bool(LINK.search(text)) is bool(OLD_LINK.search(text))


@pytest.mark.parametrize(
    "shape", ["a", "a@", "a.", "ab.", "a@a.", "a.a@", "a%40", "é", "a b"]
)
def test_long_hostile_input_is_looked_through_once(shape):
    text = (shape * 200_000)[:200_000]
    with at_most(10):
        redact(text)
        scrub(text)
        LINK.search(text)
        # The validator itself stops at the field's length limit; the pattern above
        # is linear anyway.
        validate_person_name(text)


def test_a_long_name_gets_the_length_message_quickly(client, db):
    from subscribers.forms import SignupForm

    with at_most(10):
        form = SignupForm(
            data={"email": "ana@example.org", "name": "A" * 60_000, "lists": []}
        )
        form.is_valid()
    assert "name" in form.errors
    assert any("100" in message for message in form.errors["name"])
