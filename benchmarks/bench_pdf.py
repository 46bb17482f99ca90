"""Time PDF conversion of a folder of .docx: one soffice process for all vs one per file.

Usage::

    python benchmarks/bench_pdf.py [FOLDER] [--rounds N] [--timeout SECONDS]

Without FOLDER, 14 small multi-page documents are generated with python-docx into a temporary
folder (one per document kind of the toolbox). Each round converts every document once in ONE
soffice process and once with ONE process PER FILE; the median of the rounds is reported.
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
from pathlib import Path

import docx

from familyplan_docs import KINDS
from familyplan_docs.delivery.pdf import convert_to_pdf, find_soffice

TEXT = (
    "Familien og netværket aftaler, hvem der gør hvad og hvornår. Æ Ø Å æ ø å. "
    "Het gezin bepaalt samen met het netwerk de doelen. Familjen och nätverket möts. "
    "خطة العائلة. "
)


def generate(folder: Path, pages: int = 3) -> list[Path]:
    """Write one small multi-page .docx per document kind into ``folder``."""
    paths = []
    for kind in KINDS:
        document = docx.Document()
        for page in range(pages):
            if page:
                document.add_page_break()
            document.add_heading(f"{kind} — side {page + 1}", level=1)
            for _ in range(6):
                document.add_paragraph(TEXT * 3)
            table = document.add_table(rows=6, cols=3)
            table.style = "Table Grid"
            for row_number, row in enumerate(table.rows):
                for column, cell in enumerate(row.cells):
                    cell.text = f"{row_number}.{column} {kind}"
        path = folder / f"{kind}.docx"
        document.save(str(path))
        paths.append(path)
    return paths


def timed_batch(sources: list[Path], out_dir: Path, timeout: float) -> float:
    started = time.perf_counter()
    convert_to_pdf(sources, out_dir, timeout=timeout, retries=0)
    return time.perf_counter() - started


def timed_per_file(sources: list[Path], out_dir: Path, timeout: float) -> float:
    started = time.perf_counter()
    for source in sources:
        convert_to_pdf([source], out_dir, timeout=timeout, retries=0)
    return time.perf_counter() - started


def count_pages(pdfs: list[Path]) -> int | None:
    if not shutil.which("pdfinfo"):
        return None
    total = 0
    for pdf in pdfs:
        info = subprocess.run(
            ["pdfinfo", str(pdf)], stdin=subprocess.DEVNULL, capture_output=True, check=True
        ).stdout.decode("utf-8", "replace")
        total += int(
            next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1]
        )
    return total


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time PDF conversion: one soffice process for all vs one per file."
    )
    parser.add_argument("folder", nargs="?", type=Path, help="folder of .docx (default: generate)")
    parser.add_argument("--rounds", type=int, default=1, help="repeat and report the median")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per soffice run")
    args = parser.parse_args(argv)

    soffice = find_soffice()
    if soffice is None:
        print("LibreOffice (soffice) not found", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="familyplan-bench-") as scratch_name:
        scratch = Path(scratch_name)
        if args.folder is None:
            (scratch / "docx").mkdir()
            sources = generate(scratch / "docx")
            origin = "generated with python-docx"
        else:
            sources = sorted(args.folder.glob("*.docx"))
            origin = str(args.folder)
        if not sources:
            print(f"no .docx in {args.folder}", file=sys.stderr)
            return 2

        # Warm the disk cache so that neither way pays LibreOffice's cold start alone.
        warm_up = timed_batch(sources[:1], scratch / "warm-up", args.timeout)

        batch_times, per_file_times = [], []
        for round_number in range(args.rounds):
            batch_out, per_file_out = (
                scratch / f"batch-{round_number}",
                scratch / f"each-{round_number}",
            )
            batch_times.append(timed_batch(sources, batch_out, args.timeout))
            per_file_times.append(timed_per_file(sources, per_file_out, args.timeout))
        pages = count_pages(sorted(batch_out.glob("*.pdf")))

    batch, per_file = statistics.median(batch_times), statistics.median(per_file_times)
    print(f"machine:      {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"python:       {platform.python_version()}")
    print(f"libreoffice:  {libreoffice_version(soffice)} ({soffice})")
    print(
        f"documents:    {len(sources)} .docx from {origin}"
        + (f", {pages} PDF pages" if pages else "")
    )
    print(f"rounds:       {args.rounds} (median reported); warm-up of 1 file took {warm_up:.2f} s")
    print(f"one process:  {batch:7.2f} s  ({batch / len(sources):.2f} s per document)")
    print(f"per file:     {per_file:7.2f} s  ({per_file / len(sources):.2f} s per document)")
    print(f"ratio:        {per_file / batch:7.2f}x  (per file / one process)")
    if args.rounds > 1:
        print("all rounds:   one process " + ", ".join(f"{t:.2f}" for t in batch_times))
        print("              per file    " + ", ".join(f"{t:.2f}" for t in per_file_times))
    return 0


if __name__ == "__main__":
    sys.exit(main())
