"""Acceptance: the published OpenAPI document validates, and a client generated from it
(openapi-python-client, offline) signs a petition and reads its count over HTTP."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from openapi_spec_validator import validate

from campaigns.models import Signature

from .conftest import make_key

BIN = Path(sys.executable).parent


@pytest.mark.django_db
def test_the_document_is_titled_with_the_offices_name(client, settings):
    """Houston's partners read "ONA partner API", Chicago's office's name."""
    settings.WAGTAIL_SITE_NAME = "Houston Office of New Americans"
    document = client.get("/api/v1/schema/").json()
    assert document["info"]["title"] == "Houston Office of New Americans partner API"
    assert "ONA" not in document["info"]["title"]
    assert "Houston Office of New Americans partner API" in (
        client.get("/api/v1/docs/").content.decode()
    )


@pytest.mark.django_db
def test_the_published_document_validates(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    document = response.json()
    validate(document)  # raises on any error
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "Office of New Americans partner API"
    operations = {
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    }
    assert operations == {
        "getKey",
        "listLists",
        "getList",
        "listPeople",
        "signupPerson",
        "listCampaigns",
        "getCampaign",
        "listPetitions",
        "getPetition",
        "signPetition",
        "listEvents",
        "getEvent",
        "rsvpEvent",
    }
    sign = document["paths"]["/api/v1/petitions/{petition_id}/signatures/"]["post"]
    header = next(p for p in sign["parameters"] if p["in"] == "header")
    assert (header["name"], header["required"]) == ("Idempotency-Key", True)
    assert sign["security"] == [{"PartnerKeyAuth": []}]
    spoken = document["components"]["schemas"]["PersonIn"]["properties"][
        "languages_spoken"
    ]
    codes = [code for code, _name in settings.LANGUAGES]
    assert spoken["items"]["enum"] == codes
    assert f"one of {', '.join(codes)} (the enum)" in spoken["description"]


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_signs_a_petition_and_reads_its_count(
    live_server, tmp_path, client, monkeypatch
):
    from .conftest import build_world

    world = build_world()
    _key, token = make_key(world)
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(client.get("/api/v1/schema/").json()))
    subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(tmp_path / "ona_client"),
            "--meta",
            "none",
        ],
        check=True,
        capture_output=True,
        timeout=120,
        # Its post-generation hook formats the code with ruff, from our venv.
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    generated = importlib.import_module("ona_client")
    models = importlib.import_module("ona_client.models")
    sign_petition = importlib.import_module("ona_client.api.petitions.sign_petition")
    get_petition = importlib.import_module("ona_client.api.petitions.get_petition")

    api = generated.AuthenticatedClient(base_url=live_server.url, token=token)
    body = models.SignatureIn(
        person=models.PersonIn(
            given_name="Ana",
            family_name="García",
            email_addresses=[models.EmailAddress(address="ana@example.org")],
            postal_addresses=[models.PostalAddress(postal_code="60608")],
            # The schema's enum: a typed client sends only the codes we know.
            languages_spoken=[models.PersonInLanguagesSpokenItem.ES],
        )
    )
    answer = sign_petition.sync_detailed(
        world.petition_a.pk, client=api, body=body, idempotency_key="generated-1"
    )
    assert answer.status_code == 202
    assert answer.parsed.status == "accepted"
    petition = get_petition.sync(world.petition_a.pk, client=api)
    assert isinstance(petition, models.PetitionOut)
    assert petition.total_signatures == 1
    assert petition.title == world.petition_a.title
    assert Signature.objects.get().language == "es"


@pytest.mark.django_db
def test_every_text_a_partner_sends_refuses_nul(client):
    """Guard for new fields: each string in a request body of the published document
    carries schemas.Text's pattern (or is a date-time), so none can carry a NUL to
    PostgreSQL (test_writes: a NUL is a 400)."""
    document = client.get("/api/v1/schema/").json()
    schemas = document["components"]["schemas"]
    bodies = {
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for path in document["paths"].values()
        for operation in path.values()
        if "requestBody" in operation
    }
    assert len(bodies) == 3, bodies  # signatures, people, attendances

    seen, texts = set(), []

    def walk(node, where):
        if isinstance(node, dict):
            reference = node.get("$ref")
            if reference and reference not in seen:
                seen.add(reference)
                walk(schemas[reference.rsplit("/", 1)[-1]], reference)
            if node.get("type") == "string" and node.get("format") != "date-time":
                texts.append((where, node.get("pattern")))
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    for body in bodies:
        walk({"$ref": body}, body)
    assert len(texts) >= 6, texts  # names, address, postal code, language, statement
    assert all(pattern == "^[^\\x00]*$" for _where, pattern in texts), texts
