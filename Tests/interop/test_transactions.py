"""Transaction Bundles posted with plain `requests`."""

from __future__ import annotations

import datetime as dt
import uuid

from interop_helpers import FHIR_JSON, IIN_SYSTEM, make_iin

HEADERS = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}


def _count(http, base_url, resource_type, **params):
    r = http.get(f"{base_url}/{resource_type}", params={**params, "_summary": "count"}, timeout=30)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["resourceType"] == "Bundle"
    return body["total"]


def _transaction(family: str, observation_status: str = "final", patient_birth: str = "1990-02-14"):
    patient_url = f"urn:uuid:{uuid.uuid4()}"
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": patient_url,
                "resource": {
                    "resourceType": "Patient",
                    "name": [{"family": family, "given": ["Asel"]}],
                    "gender": "female",
                    "birthDate": patient_birth,
                    "identifier": [
                        {"system": IIN_SYSTEM, "value": make_iin(dt.date.fromisoformat(patient_birth), "female")}
                    ],
                },
                "request": {"method": "POST", "url": "Patient"},
            },
            {
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": {
                    "resourceType": "Observation",
                    "status": observation_status,
                    "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7", "display": "Body weight"}]},
                    "subject": {"reference": patient_url},
                    "effectiveDateTime": "2024-05-01T09:30:00+05:00",
                    "valueQuantity": {
                        "value": 61.2,
                        "unit": "kg",
                        "system": "http://unitsofmeasure.org",
                        "code": "kg",
                    },
                },
                "request": {"method": "POST", "url": "Observation"},
            },
        ],
    }


def _id_from_location(location: str, resource_type: str) -> str:
    # "Patient/123/_history/1" or "http://host/fhir/Patient/123/_history/1"
    parts = location.split("/")
    i = len(parts) - 1 - parts[::-1].index(resource_type)
    return parts[i + 1]


def test_transaction_resolves_urn_uuid_references(http, base_url, unique, assert_valid):
    family = unique("Tx")
    r = http.post(base_url, json=_transaction(family), headers=HEADERS, timeout=60)
    assert r.status_code == 200, r.text
    bundle = r.json()
    assert_valid(bundle)
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "transaction-response"
    assert len(bundle["entry"]) == 2
    for entry in bundle["entry"]:
        assert entry["response"]["status"].startswith("201"), entry["response"]
        assert entry["response"].get("location"), entry["response"]

    patient_id = _id_from_location(bundle["entry"][0]["response"]["location"], "Patient")
    obs_id = _id_from_location(bundle["entry"][1]["response"]["location"], "Observation")

    obs = http.get(f"{base_url}/Observation/{obs_id}", timeout=30)
    assert obs.status_code == 200, obs.text
    assert_valid(obs.json())
    assert obs.json()["subject"]["reference"] == f"Patient/{patient_id}"

    patient = http.get(f"{base_url}/Patient/{patient_id}", timeout=30)
    assert patient.status_code == 200, patient.text
    assert patient.json()["name"][0]["family"] == family

    # the reference is searchable, both ways round
    found = http.get(f"{base_url}/Observation", params={"subject": f"Patient/{patient_id}"}, timeout=30).json()
    assert_valid(found)
    assert [e["resource"]["id"] for e in found.get("entry", [])] == [obs_id]
    chained = http.get(f"{base_url}/Observation", params={"subject:Patient.name": family}, timeout=30).json()
    assert [e["resource"]["id"] for e in chained.get("entry", [])] == [obs_id]


def test_transaction_with_invalid_entry_stores_nothing(http, base_url, unique, assert_valid):
    family = unique("Txbad")
    before_patients = _count(http, base_url, "Patient", family=family)
    before_obs = _count(http, base_url, "Observation", **{"subject:Patient.family": family})
    assert before_patients == 0

    r = http.post(base_url, json=_transaction(family, observation_status="not-a-status"), headers=HEADERS, timeout=60)
    assert r.status_code in (400, 422), f"{r.status_code}: {r.text}"
    outcome = r.json()
    assert_valid(outcome)
    assert outcome["resourceType"] == "OperationOutcome"
    errors = [i for i in outcome["issue"] if i["severity"] in ("error", "fatal")]
    assert errors, outcome
    locations = [loc for i in errors for loc in (i.get("expression", []) + i.get("location", []))]
    assert any(loc.startswith("Bundle.entry[1]") for loc in locations), (
        f"no issue expression names Bundle.entry[1]: {outcome}"
    )

    # atomic: the valid Patient entry was rolled back along with the bad Observation
    assert _count(http, base_url, "Patient", family=family) == before_patients
    assert _count(http, base_url, "Observation", **{"subject:Patient.family": family}) == before_obs


def test_batch_entries_succeed_or_fail_independently(http, base_url, unique, assert_valid):
    family = unique("Batch")
    bundle = _transaction(family, observation_status="not-a-status")
    bundle["type"] = "batch"
    # in a batch there is no cross-entry reference resolution: point at a real id instead
    bundle["entry"][1]["resource"]["subject"] = {"reference": "Patient/does-not-matter"}
    r = http.post(base_url, json=bundle, headers=HEADERS, timeout=60)
    assert r.status_code == 200, r.text
    body = r.json()
    assert_valid(body)
    assert body["type"] == "batch-response"
    statuses = [e["response"]["status"] for e in body["entry"]]
    assert statuses[0].startswith("201"), statuses
    assert statuses[1][:3] in ("400", "404", "422"), statuses
    assert body["entry"][1]["response"].get("outcome", {}).get("resourceType") == "OperationOutcome"
    assert _count(http, base_url, "Patient", family=family) == 1
