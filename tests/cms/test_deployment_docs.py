"""The README and docs/production.md, followed literally, deploy a working site: the
commands name the venv, the gunicorn settings and each worker's queues and name; the
secrets' one-liners make values production accepts; the partner API's curl examples
answer on the demo they describe."""

import re
import shlex
import subprocess
import sys
import uuid

import pytest

from campaigns.models import Campaign, PetitionPage
from cms.partners import keys
from cms.partners.models import Action
from events.models import EventPage
from subscribers.models import MailingList
from tests.cms.test_settings import ROOT, bare_env, production_env
from tests.factories import SuperuserFactory

README = (ROOT / "README.md").read_text()
PRODUCTION = (ROOT / "docs" / "production.md").read_text()


def code_block(text: str, after: str) -> str:
    """The first ```sh block after the heading or sentence ``after``."""
    start = text.index("```sh", text.index(after)) + len("```sh")
    return text[start : text.index("```", start)]


def commands(block: str) -> list[str]:
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("text", "after"),
    [
        (README, "## Running on PostgreSQL, Redis and a real ESP"),
        (PRODUCTION, "A deployment, in order"),
    ],
)
def test_deployment_steps_as_written(text, after):
    steps = commands(code_block(text, after))
    steps = [step for step in steps if not step.startswith("export ")]
    assert all(step.startswith(".venv/bin/") for step in steps), steps
    manage = [step.split()[2] for step in steps if " manage.py " in step]
    assert manage.index("migrate") < manage.index("setup_site")
    assert manage.index("setup_site") < manage.index("createsuperuser")
    assert "load_demo" not in manage
    (gunicorn,) = [step for step in steps if step.startswith(".venv/bin/gunicorn")]
    assert "-c python:cms.gunicorn_conf" in gunicorn
    workers = [step for step in steps if " worker " in step]
    assert len(workers) == 2
    for worker in workers:
        assert "--queues " in worker
        assert re.search(r"--hostname \w+@%h", worker), worker


def test_scaling_workers_names_queues_and_node_names():
    workers = commands(code_block(README, "## Scaling workers"))
    assert len(workers) == 3
    names = [re.search(r"--hostname (\S+)", worker)[1] for worker in workers]
    assert len(set(names)) == 3
    queues = {re.search(r"--queues (\S+)", worker)[1] for worker in workers}
    assert queues == {"default,bulk", "alerts"}


def test_secrets_one_liners_make_what_production_accepts(tmp_path):
    made = {}
    for line in README.splitlines():
        found = re.fullmatch(r"\.venv/bin/python (-c .+?)\s+# (\w+)", line.strip())
        if found:
            made[found[2]] = subprocess.run(
                [sys.executable, *shlex.split(found[1])],
                cwd=ROOT,
                env=bare_env(),  # no settings: made before there are any
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
    assert set(made) == {"SECRET_KEY", "LOOKUP_HASH_KEY", "FIELD_ENCRYPTION_KEYS"}
    assert len(set(made.values())) == 3
    assert "`LOOKUP_HASH_KEY` is never rotated" in README

    env = production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env.update(made)
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    found = checked.stdout + checked.stderr
    for check in ("security.W009", "cms.E012", "cms.E013", "cms.E014"):
        assert check not in found, found


def curl_examples() -> list[str]:
    block = code_block(README, "### curl, one example per action")
    block = block.replace("\\\n", " ")
    examples, current = [], None
    for line in block.splitlines():
        if current is None and line.strip().startswith("curl"):
            current = line
        elif current is not None:
            current += "\n" + line
        if current is not None and current.count("'") % 2 == 0:
            examples.append(current)
            current = None
    return examples


@pytest.mark.django_db
def test_partner_api_examples_answer_on_the_demo(client, demo_content):
    """Each id the README names is the demo object it says; each example answers."""
    text = README[README.index("### curl, one example per action") :]
    list_id, list_name = re.search(r"list (\d+)\s+is \*([^*]+)\*", text).groups()
    campaign_id, campaign_name = re.search(
        r'campaign (\d+) is "([^"]+)"', text
    ).groups()
    petition_id = re.search(r"petition (\d+) its English petition page", text)[1]
    event_id, event_title = re.search(r"event (\d+) the \*([^*]+)\*", text).groups()
    assert "GET /key/" in text
    # Ids depend on what the test database made before; names do not.
    mailing_list = MailingList.objects.get(name=list_name)
    campaign = Campaign.objects.get(name=campaign_name)
    petition = PetitionPage.objects.get(campaign=campaign, locale__language_code="en")
    event = EventPage.objects.get(title=event_title, locale__language_code="en")
    ids = {
        ("lists", list_id): mailing_list.pk,
        ("campaigns", campaign_id): campaign.pk,
        ("petitions", petition_id): petition.pk,
        ("events", event_id): event.pk,
    }
    assert "Community Outreach" in list_name
    assert f'"lists": [{list_id}]' in text
    assert "news from the Community Outreach list" in text

    _, token = keys.create_api_key(
        user=SuperuserFactory(),
        name="README",
        partner="The Resurrection Project",
        actions=list(Action.values),
        lists=[mailing_list],
        export_lists=[mailing_list],
        campaigns=[campaign],
        events=[event],
    )
    examples = curl_examples()
    assert len(examples) == 10
    for example in examples:
        for (kind, written), real in ids.items():
            example = example.replace(f"/{kind}/{written}/", f"/{kind}/{real}/")
        example = example.replace(
            f'"lists": [{list_id}]', f'"lists": [{mailing_list.pk}]'
        )
        words = shlex.split(
            example.replace("$API", "/api/v1").replace("$KEY", token), comments=True
        )
        method, body, headers, url = "GET", None, {}, None
        words = iter(words[1:])
        for word in words:
            if word == "-X":
                method = next(words)
            elif word == "-H":
                name, value = next(words).split(": ", 1)
                headers["HTTP_" + name.upper().replace("-", "_")] = value
            elif word == "-d":
                body = next(words)
            elif word != "-s":
                url = word
        if method == "POST":
            headers.pop("HTTP_CONTENT_TYPE")
            headers["HTTP_IDEMPOTENCY_KEY"] += uuid.uuid4().hex
            answer = client.post(url, body, content_type="application/json", **headers)
            assert answer.status_code == 202, (url, answer.content)
        else:
            answer = client.get(url, **headers)
            assert answer.status_code == 200, (url, answer.content)
