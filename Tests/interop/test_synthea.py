"""Load real Synthea bundles (from shared/fhir/synthea) and read a patient back with fhirclient."""

from __future__ import annotations

import bz2
import json
import os
from pathlib import Path

import pytest

from interop_helpers import FHIR_JSON

REPO_ROOT = Path(__file__).resolve().parents[2]
HEADERS = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}


def _synthea_dir() -> Path | None:
    candidates = []
    if os.environ.get("DENSAULUQ_SYNTHEA_DIR"):
        candidates.append(Path(os.environ["DENSAULUQ_SYNTHEA_DIR"]))
    candidates += [Path("/work/shared/fhir/synthea"), REPO_ROOT.parent / "shared" / "fhir" / "synthea"]
    for c in candidates:
        if c.is_dir():
            return c
    return None


SYNTHEA = _synthea_dir()
pytestmark = pytest.mark.skipif(SYNTHEA is None, reason="no Synthea sample bundles (shared/fhir/synthea) found")


def _load(path: Path) -> dict:
    opener = bz2.open if path.suffix == ".bz2" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def _one(pattern: str) -> Path:
    matches = sorted(SYNTHEA.glob(pattern))
    assert matches, f"no {pattern} in {SYNTHEA}"
    return matches[0]


def _post_bundle(http, base_url, bundle: dict) -> dict:
    r = http.post(base_url, data=json.dumps(bundle).encode("utf-8"), headers=HEADERS, timeout=300)
    assert r.status_code == 200, f"{r.status_code}: {r.text[:2000]}"
    body = r.json()
    assert body["resourceType"] == "Bundle", body
    assert body["type"] == bundle["type"] + "-response"
    assert len(body["entry"]) == len(bundle["entry"])
    bad = [
        (i, e.get("response", {}).get("status"), json.dumps(e.get("response", {}).get("outcome"))[:500])
        for i, e in enumerate(body["entry"])
        if not str(e.get("response", {}).get("status", "")).startswith("2")
    ]
    assert not bad, f"{len(bad)} entries were not 2xx, first ones: {bad[:5]}"
    return body


def test_synthea_bundles_load_and_read_back(http, base_url, smart, assert_valid):
    from fhirclient.models.patient import Patient

    for pattern in ("0-hospitalInformation*", "0-practitionerInformation*"):
        bundle = _load(_one(pattern))
        response = _post_bundle(http, base_url, bundle)
        assert_valid(response)

    patient_files = sorted(
        (p for p in SYNTHEA.iterdir() if p.name.endswith((".json", ".json.bz2")) and not p.name.startswith("0-")),
        key=lambda p: (p.stat().st_size, p.name),
    )
    assert patient_files, f"no patient bundles in {SYNTHEA}"
    source = _load(patient_files[0])
    response = _post_bundle(http, base_url, source)
    assert_valid(response)

    src_index, src_patient = next(
        (i, e["resource"]) for i, e in enumerate(source["entry"]) if e["resource"]["resourceType"] == "Patient"
    )
    location = response["entry"][src_index]["response"]["location"]
    parts = location.split("/")
    pid = parts[parts.index("Patient") + 1]

    patient = Patient.read(pid, smart.server)  # strict fhirclient R4 model parse
    assert patient.birthDate.isostring == src_patient["birthDate"]
    src_name = src_patient["name"][0]
    assert patient.name[0].family == src_name["family"]
    assert patient.name[0].given == src_name["given"]
    assert patient.gender == src_patient.get("gender")

    # the patient's clinical data came along and points at the new id
    from fhirclient.models.encounter import Encounter

    n_encounters = sum(1 for e in source["entry"] if e["resource"]["resourceType"] == "Encounter")
    if n_encounters:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            encounters = Encounter.where(struct={"subject": f"Patient/{pid}", "_count": "50"}).perform_resources(
                smart.server
            )
        assert len(encounters) == n_encounters
