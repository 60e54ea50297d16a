"""Persisted operations: the first-party clients' documents, by the sha256 of their text.

The manifest is built from ``web_clients/**/operations/*.graphql`` and committed beside the schema; a test
fails when it drifts. Rebuild it with ``python -m schema.persisted``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "web_clients"
MANIFEST = Path(__file__).parent / "persisted_operations.json"


def operation_id(document: str) -> str:
    """The id a client sends: hex sha256 of the exact document text, as Apollo's persisted queries use."""
    return hashlib.sha256(document.encode()).hexdigest()


def operation_files(clients: Path = CLIENTS) -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(clients):
        subfolders[:] = [s for s in subfolders if s != "node_modules"]
        if "operations" in Path(folder).relative_to(clients).parts:
            found += [Path(folder) / f for f in files if f.endswith(".graphql")]
    return sorted(found)


def build_manifest(clients: Path = CLIENTS) -> dict[str, str]:
    documents = (path.read_text(encoding="utf-8") for path in operation_files(clients))
    return dict(sorted((operation_id(document), document) for document in documents))


def manifest_text(manifest: dict[str, str]) -> str:
    return json.dumps(manifest, indent=2, sort_keys=True) + "\n"


def load_manifest(path: Path = MANIFEST) -> dict[str, str]:
    loaded = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
        raise ValueError(f"{path} is not a map of operation id to document")
    return {str(k): v for k, v in loaded.items()}


if __name__ == "__main__":
    MANIFEST.write_text(manifest_text(build_manifest()), encoding="utf-8")
    print(f"wrote {MANIFEST}")
