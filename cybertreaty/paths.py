"""Where the project's ontology, shapes and data live.

In a source checkout (editable install) they are the top-level folders; an installed wheel carries
copies under ``cybertreaty/_assets``. Everything finds them through these functions only.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def project_root() -> Path:
    """The folder holding ontology/, shapes/ and data/ (CYBERTREATY_HOME overrides)."""
    override = os.environ.get("CYBERTREATY_HOME")
    if override:
        return Path(override)
    checkout = _PACKAGE.parent
    if (checkout / "ontology").is_dir():
        return checkout
    return _PACKAGE / "_assets"


def ontology_dir() -> Path:
    return project_root() / "ontology"


def ontology_file() -> Path:
    return ontology_dir() / "cybertreaty.ttl"


def shapes_dir() -> Path:
    return project_root() / "shapes"


def data_dir() -> Path:
    return project_root() / "data"
