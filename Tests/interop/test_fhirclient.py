"""Interop with fhirclient, the SMART on FHIR Python client (R4 models)."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from interop_helpers import IIN_SYSTEM, make_iin

pytest.importorskip("fhirclient")

from fhirclient.models.capabilitystatement import CapabilityStatement  # noqa: E402
from fhirclient.models.codeableconcept import CodeableConcept  # noqa: E402
from fhirclient.models.coding import Coding  # noqa: E402
from fhirclient.models.fhirdate import FHIRDate  # noqa: E402
from fhirclient.models.fhirdatetime import FHIRDateTime  # noqa: E402
from fhirclient.models.fhirreference import FHIRReference  # noqa: E402
from fhirclient.models.humanname import HumanName  # noqa: E402
from fhirclient.models.identifier import Identifier  # noqa: E402
from fhirclient.models.observation import Observation  # noqa: E402
from fhirclient.models.patient import Patient  # noqa: E402
from fhirclient.models.quantity import Quantity  # noqa: E402

LOINC = "http://loinc.org"


def _search(search, server):
    # perform_resources() is fhirclient's documented call; it warns that it is
    # deprecated in favour of perform_resources_iter(), which it wraps.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return search.perform_resources(server)


def _new_patient(family: str, given: str, birth: str, gender: str) -> Patient:
    p = Patient()
    name = HumanName()
    name.family = family
    name.given = [given]
    name.use = "official"
    p.name = [name]
    p.gender = gender
    p.birthDate = FHIRDate(birth)
    ident = Identifier()
    ident.system = IIN_SYSTEM
    ident.value = make_iin(dt.date.fromisoformat(birth), gender)
    p.identifier = [ident]
    p.active = True
    return p


def _new_observation(patient_id: str, code: str, display: str, value: float, unit: str, when: str) -> Observation:
    o = Observation()
    o.status = "final"
    cc = CodeableConcept()
    coding = Coding()
    coding.system = LOINC
    coding.code = code
    coding.display = display
    cc.coding = [coding]
    cc.text = display
    o.code = cc
    subject = FHIRReference()
    subject.reference = f"Patient/{patient_id}"
    o.subject = subject
    o.effectiveDateTime = FHIRDateTime(when)
    q = Quantity()
    q.value = value
    q.unit = unit
    q.system = "http://unitsofmeasure.org"
    q.code = unit
    o.valueQuantity = q
    return o


def test_capability_statement_parses_in_fhirclient(smart, assert_valid):
    raw = smart.server.request_json("metadata")
    assert_valid(raw)
    cs = CapabilityStatement(raw)  # strict: unknown/ill-typed elements raise
    assert cs.fhirVersion.startswith("4.0"), cs.fhirVersion
    assert cs.kind == "instance"
    assert "json" in cs.format or "application/fhir+json" in cs.format
    rest = cs.rest[0]
    assert rest.mode == "server"
    by_type = {r.type: r for r in rest.resource}
    for rtype in ("Patient", "Observation"):
        assert rtype in by_type, f"{rtype} missing from CapabilityStatement"
        codes = {i.code for i in by_type[rtype].interaction}
        assert {"read", "create", "update", "search-type"} <= codes, codes
    patient_params = {p.name for p in by_type["Patient"].searchParam}
    assert {"family", "birthdate", "identifier", "_id"} <= patient_params

    # The client's own capability fetch (used before SMART authorization) works too.
    fetched = smart.server.capabilityStatement
    assert isinstance(fetched, CapabilityStatement)
    assert fetched.fhirVersion == cs.fhirVersion


def test_patient_create_read_update_search(smart, unique, assert_valid):
    server = smart.server
    family = unique("Fcl")
    created = _new_patient(family, "Aigerim", "1987-04-12", "female").create(server)
    assert created is not None, "server returned no body for create"
    assert_valid(created)
    assert created["resourceType"] == "Patient"
    pid = created["id"]
    assert pid
    assert created["meta"]["versionId"] == "1"

    patient = Patient.read(pid, server)
    assert patient.id == pid
    assert patient.name[0].family == family
    assert patient.name[0].given == ["Aigerim"]
    assert patient.birthDate.isostring == "1987-04-12"
    assert patient.gender == "female"
    assert patient.identifier[0].system == IIN_SYSTEM
    assert patient.identifier[0].value == make_iin(dt.date(1987, 4, 12), "female")
    assert patient.meta.versionId == "1"

    patient.name[0].given = ["Aigerim", "Serikovna"]
    patient.active = False
    updated = patient.update()
    assert updated is not None, "server returned no body for update"
    assert_valid(updated)
    assert updated["id"] == pid
    assert updated["meta"]["versionId"] == "2"
    assert updated["name"][0]["given"] == ["Aigerim", "Serikovna"]

    again = Patient.read(pid, server)
    assert again.meta.versionId == "2"
    assert again.active is False
    assert again.name[0].given == ["Aigerim", "Serikovna"]

    found = _search(Patient.where(struct={"family": family}), server)
    assert [p.id for p in found] == [pid]
    assert isinstance(found[0], Patient)
    assert found[0].name[0].family == family

    assert _search(Patient.where(struct={"family": family + "zzz"}), server) == []


def test_observation_create_and_search_by_subject_and_code(smart, unique, assert_valid):
    server = smart.server
    family = unique("Fclobs")
    pid = _new_patient(family, "Nurlan", "1979-11-02", "male").create(server)["id"]

    hr = _new_observation(pid, "8867-4", "Heart rate", 72, "/min", "2024-03-01T10:00:00+05:00").create(server)
    wt = _new_observation(pid, "29463-7", "Body weight", 81.5, "kg", "2024-03-01T10:05:00+05:00").create(server)
    for body in (hr, wt):
        assert_valid(body)
        assert body["subject"]["reference"] == f"Patient/{pid}"

    obs = Observation.read(hr["id"], server)
    assert obs.code.coding[0].code == "8867-4"
    assert obs.valueQuantity.value == 72
    assert obs.subject.reference == f"Patient/{pid}"

    by_subject = _search(Observation.where(struct={"subject": f"Patient/{pid}"}), server)
    assert {o.id for o in by_subject} == {hr["id"], wt["id"]}

    by_code = _search(
        Observation.where(struct={"subject": f"Patient/{pid}", "code": f"{LOINC}|8867-4"}), server
    )
    assert [o.id for o in by_code] == [hr["id"]]

    by_bare_code = _search(Observation.where(struct={"patient": pid, "code": "29463-7"}), server)
    assert [o.id for o in by_bare_code] == [wt["id"]]

    none = _search(Observation.where(struct={"subject": f"Patient/{pid}", "code": f"{LOINC}|0000-0"}), server)
    assert none == []
