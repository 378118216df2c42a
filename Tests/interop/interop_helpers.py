"""Helpers shared by the interop tests (IIN generation, independent validation)."""

from __future__ import annotations

import datetime as _dt
import json

IIN_SYSTEM = "http://densauluq.kz/fhir/sid/iin"
FHIR_JSON = "application/fhir+json"


# --------------------------------------------------------------------------
# Independent validation with fhir.resources (R4B models: the installed
# fhir.resources 8.x defaults to R5, its R4B subpackage is the R4-compatible one)
# --------------------------------------------------------------------------


def _r4_model(resource_type: str):
    from fhir.resources.R4B import get_fhir_model_class

    return get_fhir_model_class(resource_type)


def validate_r4(resource: dict):
    """Parse a server-returned JSON resource with fhir.resources; raise on error."""
    assert isinstance(resource, dict), f"expected a JSON object, got {type(resource)}"
    rtype = resource.get("resourceType")
    assert rtype, f"no resourceType in {json.dumps(resource)[:300]}"
    model = _r4_model(rtype)
    if hasattr(model, "model_validate"):
        return model.model_validate(resource)
    return model.parse_obj(resource)  # pydantic v1 flavoured versions


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

_IIN_FALLBACK_WEIGHTS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]


def iin_check_digit(first11: str) -> "int | None":
    digits = [int(c) for c in first11]
    assert len(digits) == 11
    s = sum(d * (i + 1) for i, d in enumerate(digits)) % 11
    if s == 10:
        s = sum(d * w for d, w in zip(digits, _IIN_FALLBACK_WEIGHTS)) % 11
        if s == 10:
            return None
    return s


def make_iin(birth: _dt.date, gender: str, serial: int = 1) -> str:
    """A valid Kazakh IIN for the given birth date and gender ('male'/'female')."""
    if 1900 <= birth.year <= 1999:
        century = 3 if gender == "male" else 4
    elif 2000 <= birth.year <= 2099:
        century = 5 if gender == "male" else 6
    else:
        century = 1 if gender == "male" else 2
    head = birth.strftime("%y%m%d") + str(century)
    for s in range(serial, serial + 10000):
        first11 = head + f"{s % 10000:04d}"
        check = iin_check_digit(first11)
        if check is not None:
            return first11 + str(check)
    raise AssertionError("no valid IIN serial found")


def with_wrong_check_digit(iin: str) -> str:
    return iin[:11] + str((int(iin[11]) + 1) % 10)


