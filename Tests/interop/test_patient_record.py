"""A patient's record as one request: Patient/[id]/$everything and compartment search, on a real Synthea bundle,
and $validate. Every response here is also parsed by fhir.resources in test_zz_validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interop_helpers import FHIR_JSON
from test_synthea import SYNTHEA, _load, _one, _post_bundle

HEADERS = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}
pytestmark = pytest.mark.skipif(SYNTHEA is None, reason="no Synthea sample bundles (shared/fhir/synthea) found")


def _patient_compartment_types() -> set[str]:
    """The types in the Patient compartment, from the official definition (not from the server)."""
    for base in (Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")):
        path = base / "fhir" / "r4" / "compartmentdefinition-patient.json"
        if path.is_file():
            definition = json.loads(path.read_text())
            return {r["code"] for r in definition["resource"] if r.get("param")}
    pytest.skip("no compartmentdefinition-patient.json in shared/fhir/r4")


@pytest.fixture(scope="module")
def loaded(http, base_url):
    for pattern in ("0-hospitalInformation*", "0-practitionerInformation*"):
        _post_bundle(http, base_url, _load(_one(pattern)))
    files = sorted(
        (p for p in SYNTHEA.iterdir() if p.name.endswith((".json", ".json.bz2")) and not p.name.startswith("0-")),
        key=lambda p: (p.stat().st_size, p.name),
    )
    # The second smallest: test_synthea loads the smallest.
    source = _load(files[1] if len(files) > 1 else files[0])
    response = _post_bundle(http, base_url, source)
    written = []
    for entry, result in zip(source["entry"], response["entry"]):
        parts = result["response"]["location"].split("/")
        i = parts.index("_history") if "_history" in parts else len(parts)
        written.append((entry["resource"]["resourceType"], parts[i - 1]))
    pid = next(id for t, id in written if t == "Patient")
    return pid, written


def test_everything_pages_through_the_whole_record_once(http, base_url, loaded):
    pid, written = loaded
    types = _patient_compartment_types()
    expected = {f"{t}/{id}" for t, id in written if t in types}
    seen, included, pages = [], set(), 0
    url = f"{base_url}/Patient/{pid}/$everything?_count=100"
    first = None
    while url:
        r = http.get(url, headers=HEADERS, timeout=60)
        assert r.status_code == 200, r.text[:500]
        bundle = r.json()
        first = first or bundle
        assert bundle["type"] == "searchset"
        for e in bundle.get("entry", []):
            ref = f"{e['resource']['resourceType']}/{e['resource']['id']}"
            assert e["fullUrl"].endswith(ref)
            (seen.append if e["search"]["mode"] == "match" else included.add)(ref)
        url = next((l["url"] for l in bundle["link"] if l["relation"] == "next"), None)
        pages += 1
        assert pages < 100
    assert len(seen) == len(set(seen)), "a resource came twice"
    assert set(seen) == expected
    assert int(first["total"]) == len(expected)
    assert seen[0] == f"Patient/{pid}"
    assert pages == -(-len(expected) // 100)
    # Who treated, where: the encounters' practitioners and organisations come along, outside the compartment.
    assert {r.split("/")[0] for r in included} >= {"Practitioner", "Organization"}
    assert not {r.split("/")[0] for r in included} & types


def test_compartment_search_and_everything_by_type_agree(http, base_url, loaded):
    pid, written = loaded
    n_obs = sum(1 for t, _ in written if t == "Observation")
    r = http.get(f"{base_url}/Patient/{pid}/Observation", params={"_count": 1, "_total": "accurate"}, headers=HEADERS, timeout=60)
    assert r.status_code == 200
    assert r.json()["total"] == n_obs
    nxt = next(l["url"] for l in r.json()["link"] if l["relation"] == "next")
    assert f"/Patient/{pid}/Observation?" in nxt
    r = http.get(f"{base_url}/Patient/{pid}/$everything", params={"_type": "Observation,Encounter", "_count": 1000}, headers=HEADERS, timeout=60)
    matches = [e for e in r.json()["entry"] if e["search"]["mode"] == "match"]
    assert len(matches) == n_obs + sum(1 for t, _ in written if t == "Encounter")


def test_everything_refuses_parameters_it_does_not_apply(http, base_url, loaded):
    pid, _ = loaded
    r = http.get(f"{base_url}/Patient/{pid}/$everything", params={"start": "2020-01-01"}, headers=HEADERS, timeout=30)
    assert r.status_code == 400
    assert any(i.get("expression") == ["start"] for i in r.json()["issue"])
    assert http.get(f"{base_url}/Patient/no-such-patient/$everything", headers=HEADERS, timeout=30).status_code == 404


def test_validate_reports_problems_and_stores_nothing(http, base_url, unique):
    family = unique("Validate")
    bad = {"resourceType": "Patient", "gender": "sometimes", "birthDate": "1990-02-30", "name": [{"family": family}]}
    r = http.post(f"{base_url}/Patient/$validate", data=json.dumps(bad), headers=HEADERS, timeout=30)
    assert r.status_code == 200, r.text[:500]
    where = {e for i in r.json()["issue"] if i["severity"] == "error" for e in i.get("expression", [])}
    assert {"Patient.gender", "Patient.birthDate"} <= where, r.text[:1000]
    good = {"resourceType": "Parameters", "parameter": [{"name": "resource", "resource": dict(bad, gender="female", birthDate="1990-02-28")}]}
    r = http.post(f"{base_url}/Patient/$validate", data=json.dumps(good), headers=HEADERS, timeout=30)
    assert [i["severity"] for i in r.json()["issue"]] == ["information"]
    found = http.get(f"{base_url}/Patient", params={"family:exact": family}, headers=HEADERS, timeout=30).json()
    assert found["total"] == 0
