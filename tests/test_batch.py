"""Batch rendering: a folder of plans, one sub-folder per family, failures reported, flat memory."""

from __future__ import annotations

import copy
import gc
import json
import os
import tracemalloc
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from familyplan_docs import FamilyPlanError, UnknownChoiceError
from familyplan_docs._batch import (
    BatchProgress,
    BatchResult,
    _drain,
    _sub_folders,
    plan_files,
    render_batch,
)
from familyplan_docs.packs.builtin import samples_root

SAMPLES = sorted(samples_root().glob("*/*.json"))
KINDS = ["flyer", "family_plan"]


def family(index: int) -> dict[str, Any]:
    """A variation of the bundled samples (a different family name and goal per index)."""
    data: dict[str, Any] = json.loads(SAMPLES[index % len(SAMPLES)].read_text("utf-8"))
    data = copy.deepcopy(data)
    data["family"]["name"] = f"{data['family']['name']} {index}"
    data["goals"][0]["goal"] = f"Goal number {index}: {data['goals'][0]['goal']}"
    return data


def write_families(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(start, start + count):
        path = folder / f"family-{index:04d}.json"
        path.write_text(json.dumps(family(index), ensure_ascii=False), "utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    write_families(folder, 3)
    (folder / "broken.json").write_text('{"country": "DK", "family": {"name": 7}}', "utf-8")
    (folder / "notes.txt").write_text("not a plan", "utf-8")
    (folder / "~$family-0000.xlsx").write_bytes(b"lock file")
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_family_gets_its_folder_and_a_bad_one_is_reported(
    plans: Path, tmp_path: Path, jobs: int
) -> None:
    out = tmp_path / "out"
    result = render_batch(plans, out, kinds=KINDS, jobs=jobs)
    assert [p.name for p in result.ok] == ["family-0000", "family-0001", "family-0002"]
    for folder in result.ok:
        assert sorted(p.name for p in folder.iterdir()) == ["family_plan.docx", "flyer.docx"]
    assert result.documents == 6
    [(source, reason)] = result.failed
    assert source == plans / "broken.json"
    assert "$.family.name" in reason and "$.coordinators" in reason
    assert not (out / "broken").exists()
    assert result.exit_status == 2  # only bad input failed
    assert result.seconds > 0
    lines = result.report_lines()
    assert lines[0].startswith("3 of 4 families rendered (6 files), 1 failed, in ")
    assert lines[1] == f"FAILED {source}: 4 problem(s)"
    assert any("$.family.name" in line for line in lines[2:])


def test_each_plan_renders_in_its_own_country_pack_unless_a_locale_is_given(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "plans"
    write_families(folder, 3)
    by_country = render_batch(folder, tmp_path / "a", kinds=["flyer"], jobs=1)
    forced = render_batch(folder, tmp_path / "b", locale="sv", kinds=["flyer"], jobs=1)
    assert len(by_country.ok) == len(forced.ok) == 3
    a = {p.name: (p / "flyer.docx").read_bytes() for p in by_country.ok}
    b = {p.name: (p / "flyer.docx").read_bytes() for p in forced.ok}
    same = [name for name in a if a[name] == b[name]]
    assert len(same) == 1  # only the Swedish sample's family renders alike


def test_progress_is_reported_once_before_and_once_per_family(
    plans: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[BatchProgress] = []
    result = render_batch(plans, tmp_path / "out", kinds=["flyer"], jobs=1, on_progress=seen.append)
    total = len(result.ok) + len(result.failed)
    assert [p.done for p in seen] == list(range(total + 1))
    assert {p.total for p in seen} == {total}
    assert seen[-1].failed == len(result.failed)
    assert capsys.readouterr().err == ""  # the library draws nothing; the CLI draws the bar


def test_bad_arguments_fail_before_anything_is_rendered(plans: Path, tmp_path: Path) -> None:
    with pytest.raises(UnknownChoiceError, match="family_plan"):
        render_batch(plans, tmp_path / "o1", kinds=["nope"])
    with pytest.raises(UnknownChoiceError, match="available"):
        render_batch(plans, tmp_path / "o2", locale="xx")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FamilyPlanError, match="no plan files"):
        render_batch(empty, tmp_path / "o3")
    with pytest.raises(FamilyPlanError, match="not a folder"):
        render_batch(plans / "family-0000.json", tmp_path / "o4")
    assert not any((tmp_path / name).exists() for name in ("o1", "o2", "o3", "o4"))


def test_plan_files_and_their_folders(tmp_path: Path) -> None:
    for name in ("b.json", "a.JSON", "a.xlsx", ".hidden.json", "~$a.xlsx", "c.txt"):
        (tmp_path / name).write_text("{}", "utf-8")
    files = plan_files(tmp_path)
    assert [p.name for p in files] == ["a.JSON", "a.xlsx", "b.json"]
    assert _sub_folders(files) == ["a.JSON", "a.xlsx", "b"]


def test_a_batch_lists_what_it_skipped_and_never_opens_a_pipe(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    write_families(plans, 1)
    os.mkfifo(plans / "pipe.json")  # opening it would wait for a writer forever
    (plans / "broken.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    (plans / "folder.json").mkdir()
    result = render_batch(plans, tmp_path / "out", kinds=["flyer"], jobs=1)
    assert len(result.ok) == 1 and not result.failed
    assert [(p.name, reason) for p, reason in result.skipped] == [
        ("broken.xlsx", "a link that points to nothing"),
        ("folder.json", "a folder, not a plan file"),
        ("pipe.json", "a named pipe, not a plan file"),
    ]
    assert result.summary().startswith("1 of 1 families rendered (1 files), 0 failed, 3 skipped")
    assert result.report_lines()[1:] == [
        f"SKIPPED {plans / 'broken.xlsx'}: a link that points to nothing",
        f"SKIPPED {plans / 'folder.json'}: a folder, not a plan file",
        f"SKIPPED {plans / 'pipe.json'}: a named pipe, not a plan file",
    ]
    assert result.exit_status == 0


def test_a_folder_with_only_things_named_like_plans_says_what_they_are(tmp_path: Path) -> None:
    (tmp_path / "x.json").mkdir()
    with pytest.raises(FamilyPlanError, match=r"no plan files .*skipped x\.json: a folder"):
        render_batch(tmp_path, tmp_path / "out")


def test_the_summary_counts_and_times() -> None:
    result = BatchResult(
        ok=[Path("x")], failed=[(Path("y.json"), "y.json: bad\n  $.a: no")], seconds=2.0
    )
    assert result.summary() == (
        "1 of 2 families rendered (0 files), 1 failed, in 2.0 s, 1.0 families/s"
    )
    assert result.report_lines()[1:] == ["FAILED y.json: bad", "    $.a: no"]
    assert result.exit_status == 1
    result.bad_input = 1
    assert result.exit_status == 2
    assert BatchResult(ok=[Path("x")]).exit_status == 0


def _run(folder: Path, out: Path) -> tuple[int, int]:
    """Render a batch in this process; return the traced peak and what stays allocated."""
    gc.collect()
    tracemalloc.reset_peak()
    result = render_batch(folder, out, kinds=KINDS, jobs=1)
    assert not result.failed
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    return peak, current


def test_memory_stays_flat_however_many_families(tmp_path: Path) -> None:
    write_families(tmp_path / "warm", 3)
    write_families(tmp_path / "few", 30)
    write_families(tmp_path / "many", 90, start=30)
    render_batch(tmp_path / "warm", tmp_path / "o0", kinds=KINDS, jobs=1)
    tracemalloc.start()
    try:
        few_peak, few_kept = _run(tmp_path / "few", tmp_path / "o1")
        many_peak, many_kept = _run(tmp_path / "many", tmp_path / "o2")
    finally:
        tracemalloc.stop()
    margin = 2 * 1024 * 1024
    assert many_peak < few_peak + margin, (few_peak, many_peak)
    assert many_kept < few_kept + margin, (few_kept, many_kept)


def test_workbooks_render_too_and_same_named_plans_keep_apart(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    for suffix in (".json", ".xlsx"):
        [source] = (samples_root() / "da").glob(f"*{suffix}")
        (folder / f"haddad{suffix}").write_bytes(source.read_bytes())
    result = render_batch(folder, tmp_path / "out", kinds=["flyer"], jobs=1)
    assert not result.failed
    assert [p.name for p in result.ok] == ["haddad.json", "haddad.xlsx"]
    assert all((p / "flyer.docx").is_file() for p in result.ok)


class _DeadPool:
    """A pool whose worker died after the first family."""

    def __init__(self) -> None:
        self.submitted = 0

    def submit(self, *args: object) -> Future[Any]:
        self.submitted += 1
        if self.submitted > 2:
            raise BrokenProcessPool("gone")
        future: Future[Any] = Future()
        if self.submitted == 1:
            future.set_result((True, "", 1, False))
        else:
            future.set_exception(BrokenProcessPool("gone"))
        return future


def test_a_dead_worker_fails_its_families_and_not_the_batch() -> None:
    tasks = [(Path(f"p{i}.json"), Path(f"out/p{i}")) for i in range(5)]
    seen: list[tuple[Path, bool, str]] = []
    _drain(_DeadPool(), tasks, 1, lambda src, _dst, out: seen.append((src, out[0], out[1])))  # type: ignore[arg-type]
    outcome = {src.name: (ok, reason) for src, ok, reason in seen}
    assert sorted(outcome) == [f"p{i}.json" for i in range(5)]
    assert outcome.pop("p0.json") == (True, "")
    assert all(not ok and "worker process stopped" in why for ok, why in outcome.values())


@pytest.mark.libreoffice
@pytest.mark.parametrize("jobs", [1, 2])
def test_with_pdf_the_families_convert_through_one_warm_pool_while_others_render(
    plans: Path, tmp_path: Path, jobs: int
) -> None:
    from familyplan_docs.delivery.pdf import pdf_pool
    from tests.helpers import soffice_or_skip

    soffice_or_skip()
    out = tmp_path / "out"
    with pdf_pool(2) as pool:
        if pool is None:
            pytest.skip("no Python with uno here: the warm pool cannot run")
        result = render_batch(plans, out, kinds=KINDS, bundle=True, jobs=jobs)
        converted = pool.stats["converted"]
    assert [p.name for p in result.ok] == ["family-0000", "family-0001", "family-0002"]
    assert [p.name for p, _ in result.failed] == ["broken.json"]
    assert converted == 3 * len(KINDS), "every PDF came from the pool"
    for folder in result.ok:
        names = sorted(p.name for p in folder.iterdir())
        assert names == sorted(
            [*(f"{k}.docx" for k in KINDS), *(f"{k}.pdf" for k in KINDS), "bundle.pdf"]
        )
    assert result.documents == 3 * (2 * len(KINDS) + 1)
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in result.ok], "no staging left"
