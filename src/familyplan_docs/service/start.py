"""Starting the service: check the settings, then run it (the ``serve`` extra is needed)."""

from __future__ import annotations

import importlib.util

from .._errors import ToolMissingError
from .options import ServiceConfig

__all__ = ["EXTRA_MISSING", "serve"]

_NEEDED = ("fastapi", "uvicorn", "prometheus_client")

EXTRA_MISSING = (
    "the service needs FastAPI, uvicorn and prometheus-client; install them with: "
    "pip install 'familyplan-docs[serve]'"
)


def serve(config: ServiceConfig) -> None:
    """Run the service with *config* until SIGTERM or SIGINT.

    Raises :class:`~familyplan_docs.service.ServiceError` when it must not start (no
    API keys, a broken pack, a worker that cannot warm up) and
    :class:`~familyplan_docs.ToolMissingError` without the ``serve`` extra.
    """
    config.check()
    if any(importlib.util.find_spec(name) is None for name in _NEEDED):
        raise ToolMissingError(EXTRA_MISSING)
    # imported here, not at the top: the web stack is an optional extra, and the rest of
    # the package (and the command line) must work without it
    from .server import run

    run(config)
