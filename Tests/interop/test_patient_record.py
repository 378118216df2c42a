"""A patient's record as one request: Patient/[id]/$everything and compartment search, on a real Synthea bundle,
and $validate. Every response here is also parsed by fhir.resources in test_zz_validation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
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


def _read_all(http, base_url, refs) -> dict:
    """The resources `refs` ((type, id) pairs), a search by `_id` per type and hundred (not a read each: the
    server limits a client to 100 requests a second)."""
    by_type: dict[str, list[str]] = {}
    for t, i in refs:
        by_type.setdefault(t, []).append(i)
    out = {}
    for t, ids in by_type.items():
        for k in range(0, len(ids), 100):
            r = http.get(f"{base_url}/{t}", params={"_id": ",".join(ids[k:k + 100]), "_count": 1000}, headers=HEADERS, timeout=60)
            assert r.status_code == 200, r.text[:300]
            out.update({f"{t}/{e['resource']['id']}": e["resource"] for e in r.json().get("entry", [])})
    assert len(out) == len(refs)
    return out


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


# The element each type's care happened on, read here from the resources themselves (not from the server's search
# parameters): the R4 clinical-date elements, and the date of ordering, authoring or handing over elsewhere.
CARE_DATE = {
    "AllergyIntolerance": "recordedDate", "CarePlan": "period", "CareTeam": "period", "Claim": "created",
    "Condition": "onset", "DiagnosticReport": "effective", "DocumentReference": "date", "Encounter": "period",
    "ExplanationOfBenefit": "created", "ImagingStudy": "started", "Immunization": "occurrence",
    "MedicationAdministration": "effective", "MedicationRequest": "authoredOn", "Observation": "effective",
    "Procedure": "performed", "Provenance": "recorded",
}
UNDATED = {"Patient", "RelatedPerson", "SupplyDelivery"}
FAR = datetime(9999, 1, 1, tzinfo=timezone.utc)


def _span(text: str) -> tuple[datetime, datetime]:
    """[lo, hi) of a FHIR date, dateTime or instant; a date without a zone is UTC."""
    if len(text) == 4:
        lo = datetime(int(text), 1, 1, tzinfo=timezone.utc)
        return lo, lo.replace(year=lo.year + 1)
    if len(text) == 7:
        lo = datetime(int(text[:4]), int(text[5:7]), 1, tzinfo=timezone.utc)
        return lo, (lo + timedelta(days=32)).replace(day=1)
    if len(text) == 10:
        lo = datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
        return lo, lo + timedelta(days=1)
    lo = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return lo, lo + (timedelta(milliseconds=1) if "." in text else timedelta(seconds=1))


def _care_span(resource: dict) -> tuple[datetime, datetime] | None:
    element = CARE_DATE[resource["resourceType"]]
    for key, value in resource.items():
        if key == element or (key.startswith(element) and key[len(element):][:1].isupper()):
            if isinstance(value, str):
                return _span(value)
            if isinstance(value, dict) and ("start" in value or "end" in value):
                lo = _span(value["start"])[0] if "start" in value else datetime(1, 1, 1, tzinfo=timezone.utc)
                return lo, _span(value["end"])[1] if "end" in value else FAR
    return None


def test_everything_between_care_dates_holds_what_the_resources_dates_say(http, base_url, loaded):
    pid, written = loaded
    types = _patient_compartment_types()
    in_record = [(t, i) for t, i in written if t in types]
    assert {t for t, _ in in_record} <= set(CARE_DATE) | UNDATED, "a type without a care date rule in this test"
    resources = _read_all(http, base_url, in_record)
    spans = {ref: _care_span(res) for ref, res in resources.items() if res["resourceType"] in CARE_DATE}
    years = sorted({s[0].year for s in spans.values() if s and s[0].year > 1})
    assert len(years) >= 3, "the sample patient's record spans too few years for this test"
    middle = years[len(years) // 2]
    undated = {ref for ref, res in resources.items() if res["resourceType"] in UNDATED}
    # After a year, until a year, and half a year: each checked against the resources' own dates.
    for params in ({"start": str(middle)}, {"end": str(middle)}, {"start": f"{middle}-01-01", "end": f"{middle}-06-30"}):
        lo = _span(params["start"])[0] if "start" in params else datetime(1, 1, 1, tzinfo=timezone.utc)
        hi = _span(params["end"])[1] if "end" in params else FAR
        expected = undated | {ref for ref, s in spans.items() if s and s[0] < hi and lo < s[1]}
        if "start" not in params or "end" not in params:
            assert len(undated) < len(expected) < len(resources), f"{params} should select part of the record"
        r = http.get(f"{base_url}/Patient/{pid}/$everything", params={**params, "_count": 1000}, headers=HEADERS, timeout=60)
        assert r.status_code == 200, r.text[:500]
        found = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in r.json().get("entry", []) if e["search"]["mode"] == "match"}
        assert found == expected, (params, sorted(found - expected)[:5], sorted(expected - found)[:5])
        assert int(r.json()["total"]) == len(expected)


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
    r = http.get(f"{base_url}/Patient/{pid}/$everything", params={"start": "2020-13-01", "_typeFilter": "x"}, headers=HEADERS, timeout=30)
    assert r.status_code == 400
    assert {e for i in r.json()["issue"] for e in i.get("expression", [])} == {"start", "_typeFilter"}
    r = http.get(f"{base_url}/Patient/{pid}/$everything", params={"start": "2021", "end": "2020"}, headers=HEADERS, timeout=30)
    assert r.status_code == 400
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


def test_reverse_chaining_finds_the_patient_by_their_conditions(http, base_url, loaded):
    pid, written = loaded
    conditions = list(_read_all(http, base_url, [(t, i) for t, i in written if t == "Condition"]).values())
    assert conditions, "the sample patient has no conditions"
    code = conditions[0]["code"]["coding"][0]
    r = http.get(f"{base_url}/Patient", params={"_has:Condition:patient:code": f"{code['system']}|{code['code']}", "_count": 1000}, headers=HEADERS, timeout=60)
    assert r.status_code == 200, r.text[:500]
    found = {e["resource"]["id"] for e in r.json().get("entry", [])}
    assert pid in found
    # Every patient found has such a condition, as the forward search says.
    for other in found:
        check = http.get(f"{base_url}/Condition", params={"patient": other, "code": f"{code['system']}|{code['code']}", "_summary": "count"}, headers=HEADERS, timeout=30)
        assert check.json()["total"] >= 1
    # A code the patient has no condition with does not find them; a malformed _has is a 400 naming it.
    own = {c["code"]["coding"][0]["code"] for c in conditions}
    r = http.get(f"{base_url}/Patient", params={"_has:Condition:patient:code": "http://snomed.info/sct|0", "_id": pid}, headers=HEADERS, timeout=30)
    assert "0" not in own and r.json()["total"] == 0
    r = http.get(f"{base_url}/Patient", params={"_has:Condition:patient": "x"}, headers=HEADERS, timeout=30)
    assert r.status_code == 400 and r.json()["issue"][0]["expression"] == ["_has:Condition:patient"]


def test_composite_search_matches_within_one_component(http, base_url, loaded):
    """Systolic pressures over a threshold, by component-code-value-quantity, against the readings themselves."""
    pid, written = loaded
    observations = _read_all(http, base_url, [(t, i) for t, i in written if t == "Observation"]).values()

    def systolic(o):
        return [c["valueQuantity"]["value"] for c in o.get("component", [])
                if any(x.get("code") == "8480-6" for x in c["code"].get("coding", [])) and "valueQuantity" in c]

    readings = sorted(v for o in observations for v in systolic(o))
    assert len(readings) >= 2, "the sample patient has too few blood pressure readings"
    threshold = readings[len(readings) // 2]
    expected = {o["id"] for o in observations if any(v > threshold for v in systolic(o))}
    assert 0 < len(expected) < sum(1 for o in observations if systolic(o)), "the threshold should split the readings"
    r = http.get(f"{base_url}/Observation", params={"subject": f"Patient/{pid}", "component-code-value-quantity": f"http://loinc.org|8480-6$gt{threshold}",
                                                    "_count": 1000}, headers=HEADERS, timeout=60)
    assert r.status_code == 200, r.text[:500]
    assert {e["resource"]["id"] for e in r.json().get("entry", [])} == expected
    r = http.get(f"{base_url}/Observation", params={"subject": f"Patient/{pid}", "combo-code-value-quantity": f"http://loinc.org|8480-6$gt{threshold}",
                                                    "_count": 1000}, headers=HEADERS, timeout=60)
    assert {e["resource"]["id"] for e in r.json().get("entry", [])} == expected
    # The root-level composite: heart rates, or whatever single-valued code the record has, above its median.
    single = [o for o in observations if "valueQuantity" in o]
    code = single[0]["code"]["coding"][0]
    values = sorted(o["valueQuantity"]["value"] for o in single if o["code"]["coding"][0]["code"] == code["code"])
    cut = values[len(values) // 2]
    expected = {o["id"] for o in single if o["code"]["coding"][0]["code"] == code["code"] and o["valueQuantity"]["value"] > cut}
    r = http.get(f"{base_url}/Observation", params={"subject": f"Patient/{pid}", "code-value-quantity": f"{code['system']}|{code['code']}$gt{cut}", "_count": 1000},
                 headers=HEADERS, timeout=60)
    assert {e["resource"]["id"] for e in r.json().get("entry", [])} == expected
