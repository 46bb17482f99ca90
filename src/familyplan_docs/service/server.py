"""Running the service under uvicorn: one event loop in front of the warm worker processes.

uvicorn handles SIGTERM and SIGINT: it stops taking connections, lets the requests in
flight finish for ``shutdown_seconds``, then the application ends its workers. The
access log is off: the service writes its own line per request, without the URL's
query or anything else the client sent.
"""

from __future__ import annotations

import logging
import sys

import uvicorn

from .app import create_app
from .http import LOGGER
from .options import ServiceConfig
from .protocol import guarded_protocol

__all__ = ["run"]


def _log_to_stderr() -> None:
    if LOGGER.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False


def run(config: ServiceConfig) -> None:
    """Serve *config* until SIGTERM or SIGINT; raises :class:`ServiceError` before starting."""
    app = create_app(config)
    _log_to_stderr()
    limits = config.limits
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            http=guarded_protocol(limits.header_seconds),
            loop="auto",
            lifespan="on",
            access_log=False,
            server_header=False,
            proxy_headers=False,
            limit_concurrency=limits.connections,
            timeout_keep_alive=5,
            timeout_graceful_shutdown=max(1, round(limits.shutdown_seconds)),
            log_level="info",
        )
    )
    server.run()
    if not server.started:
        raise SystemExit(3)  # the workers did not start: the log says why
