"""One Python engine of bench_peers.py in a fresh process (the compiled engine or docxtpl).

Usage: python peers_python.py ENGINE TEMPLATE DATA.json OUT_DIR WARM

The same protocol as ``peers_node.js``: writes OUT_DIR/first.docx and prints "first" as soon
as it is written (the parent takes the time from the process's start to that line), then
renders WARM documents in memory, writes the last one to OUT_DIR/last.docx and prints one
JSON line: {"warm_ms": [...], "warm_cpu_ms": [...]}. A script of its own, so an engine's
process loads only that engine (not the benchmark's own tools, such as python-docx).
"""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path
from typing import Any


def main(engine: str, template: str, data_file: str, out_dir: str, warm: int) -> None:
    values: dict[str, Any] = json.loads(Path(data_file).read_text("utf-8"))
    out = Path(out_dir)
    if engine == "docxtpl":
        from docxtpl import DocxTemplate

        def render(target: Path | io.BytesIO) -> None:
            tpl = DocxTemplate(template)
            tpl.render(values, autoescape=True)
            tpl.save(target)

    else:
        from familyplan_docs.packs.discovery import load_pack
        from familyplan_docs.render.compiled.template import compiled_template

        compiled = compiled_template(Path(template), load_pack("da"))
        assert compiled is not None, "the compiled engine refused the template"

        def render(target: Path | io.BytesIO) -> None:
            compiled.render(values, target)

    render(out / "first.docx")
    print("first", flush=True)
    times = []
    cpu = []
    buffer = io.BytesIO()
    for _ in range(warm):
        buffer = io.BytesIO()
        start, used = time.perf_counter(), time.process_time()
        render(buffer)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    (out / "last.docx").write_bytes(buffer.getvalue())
    print(json.dumps({"warm_ms": times, "warm_cpu_ms": cpu}), flush=True)


if __name__ == "__main__":
    engine, template, data_file, out_dir, warm = sys.argv[1:6]
    main(engine, template, data_file, out_dir, int(warm))
