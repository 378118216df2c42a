"""Interop with fhirpy's synchronous client (SyncFHIRClient)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from interop_helpers import IIN_SYSTEM, make_iin

pytest.importorskip("fhirpy")

OBSERVATION_COUNT = 25
PAGE = 10


def _patient(client, family, given, birth, gender):
    return client.resource(
        "Patient",
        name=[{"family": family, "given": [given]}],
        gender=gender,
        birthDate=birth,
        identifier=[{"system": IIN_SYSTEM, "value": make_iin(dt.date.fromisoformat(birth), gender)}],
    )


@pytest.fixture(scope="module")
def paged_patient(fhirpy_client):
    """One patient with 25 heart-rate Observations on distinct days."""
    family = "Fpypage" + uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))
    patient = _patient(fhirpy_client, family, "Daulet", "1984-06-30", "male")
    patient.save()
    obs_ids = []
    start = dt.datetime(2024, 1, 1, 8, 0, 0)
    for i in range(OBSERVATION_COUNT):
        when = (start + dt.timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        o = fhirpy_client.resource(
            "Observation",
            status="final",
            code={"coding": [{"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"}]},
            subject=patient.to_reference(),
            effectiveDateTime=when,
            valueQuantity={"value": 60 + i, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"},
        )
        o.save()
        obs_ids.append(o.id)
    return {"patient": patient, "observations": obs_ids, "family": family}


def test_create_save_refresh(fhirpy_client, unique, assert_valid):
    family = unique("Fpy")
    p = _patient(fhirpy_client, family, "Aruzhan", "1992-08-21", "female")
    p.save()
    assert p.id, "save() did not give the resource an id"
    assert p["meta"]["versionId"] == "1"
    assert_valid(p.serialize())

    p["telecom"] = [{"system": "phone", "value": "+77010000001", "use": "mobile"}]
    p.save()
    assert p["meta"]["versionId"] == "2"
    assert p["telecom"][0]["value"] == "+77010000001"

    # A stale local copy refreshes to the current version (fhirpy sends If-None-Match).
    stale = fhirpy_client.resource("Patient", id=p.id, meta={"versionId": "1"})
    stale.refresh()
    assert stale["meta"]["versionId"] == "2"
    assert stale["telecom"][0]["value"] == "+77010000001"
    assert stale["name"][0]["family"] == family

    # Refreshing an up-to-date copy keeps it intact (200 or 304 are both fine).
    p.refresh()
    assert p["meta"]["versionId"] == "2"
    assert p["birthDate"] == "1992-08-21"

    fetched = fhirpy_client.reference("Patient", p.id).to_resource()
    assert fetched["id"] == p.id
    assert fetched["gender"] == "female"
    assert_valid(fetched.serialize())


def test_search_by_name(fhirpy_client, unique):
    family = unique("Fpyname")
    a = _patient(fhirpy_client, family, "Alibek", "1970-01-15", "male")
    a.save()
    b = _patient(fhirpy_client, family, "Madina", "1999-12-31", "female")
    b.save()
    found = fhirpy_client.resources("Patient").search(name=family).fetch_all()
    assert {r.id for r in found} == {a.id, b.id}
    # string search is a case-insensitive prefix match by default
    prefix = fhirpy_client.resources("Patient").search(name=family[:-2].lower()).fetch_all()
    assert {a.id, b.id} <= {r.id for r in prefix}
    exact_given = fhirpy_client.resources("Patient").search(family=family, given="Madina").fetch_all()
    assert [r.id for r in exact_given] == [b.id]


def test_search_birthdate_prefix(fhirpy_client, unique):
    family = unique("Fpybd")
    ids = {}
    for birth, gender in (("1975-05-05", "male"), ("1985-02-02", "female"), ("2001-09-09", "male")):
        r = _patient(fhirpy_client, family, "X", birth, gender)
        r.save()
        ids[birth[:4]] = r.id
    ge = fhirpy_client.resources("Patient").search(family=family, birthdate__ge="1980").fetch_all()
    assert {r.id for r in ge} == {ids["1985"], ids["2001"]}
    lt = fhirpy_client.resources("Patient").search(family=family, birthdate__lt="1980").fetch_all()
    assert {r.id for r in lt} == {ids["1975"]}
    window = (
        fhirpy_client.resources("Patient")
        .search(family=family, birthdate__ge="1980-01-01", birthdate__le="1999-12-31")
        .fetch_all()
    )
    assert {r.id for r in window} == {ids["1985"]}


def test_include_subject(fhirpy_client, paged_patient, assert_valid):
    pid = paged_patient["patient"].id
    bundle = (
        fhirpy_client.resources("Observation")
        .search(subject=f"Patient/{pid}")
        .include("Observation", "subject")
        .limit(5)
        .fetch_raw()
    )
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "searchset"
    entries = bundle.get("entry", [])
    matches = [e for e in entries if e["resource"]["resourceType"] == "Observation"]
    included = [e for e in entries if e["resource"]["resourceType"] == "Patient"]
    assert len(matches) == 5
    assert all(e["search"]["mode"] == "match" for e in matches)
    assert [e["resource"]["id"] for e in included] == [pid]
    assert included[0]["search"]["mode"] == "include"
    assert_valid(json.loads(json.dumps(bundle)))


def test_sort_descending_date(fhirpy_client, paged_patient):
    pid = paged_patient["patient"].id
    results = fhirpy_client.resources("Observation").search(subject=f"Patient/{pid}").sort("-date").limit(5).fetch()
    assert len(results) == 5
    dates = [r["effectiveDateTime"] for r in results]
    assert dates == sorted(dates, reverse=True)
    assert dates[0].startswith("2024-01-25"), dates
    ascending = fhirpy_client.resources("Observation").search(subject=f"Patient/{pid}").sort("date").first()
    assert ascending["effectiveDateTime"].startswith("2024-01-01")


def test_limit_and_fetch_all_pages(fhirpy_client, paged_patient):
    pid = paged_patient["patient"].id
    search = fhirpy_client.resources("Observation").search(subject=f"Patient/{pid}")

    assert len(search.limit(5).fetch()) == 5

    first_page = search.limit(PAGE).fetch_raw()
    links = {link["relation"]: link["url"] for link in first_page.get("link", [])}
    assert "self" in links
    assert "next" in links, f"no next link on a {OBSERVATION_COUNT}-result search with _count={PAGE}"
    assert links["next"].startswith(fhirpy_client.url), links["next"]

    everything = search.limit(PAGE).fetch_all()  # follows Bundle.link next, 3 pages
    ids = [r.id for r in everything]
    assert len(ids) == OBSERVATION_COUNT, f"got {len(ids)} observations over the pages"
    assert len(set(ids)) == OBSERVATION_COUNT, "a resource appeared on two pages"
    assert set(ids) == set(paged_patient["observations"])


def test_count(fhirpy_client, paged_patient):
    pid = paged_patient["patient"].id
    assert fhirpy_client.resources("Observation").search(subject=f"Patient/{pid}").count() == OBSERVATION_COUNT
    family = paged_patient["family"]
    assert fhirpy_client.resources("Patient").search(family=family).count() == 1
    assert fhirpy_client.resources("Patient").search(family=family + "nobody").count() == 0
