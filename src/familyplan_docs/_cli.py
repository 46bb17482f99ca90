"""The ``familyplan-docs`` command line: parses arguments and calls the library.

Exit status: 0 on success, 2 for bad input or an unknown choice (every problem is
printed with its place), 1 for any other failure (a broken pack, a missing tool).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from . import _cache
from ._args import build_parser
from ._errors import FamilyPlanError, InputError, UnknownChoiceError
from ._files import describe_os_error
from ._text import mask_id_numbers
from .service import ServiceConfig, api_keys, serve
from .service.options import Limits

if TYPE_CHECKING:
    from ._batch import BatchResult

# Each command imports the part of the library it runs when it runs (the entry layer's one
# exception to "imports of the package's own modules at module top", see README
# "Architecture"): a process started for one command loads only that command's stack.


def _kinds(value: str | None) -> list[str] | None:
    return None if value is None else [k for k in value.split(",") if k.strip()]


def _batch_with_progress(args: argparse.Namespace) -> BatchResult:
    """Render a folder of plans, with a progress bar on stderr when it is a terminal."""
    from ._batch import BatchProgress, render_batch

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


def _imported() -> None:
    """After a command's imports: collections start again and never walk what they made.

    :func:`main` turns collections off while a command imports its stack (each collection
    would walk every object the imports made, several times); ``gc.freeze`` moves those
    objects out of the collector's sight before collections start again.
    """
    gc.freeze()
    gc.enable()


def cmd_render(args: argparse.Namespace) -> int:
    from . import _api as api
    from ._input import load_plan

    if args.input.is_dir():
        _imported()
        result = _batch_with_progress(args)
        for line in result.report_lines()[1:]:
            print(line, file=sys.stderr)
        print(result.summary())
        return result.exit_status
    from .render import documents as _documents  # noqa: F401  (the stack, before gc starts)

    _imported()
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
    from . import _api as api
    from .render import documents as _documents  # noqa: F401

    _imported()
    paths = api.render_blank(
        args.out, locale=args.locale, kinds=_kinds(args.documents),
        templates=args.templates, pdf=args.pdf, bundle=args.bundle,
    )  # fmt: skip
    print(f"wrote {len(paths)} blank form(s) to {args.out}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .model.load import json_schema

    _imported()
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_locales(args: argparse.Namespace) -> int:
    from . import _api as api

    _imported()
    for info in api.list_packs(args.templates, include_broken=True):
        if info.problem is None:
            print(f"{info.name:<12} {info.locale:<8} {info.title}  ({info.path})")
        else:
            print(f"{info.name:<12} BROKEN   {' '.join(info.problem.split())}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .authoring.check import check_templates

    _imported()
    report = check_templates(args.pack, templates=args.templates)
    for problem in report.problems:
        print(problem)
    if report.ok:
        print(f"pack {report.pack!r}: no problems")
        return 0
    print(f"pack {report.pack!r}: {len(report.problems)} problem(s)", file=sys.stderr)
    return 1


def cmd_demo(args: argparse.Namespace) -> int:
    from . import _api as api
    from .render import documents as _documents  # noqa: F401

    _imported()
    result = api.demo(args.out, pdf=args.pdf, bundle=args.bundle)
    for folder, count in result.items():
        print(f"{count:3d} file(s) in {folder}")
    print(f"demo: {sum(result.values())} file(s) under {args.out}")
    return 0


def cmd_workbook(args: argparse.Namespace) -> int:
    from . import _api as api
    from ._input import load_plan
    from .workbook import write as _write  # noqa: F401

    _imported()
    plan = load_plan(args.source, templates=args.templates) if args.source else None
    path = api.write_workbook(args.out, locale=args.locale, plan=plan, templates=args.templates)
    print(f"wrote {path}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from . import _api as api
    from ._input import load_plan

    _imported()
    plan = load_plan(args.input, templates=args.templates)
    path = api.export_json(plan, args.out)
    print(f"wrote {path}")
    return 0


def cmd_new_pack(args: argparse.Namespace) -> int:
    from .authoring.newpack import new_pack

    _imported()
    path = new_pack(
        args.source, args.name, args.out, extends=args.extends, locale=args.locale,
        documents=_kinds(args.documents) or (), templates=args.templates,
    )  # fmt: skip
    print(
        f"wrote pack {args.name!r} to {path}; check it with: familyplan-docs check-templates {path}"
    )
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    from . import _api as api
    from ._input import load_plan
    from .delivery.calendar import not_invited

    _imported()
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
    from . import _api as api
    from ._input import load_plan
    from .delivery.distribute import summary_line
    from .packs.discovery import choose_pack

    _imported()
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
    _imported()  # the service imports its stack in start-up; its workers are other processes
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
            cache=not args.no_cache,
        )
    )  # fmt: skip
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "render": cmd_render,
    "blank": cmd_blank,
    "schema": cmd_schema,
    "locales": cmd_locales,
    "check-templates": cmd_check,
    "demo": cmd_demo,
    "workbook": cmd_workbook,
    "export": cmd_export,
    "new-pack": cmd_new_pack,
    "invite": cmd_invite,
    "distribute": cmd_distribute,
    "serve": cmd_serve,
}
"""Each sub-command of :func:`._args.build_parser` and the function that runs it."""


def _pdf_pool() -> contextlib.AbstractContextManager[object]:
    """The warm LibreOffice pool of a command that writes PDFs (the PDF stack, on demand)."""
    from .delivery.pdf import pdf_pool

    return pdf_pool()


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    # PDFs go through one warm LibreOffice pool for the whole command, ended when it ends
    wants_pdf = getattr(args, "pdf", False) or getattr(args, "bundle", False)
    if getattr(args, "no_cache", False):
        _cache.disable()
    try:
        with _pdf_pool() if wants_pdf else contextlib.nullcontext():
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
    enabled = gc.isenabled()
    gc.disable()  # until the command has imported what it runs (see _imported)
    try:
        args = build_parser().parse_args(argv)
        return _run(COMMANDS[args.command], args)
    except BrokenPipeError:  # the reader went away (`familyplan-docs schema | head`)
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        if enabled:
            gc.enable()
        else:
            gc.disable()
