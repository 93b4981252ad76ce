"""Celery takes JSON only: a pickled message (code execution on load) is refused."""

import pytest
from kombu.exceptions import ContentDisallowed
from kombu.serialization import dumps, loads, prepare_accept_content

from cms.celery import app


def test_celery_serialises_and_accepts_json_only():
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert set(conf.accept_content) == {"json"}
    assert set(conf.result_accept_content or conf.accept_content) == {"json"}


def test_a_pickled_message_is_refused_before_it_is_loaded():
    class Boom:
        def __reduce__(self):
            return (pytest.fail, ("pickle payload was executed",))

    content_type, encoding, body = dumps(Boom(), serializer="pickle")
    assert content_type == "application/x-python-serialize"
    with pytest.raises(ContentDisallowed):
        loads(
            body,
            content_type,
            encoding,
            accept=prepare_accept_content(app.conf.accept_content),
        )
    ok_type, ok_encoding, ok_body = dumps({"mailing_id": 1}, serializer="json")
    assert loads(
        ok_body,
        ok_type,
        ok_encoding,
        accept=prepare_accept_content(app.conf.accept_content),
    ) == {"mailing_id": 1}
