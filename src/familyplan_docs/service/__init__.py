"""The HTTP service: ``familyplan-docs serve``, the library for case systems in any language.

Lives here: the service's settings and API keys (:mod:`.options`, :mod:`.keys`), what a
warm render worker process does (:mod:`.jobs`, PDF behind one function in
:mod:`.convert`), the pool of those workers with its bounded queue (:mod:`.pool`), the
HTTP application (:mod:`.app`, :mod:`.routes`, :mod:`.http`, :mod:`.problems`,
:mod:`.openapi`, :mod:`.metrics`) and running it under uvicorn (:mod:`.server`,
:mod:`.protocol`). FastAPI, uvicorn and prometheus-client come with the ``serve`` extra
(``pip install 'familyplan-docs[serve]'``); only :func:`serve` needs them, so the rest of
the package works without.

May import: every layer (model, packs, netmap, render, workbook, delivery, authoring),
``_input``, ``_api``, ``_batch`` and the foundation modules; nothing imports it but the
command line.
"""

from .options import ServiceConfig, ServiceError, api_keys
from .start import serve

__all__ = ["ServiceConfig", "ServiceError", "api_keys", "serve"]
