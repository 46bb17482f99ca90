"""Benchmark (not a test): write and read a workbook with 1,000 agreements and 500 network
members, and print the times and the machine.

Run from the repository root: ``python benchmarks/bench_workbook.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from familyplan_docs.model.plan import FamilyPlan
from familyplan_docs.packs.discovery import load_pack
from familyplan_docs.workbook.read import read_workbook
from familyplan_docs.workbook.write import write_workbook

AGREEMENTS = 1_000
NETWORK = 500


def big_plan() -> FamilyPlan:
    """A plan with 1,000 agreements and 500 network members."""
    groups = ("municipal", "external", "personal")
    sectors = ("family", "friends", "school_work", "professionals")
    return FamilyPlan.model_validate(
        {
            "country": "DK",
            "organization": {"name": "Nordby Kommune"},
            "family": {
                "name": "Familien Benchmark",
                "members": [{"id": "mor", "first_name": "Mor", "role": "parent"}],
            },
            "coordinators": [{"id": "k1", "name": "Koordinator"}],
            "meetings": [{"kind": "network", "date": "2026-01-20"}],
            "agreements": [
                {
                    "content": f"Aftale nummer {n}: ring til skolen og følg op på fravær",
                    "responsible": "Koordinator",
                    "deadline": f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                    "status": ("open", "in_progress", "done")[n % 3],
                    "checked_by": "Familien",
                    "meeting": 1,
                }
                for n in range(AGREEMENTS)
            ],
            "network": [
                {
                    "id": f"n{n}",
                    "name": f"Person {n}",
                    "group": groups[n % 3],
                    "relation": "Ven",
                    "phone": f"+45 20 {n:06d}",
                    "contribution": "Kan hente og bringe",
                    "sector": sectors[n % 4],
                    "closeness": ("close", "middle", "distant")[n % 3],
                }
                for n in range(NETWORK)
            ],
        }
    )


def cpu_name() -> str:
    """The processor's model name, where the system tells it."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    """Time writing and reading; print the best and median of ``--repeat`` runs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    plan = big_plan()
    pack = load_pack("da")
    writes: list[float] = []
    reads: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "big.xlsx"
        for _ in range(args.repeat):
            start = time.perf_counter()
            write_workbook(pack, out, plan)
            writes.append(time.perf_counter() - start)
            start = time.perf_counter()
            back = read_workbook(out)
            reads.append(time.perf_counter() - start)
            assert back == plan
        size = out.stat().st_size
    print(f"workbook: {AGREEMENTS} agreements, {NETWORK} network members, {size / 1024:.0f} KiB")
    for name, times in (("write", writes), ("read", reads)):
        print(
            f"{name}: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
            f"({args.repeat} runs)"
        )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPU(s), {cpu_name()}; "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()} "
        f"({sys.implementation.name}); openpyxl {openpyxl.__version__}"
    )


if __name__ == "__main__":
    main()
