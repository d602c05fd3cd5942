"""The REST API's tests run against the real graph (tests/service/real_graph.py)."""

from __future__ import annotations

from tests.service.real_graph import real_build, real_server

__all__ = ["real_build", "real_server"]
