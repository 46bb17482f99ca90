"""Benchmark (not a test): how the work grows with the number of people in one plan.

Times, for plans of N people (default 5,000, the most any list of a plan may hold):

- ``load``: validating the plan from JSON (N network members, N meeting participants);
- ``distribute``: the consent check and one folder per allowed recipient, for a network
  meeting with N participants (``distribute`` with the ``family_plan`` kind);
- ``map``: drawing the network map of N people;
- ``invite``: the .ics invitation of a meeting with N participants;
- ``workbook``: reading a workbook whose sheets are filled with empty, formatted cells down
  to the last row a plan may use (every sheet, every column; a few hundred KB zipped).

Each step runs in a child process with a time limit, so a step that does not finish is
reported as ``> LIMIT s`` instead of hanging the run.

Run from the repository root::

    python benchmarks/bench_scale.py [--people 5000] [--limit 300] [--steps load,map,...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STEPS = ("load", "distribute", "map", "invite", "workbook")

_GROUPS = ("municipal", "external", "personal")
_SECTORS = ("family", "friends", "school_work", "professionals")
_CLOSENESS = ("close", "middle", "distant")


def scale_plan(people: int) -> dict[str, Any]:
    """Plan data with *people* network members, all taking part in the network meeting.

    Each person has a sharing consent naming one department (a third of them signed only
    after the day checked), so ``distribute`` both allows and refuses, and weighs every
    consent for every participant; every professional has an e-mail address.
    """
    departments = [f"Afdeling {d}" for d in range(50)]
    network = []
    participants = []
    for n in range(people):
        name = f"Person{n} Efternavn{n % 97}"
        group = _GROUPS[n % 3]
        department = departments[n % len(departments)]
        network.append(
            {
                "id": f"n{n}",
                "name": name,
                "group": group,
                "relation": "Kontakt",
                "organization": "Nordby Kommune" if group != "personal" else None,
                "department": department if group != "personal" else None,
                "email": f"person{n}@nordby.kommune.example",
                "sector": _SECTORS[n % 4],
                "closeness": _CLOSENESS[n % 3],
            }
        )
        participants.append(
            {
                "name": name,
                "function": "Rådgiver",
                "organization": "Nordby Kommune" if group != "personal" else None,
                "department": department if group != "personal" else None,
                "email": f"person{n}@nordby.kommune.example",
            }
        )
    return {
        "schema_version": "1",
        "country": "DK",
        "organization": {"name": "Nordby Kommune", "timezone": "Europe/Copenhagen"},
        "family": {
            "name": "Familien Skala",
            "members": [
                {"id": "mor", "first_name": "Mor", "last_name": "Skala", "role": "parent"},
                {
                    "id": "barn",
                    "first_name": "Barn",
                    "last_name": "Skala",
                    "role": "child",
                    "birth_date": "2016-04-01",
                },
            ],
        },
        "coordinators": [
            {"id": "k1", "name": "Koordinator", "email": "k1@nordby.kommune.example", "lead": True}
        ],
        "network": [{k: v for k, v in n.items() if v is not None} for n in network],
        "consents": [  # one sharing consent per person: each names one department
            {
                "kind": "information_sharing",
                "giver": "mor",
                "children": ["barn"],
                "departments": [departments[n % len(departments)]],
                "external_parties": [{"name": f"Part {n}"}],
                "signed_on": "2026-01-05" if n % 3 else "2026-04-05",  # some not yet signed
                "valid_until": "2027-01-05",
            }
            for n in range(people)
        ],
        "meetings": [
            {
                "kind": "network",
                "date": "2026-03-10",
                "start_time": "09:00",
                "end_time": "11:00",
                "place": "Rådhuset",
                "participants": [
                    {k: v for k, v in p.items() if v is not None} for p in participants
                ],
            }
        ],
    }


# --- the steps (each runs in a child process) ------------------------------------------------
# Each step prepares what it needs (imports, the plan) and returns the work that is timed.

Work = Callable[[], object]


def _step_load(folder: Path, text: str) -> Work:
    from familyplan_docs.model.load import plan_from_json

    return lambda: plan_from_json(text)


def _step_distribute(folder: Path, text: str) -> Work:
    from datetime import date

    from familyplan_docs.delivery.distribute import distribute
    from familyplan_docs.model.load import plan_from_json
    from familyplan_docs.packs.discovery import load_pack

    plan = plan_from_json(text)
    pack = load_pack("da")
    return lambda: distribute(plan, pack, folder / "sendes", on=date(2026, 3, 11))


def _step_map(folder: Path, text: str) -> Work:
    from familyplan_docs.model.enums import Closeness, MapSector
    from familyplan_docs.model.load import plan_from_json
    from familyplan_docs.netmap.draw import MapEntry, draw_network_map

    plan = plan_from_json(text)
    entries = [MapEntry(n.name, n.sector, n.closeness, n.relation or "") for n in plan.network]
    return lambda: draw_network_map(
        entries,
        centre_label=plan.family.name,
        sector_labels={s: s.value for s in MapSector},
        ring_labels={c: c.value for c in Closeness},
    )


def _step_invite(folder: Path, text: str) -> Work:
    from familyplan_docs.delivery.calendar import meeting_invitation, not_invited
    from familyplan_docs.model.load import plan_from_json
    from familyplan_docs.packs.discovery import load_pack

    plan = plan_from_json(text)
    pack = load_pack("da")
    return lambda: (meeting_invitation(plan, 1, pack), not_invited(plan, 1))


def empty_rows_workbook(path: Path, columns: int = 16) -> None:
    """An empty workbook of the Danish pack whose list sheets hold empty, formatted cells in
    *columns* columns down to the last row a plan may use (what a spreadsheet writes when
    someone formats whole blocks of a sheet)."""
    import zipfile

    from openpyxl.utils import get_column_letter

    from familyplan_docs.packs.discovery import load_pack
    from familyplan_docs.workbook.guards import MAX_ROWS
    from familyplan_docs.workbook.layout import FIRST_DATA_ROW
    from familyplan_docs.workbook.write import write_workbook

    plain = path.with_suffix(".plain.xlsx")
    write_workbook(load_pack("da"), plain)
    letters = [get_column_letter(c) for c in range(1, columns + 1)]
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{col}{r}" s="1"/>' for col in letters) + "</row>"
        for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + MAX_ROWS - 1)
    ).encode("ascii")
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet") and b"<sheetData>" in data:
                head, _, rest = data.partition(b"</sheetData>")
                kept = b"".join(re.findall(rb'<row r="[12]".*?</row>', head, re.DOTALL))
                head = head[: head.index(b"<sheetData>") + len(b"<sheetData>")] + kept
                data = head + rows + b"</sheetData>" + rest
            target.writestr(info, data)
    plain.unlink()


def _step_workbook(folder: Path, text: str) -> Work:
    from familyplan_docs._errors import InputError
    from familyplan_docs.workbook.read import read_workbook

    def read() -> None:
        # an empty workbook lacks the plan's required parts: the InputError is expected
        with contextlib.suppress(InputError):
            read_workbook(folder / "empty.xlsx")

    return read


_STEPS: dict[str, Callable[[Path, str], Work]] = {
    "load": _step_load,
    "distribute": _step_distribute,
    "map": _step_map,
    "invite": _step_invite,
    "workbook": _step_workbook,
}


def _child(step: str, folder: str, text: str, queue: Any) -> None:
    try:
        work = _STEPS[step](Path(folder), text)
        start = time.perf_counter()
        work()
        queue.put(("ok", time.perf_counter() - start))
    except BaseException as exc:
        queue.put(("error", f"{type(exc).__name__}: {str(exc)[:300]}"))


def run_step(step: str, folder: Path, text: str, limit: float) -> str:
    """Run *step* in a child process; return its time, or why it did not finish."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(step, str(folder), text, queue))
    process.start()
    process.join(limit + 30)  # the child's own imports are not timed
    if process.is_alive():
        process.kill()
        process.join()
        return f"> {limit:.0f} s (stopped)"
    if queue.empty():
        return f"died (exit {process.exitcode})"
    status, value = queue.get()
    if status != "ok":
        return f"failed: {value}"
    seconds = float(value)
    return f"{seconds:.2f} s" if seconds <= limit else f"{seconds:.2f} s (over the limit)"


def main() -> None:
    """Print the time of every step for a plan of ``--people`` people."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--limit", type=float, default=300.0, help="seconds per step")
    parser.add_argument("--steps", default=",".join(STEPS))
    args = parser.parse_args()
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    text = json.dumps(scale_plan(args.people), ensure_ascii=False)
    print(f"plan: {args.people:,} network members and meeting participants, {len(text):,} bytes")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "workbook" in steps:
            empty_rows_workbook(folder / "empty.xlsx")
            size = (folder / "empty.xlsx").stat().st_size
            print(f"empty-rows workbook: {size / 1024:.0f} KiB")
        for step in steps:
            print(f"{step:<11} {run_step(step, folder, text, args.limit)}", flush=True)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPU(s); {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}"
    )


if __name__ == "__main__":
    sys.exit(main())
