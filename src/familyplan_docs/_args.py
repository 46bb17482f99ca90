"""The command line's arguments: every sub-command with its flags and their help.

:mod:`._cli` runs the sub-command :func:`build_parser` parsed (``args.command``). This module
imports nothing heavy, so ``familyplan-docs --help`` and a wrong flag answer at once.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from . import _cache
from ._kinds import KINDS
from .service import ServiceConfig
from .service.options import Limits

__all__ = ["build_parser"]


def _add_common(p: argparse.ArgumentParser, *, locale_required: bool = False) -> None:
    p.add_argument(
        "--locale",
        required=locale_required,
        help="pack name or locale (da, nl, sv, da_DK …); default: the plan's country",
    )
    p.add_argument(
        "--templates",
        action="append",
        default=[],
        metavar="DIR",
        help="a pack folder or a folder of packs, searched before the built-in ones",
    )


def _add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument(
        "--documents",
        metavar="K1,K2",
        help=f"document kinds, comma-separated (default: all): {', '.join(KINDS)}",
    )
    p.add_argument(
        "--pdf", action="store_true", help="also write PDF/A + PDF/UA files (needs LibreOffice)"
    )
    _add_bundle(p)
    _add_no_cache(p)


def _add_no_cache(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="neither use nor fill the persistent cache of compiled templates "
        f"(also: {_cache.ENV_VAR}=off)",
    )


def _add_bundle(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--bundle",
        action="store_true",
        help="also write bundle.pdf: every document in one PDF, a bookmark each (implies --pdf)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="familyplan-docs",
        description="One family, one plan, one coordinator: the family-plan toolbox as Word.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("render", help="render a plan (JSON or filled workbook) to documents")
    p.add_argument("input", type=Path, help="plan.json, plan.xlsx or a folder of them")
    _add_common(p)
    _add_output(p)
    p.add_argument(
        "--jobs", type=int, help="with a folder: parallel processes (default: number of cores)"
    )

    p = sub.add_parser("blank", help="render blank forms for hand-writing")
    _add_common(p, locale_required=True)
    _add_output(p)

    p = sub.add_parser("schema", help="print the JSON Schema of a plan")

    p = sub.add_parser("locales", help="list the available packs")
    p.add_argument("--templates", action="append", default=[], metavar="DIR")

    p = sub.add_parser("check-templates", help="report every problem of a pack at once")
    p.add_argument("pack", help="pack folder or name")
    p.add_argument("--templates", action="append", default=[], metavar="DIR")
    _add_no_cache(p)

    p = sub.add_parser("demo", help="render every bundled sample, filled and blank")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--pdf", action="store_true")
    _add_bundle(p)
    _add_no_cache(p)

    p = sub.add_parser("workbook", help="write the Excel input workbook of a pack")
    _add_common(p, locale_required=True)
    p.add_argument("--out", required=True, type=Path, help="FILE.xlsx")
    p.add_argument("--from", dest="source", type=Path, help="pre-fill from this plan")

    p = sub.add_parser("export", help="read a filled workbook and write the plan as JSON")
    p.add_argument("input", type=Path)
    p.add_argument("--templates", action="append", default=[], metavar="DIR")
    p.add_argument("--out", required=True, type=Path, help="PLAN.json")

    p = sub.add_parser("new-pack", help="start a pack of your own from an existing one")
    p.add_argument("--from", dest="source", required=True, help="pack to start from (da, nl …)")
    p.add_argument("--name", required=True, help="the new pack's name, e.g. da-acme")
    p.add_argument("--out", required=True, type=Path, help="the new pack folder (new or empty)")
    p.add_argument("--extends", action="store_true", help="extend instead of copying everything")
    p.add_argument("--locale", help="e.g. en_GB; default: the source pack's")
    p.add_argument("--documents", metavar="K1,K2", help="with --extends: documents to copy in")
    p.add_argument("--templates", action="append", default=[], metavar="DIR")

    p = sub.add_parser("invite", help="write a calendar invitation (.ics) without personal data")
    p.add_argument("input", type=Path)
    p.add_argument("--meeting", required=True, type=int, help="meeting number (1-based)")
    p.add_argument("--out", required=True, type=Path, help="meeting.ics")
    _add_common(p)

    p = sub.add_parser("distribute", help="render the plan for each consented recipient")
    p.add_argument("input", type=Path)
    _add_common(p)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--on", type=date.fromisoformat, help="date to check consent on (ISO)")
    p.add_argument("--pdf", action="store_true")
    _add_bundle(p)
    _add_no_cache(p)

    _add_serve(sub)
    return parser


def _add_serve(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the HTTP API (needs the serve extra)")
    defaults = ServiceConfig()
    limits = Limits()
    p.add_argument(
        "--host", default=defaults.host, help="address to listen on (default: %(default)s)"
    )
    p.add_argument("--port", type=int, default=defaults.port, help="default: %(default)s")
    p.add_argument(
        "--workers", type=int, default=defaults.workers,
        help="render worker processes (default: the number of cores, %(default)s)",
    )  # fmt: skip
    p.add_argument("--templates", action="append", default=[], metavar="DIR")
    p.add_argument(
        "--api-key-file", type=Path, metavar="FILE",
        help="API keys, one a line (also: FAMILYPLAN_DOCS_API_KEYS, comma-separated)",
    )  # fmt: skip
    p.add_argument(
        "--insecure-no-auth", action="store_true",
        help="run without API keys; allowed only on a loopback --host",
    )  # fmt: skip
    p.add_argument(
        "--pdf", action=argparse.BooleanOptionalAction, default=None,
        help="offer format=pdf (default: when LibreOffice is installed)",
    )  # fmt: skip
    _add_no_cache(p)
    p.add_argument(
        "--queue-per-worker", type=int, default=limits.queue_per_worker, metavar="N",
        help="requests that may wait per worker before 503 (default: %(default)s)",
    )  # fmt: skip
    p.add_argument(
        "--request-seconds", type=float, default=limits.request_seconds, metavar="S",
        help="the longest one request may take (default: %(default)s)",
    )  # fmt: skip
    p.add_argument(
        "--render-seconds", type=float, default=limits.render_seconds, metavar="S",
        help="render budget of one request (default: %(default)s)",
    )  # fmt: skip
    p.add_argument(
        "--shutdown-seconds", type=float, default=limits.shutdown_seconds, metavar="S",
        help="on SIGTERM, how long requests in flight may finish (default: %(default)s)",
    )  # fmt: skip
