"""The OpenAPI 3.1 document: valid, complete, and true of the running API (property-based tests)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.calendar import services as calendar
from app.database import unit_of_work
from app.timeutil import local_today
from tests import factories as f

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


def seed() -> list[int]:
    """A few public sessions around today (online, on site, hybrid, cancelled) and a school one, committed
    for the live server."""
    with unit_of_work():
        return _seed()


def _seed() -> list[int]:
    today = local_today()
    cv = f.activity("cv", organiser="actiris", cohosts=("vdab",))
    nl = f.activity("verder", language="nl", theme_code="studies", audiences=("students",), organiser="leerwinkel")
    school = f.activity("pto", schools_only=True)
    hall = f.venue()
    made = []
    with unit_of_work():  # committed: the live server reads it
        for n, (activity, fmt) in enumerate([(cv, "online"), (cv, "face_to_face"), (nl, "hybrid"), (cv, "online"),
                                             (school, "face_to_face")]):
            start = f.local(*(today + timedelta(days=n + 1)).timetuple()[:3], 14)
            place = {} if fmt == "online" else {"venue": hall, "room": hall.rooms[0]}
            made.append(calendar.create_session(activity, start, start + timedelta(hours=2), fmt, **place))
        calendar.cancel_session(made[3], reason="Closure")
    return [s.id for s in made]


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document, cls=OpenAPIV31SpecValidator)


def test_servers_come_from_base_url(app, document):
    assert document["servers"] == [{"url": app.config["BASE_URL"] + "/api/v1"}]


def test_every_api_route_is_described_and_nothing_else(app, document):
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.removeprefix("/api/v1").replace("<session_id>", "{id}").replace("<token>", "{token}")
            path = path.replace("<year>", "{year}")
            routes.setdefault(path, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    described = {path: {m.upper() for m in item} for path, item in document["paths"].items()}
    assert described == routes


def test_parameters_carry_their_enums_and_formats(document):
    params = document["components"]["parameters"]
    assert params["format"]["schema"]["enum"] == ["face_to_face", "online", "hybrid"]
    assert params["language"]["schema"]["enum"] == ["fr", "nl", "en", "fr_nl"]
    assert params["lang"]["schema"]["enum"] == ["fr", "nl", "en"]
    assert params["from"]["schema"]["format"] == "date" and params["to"]["schema"]["pattern"]
    for path, item in document["paths"].items():
        for method, op in item.items():
            for code in ("405", "500"):
                assert code in op["responses"], (path, method, code)


@pytest.fixture
def api_schema(live_server):
    seed()
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json", timeout=10)
    schema.config.update(base_url=f"{live_server}/api/v1", request_timeout=10)
    return schema


lazy_schema = schemathesis.pytest.from_fixture("api_schema")


# The live server comes through the schema fixture, loaded during the test: committed mode is asked here.
@pytest.mark.committed
@settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@lazy_schema.parametrize()
def test_api_keeps_its_description(case):
    case.call_and_validate(checks=CHECKS)


def test_real_sessions_match_their_schema(live_server):
    """Generated ids are mostly unknown: check the existing sessions' answers too."""
    ids = seed()
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json", timeout=10)
    schema.config.update(base_url=f"{live_server}/api/v1")
    one = schema["/sessions/{id}"]["GET"]
    for session_id in ids:
        for lang in ("fr", "nl", "en"):
            response = one.Case(path_parameters={"id": session_id}, query={"lang": lang}).call_and_validate(
                checks=CHECKS)
            assert response.status_code == (404 if session_id == ids[-1] else 200)
    listing = schema["/sessions"]["GET"]
    last = (local_today() + timedelta(days=10)).isoformat()
    response = listing.Case(query={"from": local_today().isoformat(), "to": last}).call_and_validate(checks=CHECKS)
    assert response.json()["count"] >= 3
