"""Run the service under uvicorn: ``run(settings)`` is what `cybertreaty serve` calls."""

from __future__ import annotations

import logging

import uvicorn

from cybertreaty.service.app import create_app
from cybertreaty.settings import Settings


def run(settings: Settings, *, log_level: str = "info") -> None:
    """Serve until interrupted. The store is opened at startup (its query workers start then).

    Raises FileNotFoundError (with a message for the user) before anything starts when the
    embedded store has not been built.
    """
    if settings.endpoint is None and not (settings.store / "CURRENT").exists():
        raise FileNotFoundError(f"no store at {settings.store}; run `cybertreaty build` first")
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    # proxy_headers lets sd:endpoint follow X-Forwarded-Proto/Host from a trusted local proxy.
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=log_level, proxy_headers=True)
