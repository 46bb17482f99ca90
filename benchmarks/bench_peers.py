"""The compiled engine beside its peers: one template, one data set, every output checked.

Usage::

    python benchmarks/bench_peers.py [--runs R] [--warm W] [--node-dir DIR]

The same one-to-two-page document -- a title, a paragraph and a table with a header row and
a 25-row loop -- is written as a template for each engine in its own syntax (Jinja for
docxtpl and the compiled engine, ``{#rows}`` for docxtemplater, ``{d.rows[i]}`` for Carbone)
and rendered with the same data, escaping on: text full of ``&``, ``<``, quotes, Æ Ø Å,
Arabic, emoji and things that look like tags. Engines:

* the compiled engine (:mod:`familyplan_docs.render.compiled`, the built-in ``da`` pack's
  sandboxed environment), in a Python process, with the persistent cache warm and empty;
* plain docxtpl (``DocxTemplate(...).render(data, autoescape=True)``, a new template object
  per document, as docxtpl is used), in a Python process;
* docxtemplater (+ pizzip) and Carbone in Node.js processes, when ``node`` and ``npm`` are
  on the PATH; the packages are installed into ``--node-dir`` (default
  ``benchmarks/.node-peers``) at the versions pinned below. Carbone renders .docx to .docx
  itself; the script makes any call to LibreOffice fail, so that is checked too.

The package's ``.pyc`` files are made first and ``PYTHONDONTWRITEBYTECODE`` is removed for
the children, as in ``bench_cold.py``. Every engine runs in fresh processes (``--runs``) of
its own script (``peers_python.py``, ``peers_node.js``), which loads only that engine:
the time from the process's start until its first document is written ("cold"), then
``--warm`` documents in memory ("warm", the median ms per document), and the process's
peak RSS. Before any figure is printed, every engine's
first and last document is read back with python-docx and must hold exactly the data: the
title, the paragraph and the 25 rows, every character as given.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import familyplan_docs

OUT = "{out}"
"""Stands for the output folder in an engine's command line."""
NODE_PACKAGES = ("docxtemplater@3.71.1", "pizzip@3.3.0", "carbone@3.8.2")
HERE = Path(__file__).resolve().parent
ROWS = 25
HEADER = ("Navn", "Rolle", "Note")


def data() -> dict[str, Any]:
    """The data every engine renders: hostile-looking text, kept as it is."""
    roles = ("Mor & far", "Lærer <skole>", 'Læge "Åse"', "Nabo 'Øst'", "جدة مريم")
    return {
        "title": 'Plan for familien Ærø & <søn> "Åge"',
        "intro": "Mødet 10:00 — مرحبا 👋 ½ € ✓ {{ 7*7 }} {d.title} {#rows} <b>ikke fed</b>",
        "rows": [
            {
                "name": f"Person {n} Æ&Ø <{n}>",
                "role": roles[n % len(roles)],
                "note": f"aftale {n}: {{{{ {n}*{n} }}}} {{%tr x %}} 🎉",
            }
            for n in range(1, ROWS + 1)
        ],
    }


# --- the templates ------------------------------------------------------------------------


def _template(path: Path, title: str, intro: str, rows: list[tuple[str, str, str]]) -> None:
    from docx import Document  # here, not at the top: the engines' processes never load it

    doc = Document()
    doc.core_properties.title = "bench_peers"
    doc.add_heading("Familieplan", level=1)
    doc.add_paragraph(title)
    doc.add_paragraph(intro)
    table = doc.add_table(rows=1 + len(rows), cols=3)
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for row, texts in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    doc.add_paragraph("Underskrift: ______________________")
    doc.save(str(path))


def make_templates(folder: Path) -> dict[str, Path]:
    """The same document in each engine's syntax."""
    paths = {name: folder / f"{name}.docx" for name in ("jinja", "docxtemplater", "carbone")}
    _template(
        paths["jinja"],
        "{{ title }}",
        "{{ intro }}",
        [
            ("{%tr for r in rows %}", "", ""),
            ("{{ r.name }}", "{{ r.role }}", "{{ r.note }}"),
            ("{%tr endfor %}", "", ""),
        ],
    )
    _template(
        paths["docxtemplater"], "{title}", "{intro}", [("{#rows}{name}", "{role}", "{note}{/rows}")]
    )
    _template(
        paths["carbone"],
        "{d.title}",
        "{d.intro}",
        [
            ("{d.rows[i].name}", "{d.rows[i].role}", "{d.rows[i].note}"),
            ("{d.rows[i+1].name}", "{d.rows[i+1].role}", "{d.rows[i+1].note}"),
        ],
    )
    return paths


# --- checking an output ---------------------------------------------------------------------


def check(path: Path, expected: dict[str, Any]) -> None:
    """Raise AssertionError unless *path* holds exactly the data."""
    from docx import Document

    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert expected["title"] in texts, f"{path.name}: title missing or changed: {texts[:4]}"
    assert expected["intro"] in texts, f"{path.name}: paragraph missing or changed: {texts[:4]}"
    (table,) = doc.tables
    got = [tuple(c.text for c in row.cells) for row in table.rows]
    want = [HEADER] + [(r["name"], r["role"], r["note"]) for r in expected["rows"]]
    assert got == want, f"{path.name}: table differs: {got[:3]} … ({len(got)} rows)"


# --- the engines, each in a fresh process ---------------------------------------------------


@dataclass
class Engine:
    label: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    fresh_cache: bool = False
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    warm_cpu: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)


def run(engine: Engine, out: Path, root: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(engine.env)
    if engine.fresh_cache:
        env["FAMILYPLAN_DOCS_CACHE"] = tempfile.mkdtemp(prefix="cache-", dir=root)
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(out) if arg == OUT else arg for arg in engine.argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    cold = (time.perf_counter() - start) * 1000
    rest = process.stdout.read()
    err = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or first.strip() != "first":
        raise SystemExit(f"{engine.label} failed:\n{err}")
    engine.cold.append(cold)
    report = json.loads(rest)
    engine.warm.append(statistics.median(report["warm_ms"]))
    engine.warm_cpu.append(statistics.median(report["warm_cpu_ms"]))
    engine.rss.append(usage.ru_maxrss // 1024)


def install_node(folder: Path) -> str | None:
    """Install the Node.js peers into *folder*; None when node or npm is missing."""
    if not (shutil.which("node") and shutil.which("npm")):
        return "node and npm are not on the PATH: docxtemplater and Carbone are skipped"
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / "installed.txt"
    if not marker.is_file() or marker.read_text() != " ".join(NODE_PACKAGES):
        subprocess.run(
            ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", *NODE_PACKAGES],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        marker.write_text(" ".join(NODE_PACKAGES))
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per engine")
    parser.add_argument("--warm", type=int, default=40, help="warm documents per process")
    parser.add_argument("--node-dir", type=Path, default=HERE / ".node-peers")
    args = parser.parse_args()

    # the package's .pyc made first, as pip does for a wheel (the children may write them)
    compileall.compile_dir(Path(familyplan_docs.__file__).parent, quiet=1)
    root = Path(tempfile.mkdtemp(prefix="bench-peers-"))
    try:
        (root / "templates").mkdir()  # a folder of its own: the engine checks it as a pack's
        templates = make_templates(root / "templates")
        data_file = root / "data.json"
        values = data()
        data_file.write_text(json.dumps(values, ensure_ascii=False), "utf-8")
        warm = str(args.warm)
        py = [sys.executable, str(HERE / "peers_python.py")]
        warm_cache = root / "warm-cache"
        engines = [
            Engine(
                "compiled engine (cache warm)",
                [*py, "compiled", str(templates["jinja"]), str(data_file), OUT, warm],
                {"FAMILYPLAN_DOCS_CACHE": str(warm_cache)},
            ),
            Engine(
                "compiled engine (cache empty)",
                [*py, "compiled", str(templates["jinja"]), str(data_file), OUT, warm],
                fresh_cache=True,
            ),
            Engine("docxtpl", [*py, "docxtpl", str(templates["jinja"]), str(data_file), OUT, warm]),
        ]
        skipped = install_node(args.node_dir)
        if skipped is None:
            script = str(HERE / "peers_node.js")
            node_env = {"NODE_PATH": str(args.node_dir / "node_modules")}
            for name in ("docxtemplater", "carbone"):
                argv = ["node", script, name, str(templates[name]), str(data_file), OUT, warm]
                engines.append(Engine(name, argv, node_env))
        for engine in engines:  # checked first; also fills the warm cache and the page cache
            out = root / "check" / engine.label.replace(" ", "-")
            run(engine, out, root)
            check(out / "first.docx", values)
            check(out / "last.docx", values)
            engine.cold.clear()
            engine.warm.clear()
            engine.warm_cpu.clear()
            engine.rss.clear()
        for n in range(args.runs):
            for engine in engines:
                run(engine, root / "runs" / f"{n}-{engine.label.replace(' ', '-')}", root)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    node = "-"
    if skipped is None:
        node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    print(
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; Python "
        f"{sys.version.split()[0]}, Node.js {node}; {ROWS}-row table, escaping on; "
        "every output checked"
    )
    if skipped:
        print(f"note: {skipped}")
    best = statistics.median(engines[0].warm)
    best_cpu = statistics.median(engines[0].warm_cpu)
    print("warm: median ms per document (wall, and CPU of the process); cold: process start to")
    print("the first document written (wall ms); RSS: the process's peak")
    head = ("engine", "warm", "x", "cpu", "x", "cold", "min-max", "RSS")
    print("{:<30} {:>7} {:>5} {:>7} {:>5} {:>6} {:>11} {:>7}".format(*head))
    for engine in engines:
        w, u = statistics.median(engine.warm), statistics.median(engine.warm_cpu)
        c = statistics.median(engine.cold)
        rss = statistics.median(engine.rss)
        print(
            f"{engine.label:<30} {w:7.2f} {w / best:5.1f} {u:7.2f} {u / best_cpu:5.1f} {c:6.0f} "
            f"{min(engine.cold):5.0f}-{max(engine.cold):<5.0f} {rss:4.0f} MB"
        )


if __name__ == "__main__":
    main()
