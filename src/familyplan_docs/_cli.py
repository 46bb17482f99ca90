"""The ``familyplan-docs`` command line: parses arguments and calls the library.

Exit status: 0 on success, 2 for bad input or an unknown choice (every problem is
printed with its place), 1 for any other failure (a broken pack, a missing tool).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from . import _api as api
from ._batch import BatchProgress, BatchResult, render_batch
from ._errors import FamilyPlanError, InputError, UnknownChoiceError
from ._files import describe_os_error
from ._input import load_plan
from ._kinds import KINDS
from ._text import mask_id_numbers
from .authoring.check import check_templates
from .authoring.newpack import new_pack
from .delivery.calendar import not_invited
from .delivery.distribute import summary_line
from .model.load import json_schema
from .packs.discovery import choose_pack
from .service import ServiceConfig, api_keys, serve
from .service.options import Limits


def _kinds(value: str | None) -> list[str] | None:
    return None if value is None else [k for k in value.split(",") if k.strip()]


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
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("blank", help="render blank forms for hand-writing")
    _add_common(p, locale_required=True)
    _add_output(p)
    p.set_defaults(func=cmd_blank)

    p = sub.add_parser("schema", help="print the JSON Schema of a plan")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("locales", help="list the available packs")
    p.add_argument("--templates", action="append", default=[], metavar="DIR")
    p.set_defaults(func=cmd_locales)

    p = sub.add_parser("check-templates", help="report every problem of a pack at once")
    p.add_argument("pack", help="pack folder or name")
    p.add_argument("--templates", action="append", default=[], metavar="DIR")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("demo", help="render every bundled sample, filled and blank")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--pdf", action="store_true")
    _add_bundle(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("workbook", help="write the Excel input workbook of a pack")
    _add_common(p, locale_required=True)
    p.add_argument("--out", required=True, type=Path, help="FILE.xlsx")
    p.add_argument("--from", dest="source", type=Path, help="pre-fill from this plan")
    p.set_defaults(func=cmd_workbook)

    p = sub.add_parser("export", help="read a filled workbook and write the plan as JSON")
    p.add_argument("input", type=Path)
    p.add_argument("--templates", action="append", default=[], metavar="DIR")
    p.add_argument("--out", required=True, type=Path, help="PLAN.json")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("new-pack", help="start a pack of your own from an existing one")
    p.add_argument("--from", dest="source", required=True, help="pack to start from (da, nl …)")
    p.add_argument("--name", required=True, help="the new pack's name, e.g. da-acme")
    p.add_argument("--out", required=True, type=Path, help="the new pack folder (new or empty)")
    p.add_argument("--extends", action="store_true", help="extend instead of copying everything")
    p.add_argument("--locale", help="e.g. en_GB; default: the source pack's")
    p.add_argument("--documents", metavar="K1,K2", help="with --extends: documents to copy in")
    p.add_argument("--templates", action="append", default=[], metavar="DIR")
    p.set_defaults(func=cmd_new_pack)

    p = sub.add_parser("invite", help="write a calendar invitation (.ics) without personal data")
    p.add_argument("input", type=Path)
    p.add_argument("--meeting", required=True, type=int, help="meeting number (1-based)")
    p.add_argument("--out", required=True, type=Path, help="meeting.ics")
    _add_common(p)
    p.set_defaults(func=cmd_invite)

    p = sub.add_parser("distribute", help="render the plan for each consented recipient")
    p.add_argument("input", type=Path)
    _add_common(p)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--on", type=date.fromisoformat, help="date to check consent on (ISO)")
    p.add_argument("--pdf", action="store_true")
    _add_bundle(p)
    p.set_defaults(func=cmd_distribute)

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
    p.set_defaults(func=cmd_serve)


def _batch_with_progress(args: argparse.Namespace) -> BatchResult:
    """Render a folder of plans, with a progress bar on stderr when it is a terminal."""
    options: dict[str, Any] = {
        "locale": args.locale,
        "kinds": _kinds(args.documents),
        "templates": args.templates,
        "pdf": args.pdf,
        "bundle": args.bundle,
        "jobs": args.jobs,
    }
    if not sys.stderr.isatty():
        return render_batch(args.input, args.out, **options)
    # rich is imported only here: a terminal batch is the one command that draws a bar
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    ) as bar:
        task_id = bar.add_task("Rendering families", total=None, failed=0)

        def show(progress: BatchProgress) -> None:
            bar.update(
                task_id, completed=progress.done, total=progress.total, failed=progress.failed
            )

        return render_batch(args.input, args.out, on_progress=show, **options)


def cmd_render(args: argparse.Namespace) -> int:
    if args.input.is_dir():
        result = _batch_with_progress(args)
        for line in result.report_lines()[1:]:
            print(line, file=sys.stderr)
        print(result.summary())
        return result.exit_status
    plan = load_plan(args.input, templates=args.templates)
    note = api.language_note(plan, args.locale, args.templates)
    if note:
        print(f"note: {note}", file=sys.stderr)
    paths = api.render(
        plan, args.out, locale=args.locale, kinds=_kinds(args.documents),
        templates=args.templates, pdf=args.pdf, bundle=args.bundle,
    )  # fmt: skip
    print(f"wrote {len(paths)} file(s) to {args.out}")
    return 0


def cmd_blank(args: argparse.Namespace) -> int:
    paths = api.render_blank(
        args.out, locale=args.locale, kinds=_kinds(args.documents),
        templates=args.templates, pdf=args.pdf, bundle=args.bundle,
    )  # fmt: skip
    print(f"wrote {len(paths)} blank form(s) to {args.out}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_locales(args: argparse.Namespace) -> int:
    for info in api.list_packs(args.templates, include_broken=True):
        if info.problem is None:
            print(f"{info.name:<12} {info.locale:<8} {info.title}  ({info.path})")
        else:
            print(f"{info.name:<12} BROKEN   {' '.join(info.problem.split())}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    report = check_templates(args.pack, templates=args.templates)
    for problem in report.problems:
        print(problem)
    if report.ok:
        print(f"pack {report.pack!r}: no problems")
        return 0
    print(f"pack {report.pack!r}: {len(report.problems)} problem(s)", file=sys.stderr)
    return 1


def cmd_demo(args: argparse.Namespace) -> int:
    result = api.demo(args.out, pdf=args.pdf, bundle=args.bundle)
    for folder, count in result.items():
        print(f"{count:3d} file(s) in {folder}")
    print(f"demo: {sum(result.values())} file(s) under {args.out}")
    return 0


def cmd_workbook(args: argparse.Namespace) -> int:
    plan = load_plan(args.source, templates=args.templates) if args.source else None
    path = api.write_workbook(args.out, locale=args.locale, plan=plan, templates=args.templates)
    print(f"wrote {path}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    plan = load_plan(args.input, templates=args.templates)
    path = api.export_json(plan, args.out)
    print(f"wrote {path}")
    return 0


def cmd_new_pack(args: argparse.Namespace) -> int:
    path = new_pack(
        args.source, args.name, args.out, extends=args.extends, locale=args.locale,
        documents=_kinds(args.documents) or (), templates=args.templates,
    )  # fmt: skip
    print(
        f"wrote pack {args.name!r} to {path}; check it with: familyplan-docs check-templates {path}"
    )
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    plan = load_plan(args.input, templates=args.templates)
    path = api.write_invitation(
        plan, args.meeting, args.out, locale=args.locale, templates=args.templates
    )
    print(f"wrote {path} (no personal data)")
    missing = not_invited(plan, args.meeting)
    if missing:
        print("not in the invitation, send it to them yourself: " + ", ".join(missing))
    return 0


def cmd_distribute(args: argparse.Namespace) -> int:
    plan = load_plan(args.input, templates=args.templates)
    manifest = api.distribute(
        plan, args.out, locale=args.locale, on=args.on, pdf=args.pdf, bundle=args.bundle,
        templates=args.templates,
    )  # fmt: skip
    for decision, line in zip(manifest.decisions, manifest.messages, strict=True):
        print(("✓ " if decision.allowed else "✗ ") + line)
    print(summary_line(manifest, choose_pack(plan, args.locale, args.templates)))
    print(f"manifest: {manifest.path}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    limits = Limits(
        queue_per_worker=args.queue_per_worker,
        request_seconds=args.request_seconds,
        render_seconds=args.render_seconds,
        shutdown_seconds=args.shutdown_seconds,
    )
    serve(
        ServiceConfig(
            host=args.host, port=args.port, workers=args.workers,
            templates=tuple(args.templates), keys=api_keys(os.environ, args.api_key_file),
            insecure_no_auth=args.insecure_no_auth, pdf=args.pdf, limits=limits,
        )
    )  # fmt: skip
    return 0


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    # PDFs go through one warm LibreOffice pool for the whole command, ended when it ends
    wants_pdf = getattr(args, "pdf", False) or getattr(args, "bundle", False)
    try:
        with api.pdf_pool() if wants_pdf else contextlib.nullcontext():
            return func(args)
    except InputError as exc:
        print(
            f"error: {mask_id_numbers(exc.source)}: {len(exc.problems)} problem(s)", file=sys.stderr
        )
        for problem in exc.problems:
            print(f"  {mask_id_numbers(str(problem))}", file=sys.stderr)
        return 2
    except UnknownChoiceError as exc:
        print(f"error: {mask_id_numbers(str(exc))}", file=sys.stderr)
        return 2
    except FamilyPlanError as exc:
        print(f"error: {mask_id_numbers(str(exc))}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise
    except OSError as exc:  # reading an input or writing an output failed
        print(f"error: {mask_id_numbers(describe_os_error(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; nothing half-written is left", file=sys.stderr)
        return 130
    except MemoryError:  # a limit of the machine (ulimit -v) met outside every budget
        print("error: out of memory; the input or a template asks for too much", file=sys.stderr)
        return 1
    except RecursionError:
        print("error: the input or a template is nested too deeply", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return _run(args.func, args)
    except BrokenPipeError:  # the reader went away (`familyplan-docs schema | head`)
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
