"""Jinja bytecode kept across processes, through Jinja's own :class:`jinja2.BytecodeCache`.

:func:`template` is ``env.from_string(source)`` whose compiled Python code is kept in the
authenticated store (:mod:`familyplan_docs._cache`) in Jinja's bytecode format. Jinja's
bucket reads that format with ``pickle`` and ``marshal``, which run code: the store hands
over an entry only after its HMAC checked out, so only bytecode this user's processes
wrote is ever loaded. The key holds the source, the package's code, the library versions
and what compiling depends on in the environment (:func:`environment_signature`).
"""

from __future__ import annotations

import functools
import hashlib

from jinja2 import Template
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.sandbox import SandboxedEnvironment

from ... import _cache

__all__ = ["JINJA", "StoreBytecodeCache", "engine", "environment_signature", "template"]

JINJA = "jinja"


@functools.cache
def engine() -> str:
    """The code and the libraries every kept template depends on."""
    libraries = ("docx", "docxtpl", "jinja2", "markupsafe", "lxml")
    return _cache.digest(_cache.package_fingerprint(), *map(_cache.library_stamp, libraries))


def environment_signature(env: SandboxedEnvironment) -> str:
    """What compiling a template depends on in *env*: its class, syntax and names."""
    parts = [
        f"{type(env).__module__}.{type(env).__qualname__}",
        repr(
            (
                env.block_start_string,
                env.block_end_string,
                env.variable_start_string,
                env.variable_end_string,
                env.comment_start_string,
                env.comment_end_string,
                env.line_statement_prefix,
                env.line_comment_prefix,
                env.trim_blocks,
                env.lstrip_blocks,
                env.newline_sequence,
                env.keep_trailing_newline,
                env.optimized,
                env.is_async,
                bool(env.autoescape) if not callable(env.autoescape) else "callable",
                env.finalize is not None,
            )
        ),
        ",".join(sorted(env.filters)),
        ",".join(sorted(env.tests)),
        ",".join(sorted(env.extensions)),
    ]
    return _cache.digest(*parts)


# --- Jinja bytecode -------------------------------------------------------------------------


class StoreBytecodeCache(BytecodeCache):
    """Jinja's bytecode cache on the authenticated store (see the module docstring)."""

    def __init__(self, store: _cache.Store) -> None:
        self.store = store

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.store.get(JINJA, bucket.key)  # None unless the HMAC checks out
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store.put(JINJA, bucket.key, bucket.bytecode_to_string())

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(name.encode("utf-8")).hexdigest()


def template(env: SandboxedEnvironment, source: str) -> Template:
    """``env.from_string(source)``, its compiled code kept in the cache when there is one."""
    store = _cache.store()
    if store is None:
        return env.from_string(source)
    cache = StoreBytecodeCache(store)
    name = _cache.digest(JINJA, engine(), environment_signature(env), source)
    bucket = cache.get_bucket(env, name, None, source)
    code = bucket.code
    if code is None:
        code = env.compile(source)  # the same code (and errors) as from_string
        bucket.code = code
        cache.set_bucket(bucket)
    return env.template_class.from_code(env, code, env.make_globals(None), None)
