"""The SHACL validator the endpoint tests give their stores: the project's own
(`cybertreaty.graph.validate.validate`, with the shapes in shapes/), by its "module:function"
reference, which is how a store hands it to the process that runs a write."""

from __future__ import annotations

from cybertreaty.graph.store import DEFAULT_VALIDATOR

REFERENCE = DEFAULT_VALIDATOR
