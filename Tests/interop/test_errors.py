"""Error responses: status codes and OperationOutcome bodies, plus history/versioning."""

from __future__ import annotations

import datetime as dt

import pytest

from interop_helpers import FHIR_JSON, IIN_SYSTEM, make_iin, with_wrong_check_digit

HEADERS = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}


def _outcome(response, assert_valid):
    assert "json" in response.headers.get("Content-Type", ""), response.headers
    body = response.json()
    assert body["resourceType"] == "OperationOutcome", body
    assert_valid(body)
    assert body["issue"], body
    return body


def _patient(family, birth="1988-07-07", gender="male", iin=None):
    return {
        "resourceType": "Patient",
        "name": [{"family": family, "given": ["Yerlan"]}],
        "gender": gender,
        "birthDate": birth,
        "identifier": [{"system": IIN_SYSTEM, "value": iin or make_iin(dt.date.fromisoformat(birth), gender)}],
    }


def _create(http, base_url, resource):
    r = http.post(f"{base_url}/{resource['resourceType']}", json=resource, headers=HEADERS, timeout=30)
    assert r.status_code == 201, r.text
    return r


def test_malformed_json_is_400(http, base_url, assert_valid):
    r = http.post(
        f"{base_url}/Patient",
        data=b'{"resourceType": "Patient", "name": [',
        headers=HEADERS,
        timeout=30,
    )
    assert r.status_code == 400, r.text
    outcome = _outcome(r, assert_valid)
    assert outcome["issue"][0]["severity"] in ("error", "fatal")


def test_unknown_resource_type_is_404(http, base_url, assert_valid):
    r = http.get(f"{base_url}/NotAResourceType", timeout=30)
    assert r.status_code == 404, r.text
    _outcome(r, assert_valid)
    r = http.get(f"{base_url}/NotAResourceType/123", timeout=30)
    assert r.status_code == 404, r.text
    _outcome(r, assert_valid)


def test_unknown_id_is_404(http, base_url, assert_valid):
    r = http.get(f"{base_url}/Patient/no-such-patient-id", timeout=30)
    assert r.status_code == 404, r.text
    _outcome(r, assert_valid)


def test_invalid_resource_reports_each_problem(http, base_url, unique, assert_valid):
    bad = _patient(unique("Bad"))
    bad["birthDate"] = "2020-13-45"
    del bad["identifier"]  # keep the IIN rule out of it: only the two problems below
    bad["favouriteColour"] = "blue"
    r = http.post(f"{base_url}/Patient", json=bad, headers=HEADERS, timeout=30)
    assert r.status_code in (400, 422), r.text
    outcome = _outcome(r, assert_valid)
    errors = [i for i in outcome["issue"] if i["severity"] in ("error", "fatal")]
    assert len(errors) >= 2, f"expected one issue per problem, got {outcome}"
    text = " ".join(
        " ".join(i.get("expression", []) + i.get("location", [])) + " " + i.get("diagnostics", "") for i in errors
    )
    assert "birthDate" in text, outcome
    assert "favouriteColour" in text, outcome


def test_if_match_with_stale_version_is_412(http, base_url, unique, assert_valid):
    family = unique("Ifm")
    created = _create(http, base_url, _patient(family)).json()
    pid = created["id"]
    url = f"{base_url}/Patient/{pid}"

    v2 = dict(created, active=True)
    r = http.put(url, json=v2, headers={**HEADERS, "If-Match": 'W/"1"'}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["meta"]["versionId"] == "2"
    assert r.headers.get("ETag") == 'W/"2"', r.headers

    v3 = dict(created, active=False)
    r = http.put(url, json=v3, headers={**HEADERS, "If-Match": 'W/"1"'}, timeout=30)
    assert r.status_code == 412, r.text
    _outcome(r, assert_valid)

    current = http.get(url, timeout=30).json()
    assert current["meta"]["versionId"] == "2"
    assert current["active"] is True


def test_wrong_iin_check_digit_is_422(http, base_url, unique, assert_valid):
    good = make_iin(dt.date(1988, 7, 7), "male")
    bad = with_wrong_check_digit(good)
    r = http.post(f"{base_url}/Patient", json=_patient(unique("Iin"), iin=bad), headers=HEADERS, timeout=30)
    assert r.status_code == 422, r.text
    outcome = _outcome(r, assert_valid)
    assert any("identifier" in " ".join(i.get("expression", [])) or "IIN" in i.get("diagnostics", "").upper()
               for i in outcome["issue"]), outcome


@pytest.mark.parametrize(
    "birth,gender,iin_birth,iin_gender",
    [
        ("1988-07-07", "male", dt.date(1988, 7, 8), "male"),  # birth date disagrees
        ("1988-07-07", "male", dt.date(1988, 7, 7), "female"),  # sex digit disagrees
        ("2005-01-20", "female", dt.date(1905, 1, 20), "female"),  # century digit disagrees
    ],
)
def test_iin_disagreeing_with_demographics_is_422(http, base_url, unique, assert_valid, birth, gender, iin_birth, iin_gender):
    iin = make_iin(iin_birth, iin_gender)
    r = http.post(
        f"{base_url}/Patient", json=_patient(unique("Iind"), birth=birth, gender=gender, iin=iin), headers=HEADERS, timeout=30
    )
    assert r.status_code == 422, r.text
    _outcome(r, assert_valid)


def test_valid_iin_is_accepted_and_searchable(http, base_url, unique, assert_valid):
    iin = make_iin(dt.date(2003, 11, 30), "female", serial=4242)
    created = _create(http, base_url, _patient(unique("Iinok"), birth="2003-11-30", gender="female", iin=iin)).json()
    found = http.get(f"{base_url}/Patient", params={"identifier": f"{IIN_SYSTEM}|{iin}"}, timeout=30).json()
    assert_valid(found)
    assert [e["resource"]["id"] for e in found.get("entry", [])] == [created["id"]]


def test_history_vread_and_deleted_is_410(http, base_url, unique, assert_valid):
    family = unique("Hist")
    created = _create(http, base_url, _patient(family)).json()
    pid = created["id"]
    url = f"{base_url}/Patient/{pid}"
    r = http.put(url, json=dict(created, active=True), headers=HEADERS, timeout=30)
    assert r.status_code == 200, r.text

    history = http.get(f"{url}/_history", timeout=30)
    assert history.status_code == 200, history.text
    hb = history.json()
    assert_valid(hb)
    assert hb["type"] == "history"
    versions = [e["resource"]["meta"]["versionId"] for e in hb["entry"]]
    assert sorted(versions) == ["1", "2"]
    for e in hb["entry"]:
        assert e.get("request", {}).get("method") in ("POST", "PUT"), e
        assert e.get("response", {}).get("status"), e

    v1 = http.get(f"{url}/_history/1", timeout=30)
    assert v1.status_code == 200, v1.text
    assert_valid(v1.json())
    assert v1.json()["meta"]["versionId"] == "1"
    assert "active" not in v1.json()

    type_history = http.get(f"{base_url}/Patient/_history", params={"_count": 5}, timeout=30)
    assert type_history.status_code == 200, type_history.text
    assert_valid(type_history.json())
    system_history = http.get(f"{base_url}/_history", params={"_count": 5}, timeout=30)
    assert system_history.status_code == 200, system_history.text
    assert_valid(system_history.json())

    d = http.delete(url, timeout=30)
    assert d.status_code in (200, 204), d.text
    if d.content:
        assert_valid(d.json())
    gone = http.get(url, timeout=30)
    assert gone.status_code == 410, gone.text
    _outcome(gone, assert_valid)
