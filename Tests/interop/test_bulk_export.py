"""Bulk Data export through HTTP, as a Bulk Data client does it: kick-off with Prefer: respond-async, polling the
Content-Location, the manifest, NDJSON files — each line checked by fhir.resources — and the files loaded into a
fresh database with `densauluq import`."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import datetime, timezone

from conftest import _binary_path
from interop_helpers import FHIR_JSON, validate_r4

HEADERS = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}


def _poll(http, url: str) -> dict:
    for _ in range(600):
        r = http.get(url, timeout=30)
        if r.status_code == 200:
            return r.json()
        assert r.status_code == 202, r.text[:500]
        assert "X-Progress" in r.headers
        time.sleep(0.1)
    raise AssertionError("the export did not finish")


def test_export_poll_download_and_import_back(http, base_url, unique, tmp_path):
    since = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    time.sleep(0.05)
    org = http.post(f"{base_url}/Organization", data=json.dumps({"resourceType": "Organization", "name": unique("Export")}), headers=HEADERS, timeout=30).json()
    made = {"Organization": {org["id"]}, "Patient": set(), "Observation": set()}
    for n in range(3):
        p = http.post(f"{base_url}/Patient", headers=HEADERS, timeout=30, data=json.dumps({
            "resourceType": "Patient", "name": [{"family": unique("Export"), "given": ["Aruzhan"]}], "gender": "female",
            "managingOrganization": {"reference": f"Organization/{org['id']}"}})).json()
        made["Patient"].add(p["id"])
        o = http.post(f"{base_url}/Observation", headers=HEADERS, timeout=30, data=json.dumps({
            "resourceType": "Observation", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
            "subject": {"reference": f"Patient/{p['id']}"}, "valueQuantity": {"value": 60 + n, "unit": "/min"}})).json()
        made["Observation"].add(o["id"])

    params = {"_type": "Organization,Patient,Observation", "_since": since}
    assert http.get(f"{base_url}/$export", params=params, timeout=30).status_code == 400   # no Prefer: respond-async
    r = http.get(f"{base_url}/$export", params=params, headers={"Prefer": "respond-async", "Accept": FHIR_JSON}, timeout=30)
    assert r.status_code == 202, r.text[:500]
    status_url = r.headers["Content-Location"]
    manifest = _poll(http, status_url)
    assert manifest["requiresAccessToken"] is True
    assert manifest["transactionTime"] >= since
    files = {}
    for out in manifest["output"]:
        f = http.get(out["url"], headers={"Accept": "application/fhir+ndjson"}, timeout=60)
        assert f.status_code == 200 and f.headers["Content-Type"].startswith("application/fhir+ndjson")
        lines = f.text.splitlines()
        assert len(lines) == out["count"]
        resources = [json.loads(line) for line in lines]
        for resource in resources:
            validate_r4(resource)
            assert resource["resourceType"] == out["type"]
        files[out["type"]] = resources
        (tmp_path / f"{out['type']}.ndjson").write_text(f.text)
    assert {t: {r["id"] for r in rs} for t, rs in files.items()} == made

    # The files are what `densauluq import` takes: a fresh database gets the same resources.
    database = str(tmp_path / "from-export.sqlite")
    loaded = subprocess.run([str(_binary_path()), "import", "--database", database, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert "Imported 7 resources from 3 files" in loaded.stdout, loaded.stdout

    # Patient level: only the patient compartment's types; then the job is deleted and gone.
    r = http.get(f"{base_url}/Patient/$export", params={"_since": since}, headers={"Prefer": "respond-async"}, timeout=30)
    assert r.status_code == 202
    patient_manifest = _poll(http, r.headers["Content-Location"])
    assert {o["type"] for o in patient_manifest["output"]} == {"Patient", "Observation"}
    assert http.delete(r.headers["Content-Location"], timeout=30).status_code == 202
    assert http.get(r.headers["Content-Location"], timeout=30).status_code == 404
    # _typeFilter, URL-encoded as a Bulk Data client sends it: the Observations its search finds, the Patients whole.
    r = http.get(f"{base_url}/Patient/$export", params={"_since": since, "_typeFilter": "Observation?value-quantity=gt60"},
                 headers={"Prefer": "respond-async"}, timeout=30)
    assert r.status_code == 202, r.text[:500]
    filtered = {}
    for out in _poll(http, r.headers["Content-Location"])["output"]:
        filtered[out["type"]] = [json.loads(line) for line in http.get(out["url"], timeout=60).text.splitlines()]
    assert {p["id"] for p in filtered["Patient"]} == made["Patient"]
    expected = {o["id"] for o in files["Observation"] if o["valueQuantity"]["value"] > 60}
    assert len(expected) == 2 and {o["id"] for o in filtered["Observation"]} == expected
    # Unsupported parameters and filters that are not searches are named.
    bad = http.get(f"{base_url}/$export", params={"_typeFilter": "Patient?_sort=name", "includeAssociatedData": "LatestProvenanceResources"},
                   headers={"Prefer": "respond-async"}, timeout=30)
    assert bad.status_code == 400
    assert sorted(e for i in bad.json()["issue"] for e in i["expression"]) == ["_typeFilter", "includeAssociatedData"]
    # _elements: the Patients' names only (with what every resource needs), marked SUBSETTED.
    r = http.get(f"{base_url}/$export", params={"_since": since, "_type": "Patient", "_elements": "Patient.name"}, headers={"Prefer": "respond-async"}, timeout=30)
    out = _poll(http, r.headers["Content-Location"])["output"]
    slim = [json.loads(line) for line in http.get(out[0]["url"], timeout=60).text.splitlines()]
    assert {p["id"] for p in slim} == made["Patient"]
    assert all(set(p) == {"resourceType", "id", "meta", "name"} for p in slim)
    assert all(any(t["code"] == "SUBSETTED" for t in p["meta"]["tag"]) for p in slim)
