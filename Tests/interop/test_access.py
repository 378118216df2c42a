"""Access rules through the real server with an independent client (fhirpy): a citizen signs in with an
account made by the CLI and sees her own record only; refusals are OperationOutcomes; her trail lists the reads."""

from __future__ import annotations

import subprocess
import uuid

import pytest
import requests
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import ForbiddenError

from conftest import _binary_path
from interop_helpers import FHIR_JSON

IIN_SYSTEM = "http://densauluq.kz/fhir/sid/iin"


def make_iin(birth: str, female: bool) -> str:
    """A valid ИИН (YYMMDD, century/sex digit, serial, check digit), independent of the server's code."""
    year = int(birth[:4])
    century_digit = (year // 100 - 18) * 2 + (2 if female else 1)
    for serial in range(1, 100):
        digits = [int(c) for c in birth[2:4] + birth[5:7] + birth[8:10]] + [century_digit] + [int(c) for c in f"{serial:04d}"]
        check = sum(w * d for w, d in zip(range(1, 12), digits)) % 11
        if check == 10:
            check = sum(w * d for w, d in zip([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], digits)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)
    raise AssertionError("no serial gives a valid ИИН")


def test_a_citizen_sees_only_her_record(server_info, base_url, assert_valid):
    admin = requests.Session()
    iin = make_iin("1987-09-14", female=True)
    mine = admin.post(f"{base_url}/Patient", headers={"Content-Type": FHIR_JSON}, timeout=30, json={
        "resourceType": "Patient", "identifier": [{"system": IIN_SYSTEM, "value": iin}], "name": [{"family": "Citizen"}],
        "gender": "female", "birthDate": "1987-09-14"})
    assert mine.status_code == 201, mine.text
    other = admin.post(f"{base_url}/Patient", json={"resourceType": "Patient", "name": [{"family": "Someone else"}]},
                       headers={"Content-Type": FHIR_JSON}, timeout=30)
    assert other.status_code == 201
    username = "citizen-" + uuid.uuid4().hex[:8]
    subprocess.run([str(_binary_path()), "users", "add", "--database", server_info["database"], "--username", username,
                    "--role", "citizen", "--iin", iin, "--password-stdin"],
                   input="citizen-password-1\n", text=True, check=True, capture_output=True, timeout=120)
    root = base_url[: -len("/fhir")]
    token = requests.post(root + "/auth/token", data={"grant_type": "password", "username": username, "password": "citizen-password-1"},
                          timeout=30).json()["access_token"]

    client = SyncFHIRClient(base_url, authorization="Bearer " + token)
    found = client.resources("Patient").fetch_all()
    assert [p["id"] for p in found] == [mine.json()["id"]]
    assert client.resources("Patient").search(_id=other.json()["id"]).fetch() == []
    with pytest.raises(ForbiddenError):
        client.reference("Patient", other.json()["id"]).to_resource()
    refused = requests.get(f"{base_url}/Patient/{other.json()['id']}", headers={"Authorization": "Bearer " + token}, timeout=30)
    assert refused.status_code == 403
    assert refused.json()["issue"][0]["code"] == "forbidden"
    assert_valid(refused.json())
    with pytest.raises(ForbiddenError):
        client.resource("Observation", status="final", code={"text": "Pulse"},
                        subject={"reference": f"Patient/{mine.json()['id']}"}).save()

    # Who accessed my record: the administrator's create and her own reads, as valid AuditEvents.
    import time

    deadline = time.monotonic() + 10
    while True:
        trail = requests.get(root + "/audit/my-record", headers={"Authorization": "Bearer " + token}, timeout=30).json()
        if trail.get("total", 0) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert trail["total"] >= 2
    for entry in trail["entry"]:
        assert_valid(entry["resource"])
        assert entry["resource"]["entity"][0]["what"]["reference"] == f"Patient/{mine.json()['id']}"
        # From where: the connected peer's address.
        assert entry["resource"]["agent"][0]["network"]["address"] == "127.0.0.1"
