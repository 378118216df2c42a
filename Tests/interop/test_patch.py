"""PATCH with JSON Patch, checked live against the reference implementation of RFC 6902 (python-jsonpatch):
random patches on a Patient give the same resource on the server as jsonpatch gives locally."""

from __future__ import annotations

import copy
import json
import random

import jsonpatch
import pytest

from interop_helpers import FHIR_JSON

PATCH_JSON = "application/json-patch+json"


def _content(resource: dict) -> dict:
    out = copy.deepcopy(resource)
    out.pop("meta", None)
    return out


def _random_patch(rnd: random.Random, doc: dict) -> list[dict]:
    """A few operations that keep the Patient valid: on telecom, the first given name and the address."""
    ops = []
    telecom = copy.deepcopy(doc.get("telecom", []))
    for _ in range(rnd.randint(1, 4)):
        kind = rnd.choice(["add", "add-end", "remove", "replace", "move", "copy", "test", "given"])
        phone = {"system": "phone", "value": f"+7 70{rnd.randint(0, 9)} {rnd.randint(100, 999)} {rnd.randint(1000, 9999)}", "use": rnd.choice(["home", "work", "mobile"])}
        if kind == "add":
            i = rnd.randint(0, len(telecom))
            ops.append({"op": "add", "path": f"/telecom/{i}", "value": phone}); telecom.insert(i, phone)
        elif kind == "add-end":
            ops.append({"op": "add", "path": "/telecom/-", "value": phone}); telecom.append(phone)
        elif kind == "remove" and len(telecom) > 1:
            i = rnd.randrange(len(telecom))
            ops.append({"op": "remove", "path": f"/telecom/{i}"}); telecom.pop(i)
        elif kind == "replace" and telecom:
            i = rnd.randrange(len(telecom))
            ops.append({"op": "replace", "path": f"/telecom/{i}/value", "value": phone["value"]}); telecom[i]["value"] = phone["value"]
        elif kind == "move" and len(telecom) > 1:
            a, b = rnd.randrange(len(telecom)), rnd.randrange(len(telecom))
            ops.append({"op": "move", "from": f"/telecom/{a}", "path": f"/telecom/{b}"}); telecom.insert(b, telecom.pop(a))
        elif kind == "copy" and telecom:
            a, b = rnd.randrange(len(telecom)), rnd.randint(0, len(telecom))
            ops.append({"op": "copy", "from": f"/telecom/{a}", "path": f"/telecom/{b}"}); telecom.insert(b, copy.deepcopy(telecom[a]))
        elif kind == "test":
            ops.append({"op": "test", "path": "/gender", "value": doc["gender"]})
        elif kind == "given":
            ops.append({"op": "replace", "path": "/name/0/given/0", "value": rnd.choice(["Aruzhan", "Dana", "Ерлан", "Әсел"])})
    return ops


def test_random_patches_match_the_reference_implementation(http, base_url, unique):
    headers = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}
    patient = {"resourceType": "Patient", "name": [{"family": unique("Patch"), "given": ["Aigerim"]}], "gender": "female",
               "birthDate": "1988-03-08", "telecom": [{"system": "phone", "value": "+7 701 111 2233"}]}
    r = http.post(f"{base_url}/Patient", data=json.dumps(patient), headers=headers, timeout=30)
    assert r.status_code == 201, r.text[:500]
    current = r.json()
    pid = current["id"]
    rnd = random.Random(2026)
    for step in range(40):
        ops = _random_patch(rnd, current)
        expected = jsonpatch.apply_patch(_content(current), ops)
        version = current["meta"]["versionId"]
        r = http.patch(f"{base_url}/Patient/{pid}", data=json.dumps(ops), timeout=30,
                       headers={"Content-Type": PATCH_JSON, "Accept": FHIR_JSON, "If-Match": f'W/"{version}"'})
        assert r.status_code == 200, f"step {step} {ops}: {r.text[:800]}"
        current = r.json()
        assert _content(current) == expected, f"step {step}: {ops}"
    # The stored version is what the last response said.
    assert _content(http.get(f"{base_url}/Patient/{pid}", headers=headers, timeout=30).json()) == _content(current)


def test_failing_patches_change_nothing(http, base_url, unique):
    headers = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}
    patient = {"resourceType": "Patient", "name": [{"family": unique("Patch")}], "gender": "male"}
    created = http.post(f"{base_url}/Patient", data=json.dumps(patient), headers=headers, timeout=30).json()
    url = f"{base_url}/Patient/{created['id']}"
    failing = [{"op": "replace", "path": "/gender", "value": "female"}, {"op": "test", "path": "/gender", "value": "male"}]
    with pytest.raises(jsonpatch.JsonPatchTestFailed):
        jsonpatch.apply_patch(_content(created), failing)
    r = http.patch(url, data=json.dumps(failing), headers={"Content-Type": PATCH_JSON}, timeout=30)
    assert r.status_code == 422
    assert r.json()["issue"][0]["expression"] == ["Patch[1].value"]
    r = http.patch(url, data=json.dumps([{"op": "replace", "path": "/gender", "value": "female"}]), headers={"Content-Type": FHIR_JSON}, timeout=30)
    assert r.status_code == 415
    r = http.patch(url, data=json.dumps([{"op": "replace", "path": "/gender", "value": "female"}]),
                   headers={"Content-Type": PATCH_JSON, "If-Match": 'W/"7"'}, timeout=30)
    assert r.status_code == 412
    after = http.get(url, headers=headers, timeout=30).json()
    assert after["meta"]["versionId"] == "1" and after["gender"] == "male"


def test_conditional_patch_by_identifier(http, base_url, unique):
    value = unique("MIS")
    patient = {"resourceType": "Patient", "identifier": [{"system": "urn:densauluq:test-mis", "value": value}], "gender": "female"}
    created = http.post(f"{base_url}/Patient", data=json.dumps(patient), headers={"Content-Type": FHIR_JSON}, timeout=30).json()
    ops = [{"op": "add", "path": "/birthDate", "value": "1979-11-02"}]
    r = http.patch(f"{base_url}/Patient", params={"identifier": f"urn:densauluq:test-mis|{value}"}, data=json.dumps(ops),
                   headers={"Content-Type": PATCH_JSON}, timeout=30)
    assert r.status_code == 200, r.text[:500]
    assert _content(r.json()) == jsonpatch.apply_patch(_content(created), ops)
    missing = http.patch(f"{base_url}/Patient", params={"identifier": "urn:densauluq:test-mis|nobody"}, data=json.dumps(ops),
                         headers={"Content-Type": PATCH_JSON}, timeout=30)
    assert missing.status_code == 404
