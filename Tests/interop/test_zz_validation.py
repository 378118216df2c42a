"""Independent validation: everything the server returned in this session parses in fhir.resources.

This module runs last (pytest orders files by name), after the other interop
tests have exercised reads, searches, histories, transactions and errors. All
of those responses were recorded by a hook on requests.Session.send (used by
fhirclient, fhirpy and the plain-requests tests alike).
"""

from __future__ import annotations

import json

from interop_helpers import FHIR_JSON


def test_capability_statement_validates(http, base_url, assert_valid):
    r = http.get(f"{base_url}/metadata", timeout=30)
    assert r.status_code == 200
    cs = assert_valid(r.json())
    assert cs.fhirVersion.startswith("4.0")


def test_every_recorded_response_parses_in_fhir_resources(http, base_url, recorded_responses, assert_valid):
    # make sure at least the basic kinds are present even when run alone
    http.get(f"{base_url}/metadata", timeout=30)
    http.get(f"{base_url}/Patient", params={"_count": 3}, timeout=30)
    http.get(f"{base_url}/_history", params={"_count": 3}, timeout=30)
    http.get(f"{base_url}/Patient/definitely-not-there", timeout=30)
    http.post(f"{base_url}/Patient", data=b"{", headers={"Content-Type": FHIR_JSON}, timeout=30)

    kinds = {r["body"]["resourceType"] for r in recorded_responses}
    assert {"CapabilityStatement", "Bundle", "OperationOutcome"} <= kinds, kinds

    failures = []
    for rec in recorded_responses:
        try:
            assert_valid(rec["body"])
        except Exception as exc:  # collect them all, report together
            failures.append(
                f"{rec['method']} {rec['url']} -> {rec['status']}: {str(exc)[:600]}\n"
                f"    body: {json.dumps(rec['body'])[:400]}"
            )
    assert not failures, f"{len(failures)} of {len(recorded_responses)} responses failed validation:\n" + "\n".join(
        failures[:20]
    )
