"""Time rendering: the compiled engine against plain docxtpl, and a batch of many families.

Usage::

    python benchmarks/bench_render.py [--families N] [--repeat R] [--lang da] [--jobs J]

In one run on one machine it

1. renders the full toolbox (every kind the pack holds) of one family (the bundled sample of
   ``--lang``) R times with the compiled engine and R times with plain docxtpl (a new
   ``DocxTemplate`` per document, rendered in the pack's sandboxed, autoescaping
   environment, as ``render_to`` did before the compiled engine), and prints the
   milliseconds per family of both, their ratio and the cost of each document kind,
   including the network map's drawing on its own. Both engines build the template
   context once per family (the compiled engine as a shared context, as
   ``render_documents`` does) and that time counts in the family's total;
2. renders a batch of N families generated with Faker (``da_DK``, ``nl_NL``, ``sv_SE``;
   see ``benchmarks/families.py``) with every kind through ``render_batch`` with J worker
   processes (default: the number of cores), and prints families per second, the total time
   and the peak memory.

The batch runs first, so the memory figures of the parent process are those of the batch.
Targets (issue 6): a ratio of at least 5, and 1,000 families × 14 documents in under three
minutes on two cores with less than 500 MB peak memory.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from families import write_families

from familyplan_docs import load_plan
from familyplan_docs._batch import render_batch
from familyplan_docs.model.plan import FamilyPlan
from familyplan_docs.packs.builtin import samples_root
from familyplan_docs.packs.discovery import load_pack
from familyplan_docs.packs.pack import Pack
from familyplan_docs.render.context import build_context
from familyplan_docs.render.documents import (
    MAP_IMAGE,
    _network_map,
    _set_alt_text,
    render_to,
)
from familyplan_docs.render.environment import make_environment
from familyplan_docs.render.shared import SharedContext, shared_context

MB = 1024 * 1024


def plain_context(plan: FamilyPlan, pack: Pack) -> dict[str, Any]:
    """The template context, built once per family as a docxtpl user would."""
    return build_context(plan, pack)


def render_plain(
    plan: FamilyPlan, pack: Pack, kind: str, target: io.BytesIO, context: dict[str, Any]
) -> None:
    """Plain docxtpl, as ``render_to`` rendered before the compiled engine."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(pack.document(kind)))
    tpl.init_docx()
    values = dict(context)  # the map image is added per document
    alt = ""
    if MAP_IMAGE in tpl.get_xml():
        values[MAP_IMAGE], alt = _network_map(tpl, plan, pack)
    tpl.render(values, jinja_env=make_environment(pack), autoescape=True)
    if alt:
        _set_alt_text(tpl, alt)
    tpl.save(target)


def render_compiled(
    plan: FamilyPlan, pack: Pack, kind: str, target: io.BytesIO, context: SharedContext
) -> None:
    """The compiled engine, as ``render_documents`` renders each document of a family."""
    render_to(plan, pack, kind, target, context=context)


@dataclass(frozen=True)
class Engine:
    """How an engine prepares a family once and renders each of its documents."""

    prepare: Callable[[FamilyPlan, Pack], Any]
    render: Callable[[FamilyPlan, Pack, str, io.BytesIO, Any], None]


COMPILED = Engine(shared_context, render_compiled)
PLAIN = Engine(plain_context, render_plain)
CONTEXT = "(context, once per family)"


def time_family(engine: Engine, plan: FamilyPlan, pack: Pack, kinds: list[str]) -> dict[str, float]:
    """Prepare the family, then render every kind once; return the seconds of each step."""
    start = time.perf_counter()
    context = engine.prepare(plan, pack)
    times = {CONTEXT: time.perf_counter() - start}
    for kind in kinds:
        start = time.perf_counter()
        engine.render(plan, pack, kind, io.BytesIO(), context)
        times[kind] = time.perf_counter() - start
    return times


def toolbox(lang: str, repeat: int) -> list[str]:
    """Part 1: one family's full toolbox, compiled engine against plain docxtpl."""
    sample = sorted((samples_root() / lang).glob("*.json"))[0]
    plan = load_plan(sample)
    pack = load_pack(lang)
    kinds = pack.kinds()

    start = time.perf_counter()
    time_family(COMPILED, plan, pack, kinds)  # compiles every template once
    first = time.perf_counter() - start
    time_family(PLAIN, plan, pack, kinds)  # warm imports and fonts for docxtpl too

    compiled: list[dict[str, float]] = []
    plain: list[dict[str, float]] = []
    for _ in range(repeat):  # interleaved, so both see the same machine state
        compiled.append(time_family(COMPILED, plan, pack, kinds))
        plain.append(time_family(PLAIN, plan, pack, kinds))
    drawing = []
    for _ in range(repeat):
        start = time.perf_counter()
        _network_map(None, plan, pack)  # draws the map; the image needs no template yet
        drawing.append(time.perf_counter() - start)

    def per_family(runs: list[dict[str, float]], skip: str = "") -> float:
        return statistics.median(sum(t for k, t in r.items() if k != skip) for r in runs) * 1000

    c_ms, p_ms = per_family(compiled), per_family(plain)
    c_nomap, p_nomap = per_family(compiled, "network_map"), per_family(plain, "network_map")
    lines = [
        f"toolbox of one family: {sample.name}, pack {pack.name}, {len(kinds)} documents, "
        f"median of {repeat} runs",
        f"  compiled engine : {c_ms:8.1f} ms per family  (first render incl. compiling: "
        f"{first * 1000:.0f} ms)",
        f"  plain docxtpl   : {p_ms:8.1f} ms per family",
        f"  ratio           : {p_ms / c_ms:8.1f} x",
        f"  without network_map: compiled {c_nomap:.1f} ms, docxtpl {p_nomap:.1f} ms, "
        f"ratio {p_nomap / c_nomap:.1f} x",
        "  network map drawing alone (layout, Pillow text, PNG): "
        f"{statistics.median(drawing) * 1000:.1f} ms",
        "  per document kind (median ms):      compiled    docxtpl",
    ]
    for kind in [CONTEXT, *kinds]:
        c = statistics.median(r[kind] for r in compiled) * 1000
        p = statistics.median(r[kind] for r in plain) * 1000
        lines.append(f"    {kind:<32} {c:9.1f} {p:10.1f}")
    return lines


class TreeMemory:
    """Samples the memory of this process and all its descendants (Linux ``/proc``).

    ``peak_pss`` is the largest sum of proportional set sizes (shared pages split between
    the processes sharing them: the memory the batch really occupies); ``peak_rss`` the
    largest plain sum of resident sizes (counts shared pages once per process);
    ``peak_process`` the largest resident size of one process.
    """

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_pss = 0
        self.peak_rss = 0
        self.peak_process = 0
        self.cpu: dict[int, float] = {}
        """CPU seconds (user + system) last seen per process of the tree, except this one."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def available() -> bool:
        return Path("/proc/self/status").exists()

    @staticmethod
    def _kib(text: str, field: str) -> int:
        for line in text.splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        return 0

    def _sample(self) -> None:
        parents: dict[int, int] = {}
        cpu: dict[int, float] = {}
        tick = os.sysconf("SC_CLK_TCK")
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                fields = stat.rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
                cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
        tree = {os.getpid()}
        grew = True
        while grew:
            grew = False
            for pid, parent in parents.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        for pid in tree - {os.getpid()}:
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu.get(pid, 0.0))
        pss = rss = 0
        for pid in tree:
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            one = self._kib(rollup, "Rss")
            pss += self._kib(rollup, "Pss")
            rss += one
            self.peak_process = max(self.peak_process, one)
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_rss = max(self.peak_rss, rss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        if self.available():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def batch(families: int, jobs: int, keep: Path | None) -> list[str]:
    """Part 2: a batch of generated families through render_batch."""
    work = Path(tempfile.mkdtemp(prefix="bench-render-"))
    try:
        start = time.perf_counter()
        write_families(work / "plans", families)
        generated = time.perf_counter() - start
        out = keep or work / "out"
        own = resource.getrusage(resource.RUSAGE_SELF)
        with TreeMemory() as tree:
            result = render_batch(work / "plans", out, jobs=jobs)
        after = resource.getrusage(resource.RUSAGE_SELF)
        parent_cpu = after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime
        self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        if sys.platform == "darwin":  # ru_maxrss is in bytes there, not KiB
            self_peak //= 1024
            child_peak //= 1024
        lines = [
            f"batch: {families} generated families (written in {generated:.1f} s), "
            f"all kinds, jobs={jobs}",
            f"  {result.summary()}",
            f"  families per second      : {len(result.ok) / result.seconds:8.2f}",
            f"  total seconds            : {result.seconds:8.1f}",
            f"  documents                : {result.documents:8d}",
            f"  peak RSS, parent         : {self_peak / MB:8.0f} MB (getrusage RUSAGE_SELF)",
            f"  peak RSS, waited children: {child_peak / MB:8.0f} MB (getrusage RUSAGE_CHILDREN; "
            "pool workers are the forkserver's children, so not in this figure)",
        ]
        if tree.cpu:
            total_cpu = parent_cpu + sum(tree.cpu.values())
            lines += [
                f"  CPU seconds, all processes: {total_cpu:7.1f} s (parent {parent_cpu:.1f} s; "
                "workers sampled every 0.2 s)",
                f"  CPU-bound time on {jobs} idle cores: {total_cpu / jobs:7.1f} s (CPU seconds / "
                "jobs; the wall time above includes waiting for other work on the machine)",
            ]
        if tree.peak_pss:
            lines += [
                f"  peak memory, whole tree  : {tree.peak_pss / MB:8.0f} MB (sum of PSS of parent, "
                "forkserver and workers, sampled every 0.2 s)",
                f"  peak RSS, summed         : {tree.peak_rss / MB:8.0f} MB (shared pages counted "
                "once per process)",
                f"  peak RSS, one process    : {tree.peak_process / MB:8.0f} MB",
            ]
        for path, reason in result.failed[:5]:
            lines.append(f"  FAILED {path}: {reason.splitlines()[0]}")
        return lines
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=1000, help="families in the batch")
    parser.add_argument("--repeat", type=int, default=20, help="runs of the one-family toolbox")
    parser.add_argument("--lang", default="da", help="sample language for the toolbox (da)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="keep the batch output in this folder")
    args = parser.parse_args()

    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    batch_lines = batch(args.families, args.jobs, args.keep) if args.families > 0 else []
    for line in toolbox(args.lang, args.repeat):
        print(line)
    for line in batch_lines:
        print(line)
    if load is not None:  # other work on the machine slows both engines alike
        after = os.getloadavg()
        print(f"load average (1 min) at start {load[0]:.2f}, at end {after[0]:.2f}")


if __name__ == "__main__":
    main()
