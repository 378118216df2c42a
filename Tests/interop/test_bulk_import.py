"""`densauluq import` of a FHIR Bulk Data export: the Synthea sample turned into one NDJSON file per resource type,
loaded through the command line into a fresh database and read back through the API."""

from __future__ import annotations

import bz2
import collections
import json
import os
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
import requests

from conftest import _binary_path, _postgres_admin, _with_database, start_server, stop_server

SYNTHEA = Path(__file__).resolve().parents[3] / "shared" / "fhir" / "synthea"


def _bulk_export(folder: Path) -> dict[str, list[dict]]:
    """Writes `<Type>.ndjson` files with literal `Type/id` references (what a server's $export gives)."""
    resources = []
    for path in sorted(SYNTHEA.glob("*.json.bz2")):
        bundle = json.loads(bz2.decompress(path.read_bytes()))
        for entry in bundle.get("entry", []):
            r = entry["resource"]
            if "id" not in r and entry.get("fullUrl", "").startswith("urn:uuid:"):
                r["id"] = entry["fullUrl"][len("urn:uuid:"):]
            resources.append(r)
    by_identifier = {(r["resourceType"], i.get("system"), i.get("value")): r["id"] for r in resources for i in r.get("identifier", [])}
    types = {r["id"]: r["resourceType"] for r in resources}

    def literal(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "reference" and isinstance(value, str):
                    if value.startswith("urn:uuid:"):
                        target = value[len("urn:uuid:"):]
                        node[key] = f"{types[target]}/{target}"
                    elif "?identifier=" in value:
                        t, query = value.split("?identifier=", 1)
                        system, code = query.split("|", 1)
                        node[key] = f"{t}/{by_identifier[(t, system, code)]}"
                else:
                    literal(value)
        elif isinstance(node, list):
            for item in node:
                literal(item)

    groups: dict[str, list[dict]] = collections.defaultdict(list)
    for r in resources:
        literal(r)
        groups[r["resourceType"]].append(r)
    for t, items in groups.items():
        (folder / f"{t}.ndjson").write_text("".join(json.dumps(r) + "\n" for r in items))
    return groups


def _without_meta(r: dict) -> dict:
    return {k: v for k, v in r.items() if k != "meta"}


@pytest.mark.skipif(not SYNTHEA.is_dir(), reason="the Synthea sample is not beside the repository")
def test_a_bulk_export_imports_in_any_order_and_reads_back(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    groups = _bulk_export(export)
    total = sum(len(v) for v in groups.values())
    configured = os.environ.get("DENSAULUQ_TEST_DATABASE_URL", "").strip()
    created = None
    if configured.startswith(("postgres://", "postgresql://")):
        created = "densauluq_bulk_" + uuid.uuid4().hex[:12]
        _postgres_admin(configured, f'CREATE DATABASE "{created}"')
        database = _with_database(configured, created)
    else:
        database = str(tmp_path / "bulk.sqlite")
    binary = str(_binary_path())
    proc = None
    try:
        first = subprocess.run([binary, "import", "--database", database, str(export)], capture_output=True, text=True, timeout=900)
        assert first.returncode == 0, first.stdout + first.stderr
        assert f"Imported {total} resources from {len(groups)} files" in first.stdout, first.stdout
        again = subprocess.run([binary, "import", "--database", database, str(export)], capture_output=True, text=True, timeout=900)
        assert again.returncode == 0 and f"{len(groups)} files were loaded before and skipped" in again.stdout, again.stdout

        proc, root = start_server(["--database", database, "--allow-anonymous"])
        base = root + "/fhir"
        for t, items in groups.items():
            count = requests.get(f"{base}/{t}?_summary=count", timeout=60).json()
            assert count["total"] == len(items), t
            for r in (items[0], items[-1]):
                stored = requests.get(f"{base}/{t}/{r['id']}", timeout=60).json()
                assert _without_meta(stored) == _without_meta(r), f"{t}/{r['id']} reads back changed"
                assert stored["meta"]["versionId"] == "1"
    finally:
        if proc is not None:
            stop_server(proc)
        if created:
            _postgres_admin(configured, f'DROP DATABASE IF EXISTS "{created}"')
