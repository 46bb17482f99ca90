"""PDF throughput: a batch of families through the warm LibreOffice pool vs one soffice per family.

Usage::

    python benchmarks/bench_pdf.py [--families 10] [--rounds 3] [--jobs J] [--pool N]
                                   [--single 9] [--kinds K1,K2]

In one run:

1. ``--families`` generated families (``benchmarks/families.py``) are rendered with PDFs
   by ``render_batch`` (what ``familyplan-docs render FOLDER --pdf`` runs), ``--rounds``
   times each way, the two ways taking turns:

   * **one process per family** — the route before the pool: each worker process renders
     its family and converts it with one ``soffice --convert-to`` of its own (a fresh
     profile, a cold start), ``--jobs`` families at a time (``FAMILYPLAN_DOCS_PDF_POOL=off``);
   * **warm pool** — the workers render the .docx only and this process converts them in a
     warm pool of ``--pool`` LibreOffice processes, while the next families render.

   Both make the same files: PDF/A-2b + PDF/UA-1, finished (XMP, provenance, table scope).
   The pool's start-up (paid once per program, or once per server) is reported apart; the
   ratio is of the medians, the pool warm.
2. One family's documents from the warm pool: ``convert_to_pdf`` on the rendered .docx,
   ``--single`` times; median, fastest and slowest are reported, for every kind and (when
   ``--kinds`` is not given) for the 14 kinds the toolbox had when issue 18 set its target.

The last line is ``pdf throughput, warm pool vs one process per family: N.Nx``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from families import write_families

from familyplan_docs import KINDS, choose_pack, load_plan
from familyplan_docs._batch import render_batch
from familyplan_docs.delivery.pdf import (
    POOL_ENV_VAR,
    convert_to_pdf,
    find_soffice,
    pdf_pool,
)
from familyplan_docs.render.documents import render_documents

ISSUE_KINDS = KINDS[:14]
"""The toolbox of issue 18's target ("a single family's 14 PDFs"): the kinds before six more."""


@contextmanager
def pool_off() -> Iterator[None]:
    """Conversions take one soffice per family while inside."""
    old = os.environ.get(POOL_ENV_VAR)
    os.environ[POOL_ENV_VAR] = "off"
    try:
        yield
    finally:
        if old is None:
            del os.environ[POOL_ENV_VAR]
        else:
            os.environ[POOL_ENV_VAR] = old


def one_batch(plans: Path, out: Path, kinds: list[str] | None, jobs: int) -> float:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    result = render_batch(plans, out, kinds=kinds, pdf=True, jobs=jobs)
    seconds = time.perf_counter() - started
    if result.failed:
        raise SystemExit(f"batch failed: {result.failed[0]}")
    return seconds


def libreoffice_version(soffice: str) -> str:
    with tempfile.TemporaryDirectory(prefix="familyplan-bench-version-") as home:
        result = subprocess.run(
            [soffice, f"-env:UserInstallation={Path(home).as_uri()}", "--version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
            env={**os.environ, "HOME": home},
            timeout=120,
        )
    return result.stdout.decode("utf-8", "replace").strip() or "unknown"


def cpu_pressure() -> str:
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return "n/a"
    return line.replace("some ", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--pool", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--single", type=int, default=9, help="timed runs of one family")
    parser.add_argument("--kinds", help="comma-separated kinds (default: all)")
    parser.add_argument("--max-conversions", type=int, default=200)
    args = parser.parse_args(argv)
    kinds = args.kinds.split(",") if args.kinds else None

    soffice = find_soffice()
    if soffice is None:
        print("LibreOffice (soffice) not found", file=sys.stderr)
        return 2
    print(
        f"machine:      {platform.platform()}, {os.cpu_count()} CPUs, "
        f"python {platform.python_version()}"
    )
    print(f"libreoffice:  {libreoffice_version(soffice)}")
    print(f"cpu pressure: {cpu_pressure()} (before; other work on the machine slows both ways)")

    with tempfile.TemporaryDirectory(prefix="familyplan-bench-pdf-") as scratch_name:
        scratch = Path(scratch_name)
        write_families(scratch / "plans", args.families)
        print(
            f"batch:        {args.families} generated families, "
            f"{len(kinds or KINDS)} kinds each, jobs={args.jobs}, pool of {args.pool}, "
            f"{args.rounds} round(s) each way"
        )
        started = time.perf_counter()
        with pdf_pool(args.pool, max_conversions=args.max_conversions) as pool:
            running = pool.wait_ready(120) if pool is not None else 0
            start_up = time.perf_counter() - started
            if pool is None or running == 0:
                print("the warm pool did not start (python3-uno?)", file=sys.stderr)
                return 2
            print(
                f"pool start-up: {start_up:.2f} s ({running} LibreOffice processes, "
                "once per program)"
            )
            old: list[float] = []
            warm: list[float] = []
            for round_number in range(args.rounds):
                converted = pool.stats["converted"]
                with pool_off():
                    old.append(one_batch(scratch / "plans", scratch / "old", kinds, args.jobs))
                if pool.stats["converted"] != converted:
                    raise SystemExit("the route without the pool used the pool")
                warm.append(one_batch(scratch / "plans", scratch / "warm", kinds, args.jobs))
                print(
                    f"  round {round_number + 1}: one process per family {old[-1]:6.2f} s, "
                    f"warm pool {warm[-1]:6.2f} s"
                )
            documents = len(list((scratch / "warm").rglob("*.pdf")))

            # one family's PDFs from the warm pool: every kind asked for, and the 14 kinds
            # of the issue's target when every kind was asked for
            plan = load_plan(sorted((scratch / "plans").glob("*.json"))[0])
            family = render_documents(plan, choose_pack(plan, None), scratch / "single-docx", kinds)
            singles = {"": family}
            if kinds is None:
                singles[", the 14 kinds of issue 18's target"] = [
                    path for path in family if path.stem in ISSUE_KINDS
                ]
            single: dict[str, list[float]] = {label: [] for label in singles}
            for run in range(args.single):
                for label, paths in singles.items():  # taking turns
                    target = scratch / f"single-{run}-{len(paths)}"
                    began = time.perf_counter()
                    convert_to_pdf(paths, target)
                    single[label].append(time.perf_counter() - began)
            stats = dict(pool.stats)

    old_median, warm_median = statistics.median(old), statistics.median(warm)
    families = args.families
    print(f"documents:    {documents} PDFs per batch")
    print(
        f"one process per family: median {old_median:6.2f} s = "
        f"{families / old_median:5.2f} families/s  (rounds: {', '.join(f'{t:.2f}' for t in old)})"
    )
    print(
        f"warm pool:              median {warm_median:6.2f} s = "
        f"{families / warm_median:5.2f} families/s  (rounds: {', '.join(f'{t:.2f}' for t in warm)})"
    )
    print(f"pool counters: {stats}")
    for label, times in single.items():
        print(
            f"one family ({len(singles[label])} documents{label}) from the warm pool: median "
            f"{statistics.median(times):.2f} s, fastest {min(times):.2f} s, "
            f"slowest {max(times):.2f} s"
        )
    print(f"cpu pressure: {cpu_pressure()} (after)")
    print(
        "pdf throughput incl. the pool's start-up once: "
        f"{old_median / (warm_median + start_up):.1f}x"
    )
    print(f"pdf throughput, warm pool vs one process per family: {old_median / warm_median:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
