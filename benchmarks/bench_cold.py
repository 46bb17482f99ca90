"""Time the command line from a fresh process: one document and a family's toolbox.

Usage::

    python benchmarks/bench_cold.py [--runs N] [--lang da] [--plan PLAN.json]

Every figure is a fresh ``python -m familyplan_docs render`` process, timed from its start
until it exits, beside ``python -c "import docxtpl"`` measured in the same run. Each round
runs every case once, in a shuffled order, so the load of the machine hits all cases alike;
the figures are the medians of ``--runs`` rounds, with the fastest and slowest run. Wall
time is what a case system waits; CPU time (user + system of the process) is printed
beside it because it moves less when other programs share the machine.

Cases:

* ``import docxtpl`` -- the yardstick;
* ``import familyplan_docs`` -- what every use of the library pays first;
* ``one document, warm`` -- ``--documents flyer`` with a warm persistent cache;
* ``family, warm`` -- every kind of the plan, with a warm cache;
* ``14 documents, warm`` -- the fourteen kinds the toolbox had when issue 20 set its target
  (``ISSUE_KINDS``), with a warm cache;
* ``family, empty cache`` -- every kind, with a new, empty cache folder each run (it is filled);
* ``family, --no-cache`` -- every kind, the cache turned off.

The cache folder is a temporary one (``FAMILYPLAN_DOCS_CACHE``), never the user's. The
package's ``.pyc`` files are made first and the processes may write them
(``PYTHONDONTWRITEBYTECODE`` is removed), as for an installed wheel: otherwise the figures
would include compiling the package's source. Target (issue 20): ``family, warm`` at most
4x ``import docxtpl`` (one document against docxtemplater: ``benchmarks/bench_peers.py``).
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import familyplan_docs
from familyplan_docs._kinds import KINDS
from familyplan_docs.packs.builtin import samples_root

TARGET = 4.0
ISSUE_KINDS = KINDS[:14]
"""The toolbox of issue 20's target ("a family's 14 documents"): the kinds before six more."""


@dataclass
class Case:
    """One command, run from a fresh process each time."""

    label: str
    argv: list[str]
    env: dict[str, str]
    fresh_cache: bool = False
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)


def run_once(case: Case, root: Path) -> None:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(case.env)
    if case.fresh_cache:
        env["FAMILYPLAN_DOCS_CACHE"] = tempfile.mkdtemp(prefix="cache-", dir=root)
    start = time.perf_counter()
    process = subprocess.Popen(
        case.argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    err = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{case.label} failed:\n{err.decode(errors='replace')}")
    case.wall.append(wall * 1000)
    case.cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
    case.rss.append(usage.ru_maxrss // 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--lang", default="da")
    parser.add_argument("--plan", type=Path)
    args = parser.parse_args()
    plan = args.plan or next((samples_root() / args.lang).glob("*.json"))
    package = Path(familyplan_docs.__file__).parent
    compileall.compile_dir(package, quiet=1)  # as pip does for a wheel

    root = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    try:
        warm = root / "warm-cache"
        out = root / "out"
        py = [sys.executable]
        render = [*py, "-m", "familyplan_docs", "render", str(plan), "--out"]
        cases = [
            Case("import docxtpl", [*py, "-c", "import docxtpl"], {}),
            Case("import familyplan_docs", [*py, "-c", "import familyplan_docs"], {}),
            Case(
                "one document, warm",
                [*render, str(out / "one"), "--documents", "flyer"],
                {"FAMILYPLAN_DOCS_CACHE": str(warm)},
            ),
            Case(
                "family, warm", [*render, str(out / "warm")], {"FAMILYPLAN_DOCS_CACHE": str(warm)}
            ),
            Case(
                "14 documents, warm",
                [*render, str(out / "fourteen"), "--documents", ",".join(ISSUE_KINDS)],
                {"FAMILYPLAN_DOCS_CACHE": str(warm)},
            ),
            Case("family, empty cache", [*render, str(out / "empty")], {}, fresh_cache=True),
            Case("family, --no-cache", [*render, str(out / "off"), "--no-cache"], {}),
        ]
        for case in cases:  # warm-up: fills the warm cache and the page cache
            run_once(case, root)
            case.wall.clear()
            case.cpu.clear()
            case.rss.clear()
        for _ in range(args.runs):
            for case in random.sample(cases, len(cases)):
                run_once(case, root)
        documents = len(list((out / "warm").glob("*.docx")))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(
        f"{platform.node()}: {platform.processor() or platform.machine()}, {os.cpu_count()} "
        f"cores, Python {platform.python_version()}; load average "
        f"{os.getloadavg()[0]:.1f}; {plan.name}: {documents} documents"
    )
    print(f"median of {args.runs} fresh processes per case, interleaved (ms):")
    base_wall = statistics.median(cases[0].wall)
    base_cpu = statistics.median(cases[0].cpu)
    print(
        f"{'case':<24} {'wall':>6} {'min-max':>11} {'x':>6}  {'cpu':>6} {'x':>6}  {'peak RSS':>8}"
    )
    for case in cases:
        wall, cpu = statistics.median(case.wall), statistics.median(case.cpu)
        print(
            f"{case.label:<24} {wall:6.0f} {min(case.wall):5.0f}-{max(case.wall):<5.0f} "
            f"{wall / base_wall:6.2f}  {cpu:6.0f} {cpu / base_cpu:6.2f}  "
            f"{statistics.median(case.rss):5.0f} MB"
        )
    for label in ("family, warm", "14 documents, warm"):
        case = next(case for case in cases if case.label == label)
        wall = statistics.median(case.wall) / base_wall
        cpu = statistics.median(case.cpu) / base_cpu
        verdict = "met" if wall <= TARGET else "not met"
        print(
            f"target: {label} <= {TARGET:g}x import docxtpl: "
            f"{wall:.2f}x wall ({verdict}), {cpu:.2f}x CPU"
        )


if __name__ == "__main__":
    main()
