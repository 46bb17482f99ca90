"""The route of one ``soffice`` process per call: fake soffice scripts for the failure paths,
the real one for the output (marked ``libreoffice``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import openpyxl
import pytest

from familyplan_docs._errors import ConversionError, FamilyPlanError, ToolMissingError
from familyplan_docs.delivery.pdf import soffice as _pdf
from familyplan_docs.delivery.pdf.options import PDF_FILTER
from familyplan_docs.delivery.pdf.soffice import (
    SOFFICE_ENV_VAR,
    convert_to_xlsx,
    find_soffice,
)
from familyplan_docs.delivery.pdf.soffice import convert_with_soffice as convert_to_pdf
from tests.delivery.pdf.helpers import ARABIC, DANISH, DUTCH, make_docx, make_xlsx, pdf_text

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="fake soffice is a #! script")

# -- a fake soffice ---------------------------------------------------------------------------

FAKE_SOFFICE = r"""#!{python}
import json, os, subprocess, sys, time
from pathlib import Path

args = sys.argv[1:]
mode = os.environ.get("FAKE_SOFFICE_MODE", "ok")
outdir = Path(args[args.index("--outdir") + 1])
files = [Path(a) for a in args[args.index("--outdir") + 2:]]
try:
    stdin = "devnull" if os.path.samestat(os.fstat(0), os.stat(os.devnull)) else "other"
except OSError:
    stdin = "closed"
record = {{
    "argv": args, "home": os.environ.get("HOME"), "stdin": stdin, "cwd": os.getcwd(),
    "pid": os.getpid(), "pgid": os.getpgid(0),
}}
if mode == "sleep":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    record["child"] = child.pid
with open(os.environ["FAKE_SOFFICE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(record) + "\n")
if mode == "sleep":
    time.sleep(120)
if mode == "fail-once":
    marker = Path(os.environ["FAKE_SOFFICE_LOG"] + ".failed")
    if not marker.exists():
        marker.touch()
        sys.exit(1)
for source in files:
    if mode == "nothing" or (mode.startswith("skip:") and source.stem == mode[5:]):
        print("Error: source file could not be loaded")
        continue
    print(f"convert {{source}} -> {{outdir / (source.stem + '.pdf')}} using filter : x")
    (outdir / (source.stem + ".pdf")).write_bytes(b"%PDF-1.4 fake " + source.name.encode())
"""


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point FAMILYPLAN_DOCS_SOFFICE at a fake script; yield the file it logs each run to."""
    script = tmp_path / "bin" / "soffice"
    script.parent.mkdir()
    script.write_text(FAKE_SOFFICE.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    log = tmp_path / "fake-soffice-runs.jsonl"
    monkeypatch.setenv(SOFFICE_ENV_VAR, str(script))
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    yield log


def runs(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def documents(folder: Path, *stems: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [make_docx(folder / f"{stem}.docx", DANISH) for stem in stems]


def process_gone(pid: int) -> bool:
    """Whether ``pid`` has exited (a zombie waiting for its reaper counts as gone)."""
    stat = Path(f"/proc/{pid}/stat")
    if sys.platform.startswith("linux"):
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        return state in {"Z", "X"}
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


# -- the command line and the environment -----------------------------------------------------


@posix_only
def test_all_documents_go_through_one_process(tmp_path: Path, fake_soffice: Path) -> None:
    sources = documents(tmp_path / "in", "a", "b", "c")
    out_dir = tmp_path / "out"

    result = convert_to_pdf(sources, out_dir)

    assert result == [out_dir / "a.pdf", out_dir / "b.pdf", out_dir / "c.pdf"]
    assert [p.read_bytes() for p in result] == [
        b"%PDF-1.4 fake a.docx",
        b"%PDF-1.4 fake b.docx",
        b"%PDF-1.4 fake c.docx",
    ]
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.pdf", "b.pdf", "c.pdf"]
    [run] = runs(fake_soffice)
    argv = run["argv"]
    assert argv[0].startswith("-env:UserInstallation=file:///")
    assert {"--headless", "--norestore", "--nolockcheck"} <= set(argv)
    assert argv[argv.index("--convert-to") + 1] == PDF_FILTER
    assert "--infilter=MS Word 2007 XML" in argv, "a .docx is read as one, never as text"
    assert argv[-3:] == [str(s.resolve()) for s in sources]
    assert run["stdin"] == "devnull"
    assert run["pgid"] == run["pid"], "soffice must lead its own process group"
    profile = Path(unquote(urlparse(argv[0].split("=", 1)[1]).path))
    assert run["home"] == str(profile.parent) == run["cwd"]
    assert not profile.parent.exists(), "the throw-away profile is removed afterwards"


def test_filter_asks_for_pdf_a_2b_marked_pdf_ua_1_with_typed_options() -> None:
    name, filter_name, options = PDF_FILTER.split(":", 2)
    assert (name, filter_name) == ("pdf", "writer_pdf_Export")
    # LibreOffice ignores an option without its type: every one carries it
    assert json.loads(options) == {
        "SelectPdfVersion": {"type": "long", "value": "2"},
        "UseTaggedPDF": {"type": "boolean", "value": "true"},
        "PDFUACompliance": {"type": "boolean", "value": "true"},
    }


@posix_only
def test_documents_of_two_kinds_go_through_one_process_each_with_their_filter(
    tmp_path: Path, fake_soffice: Path
) -> None:
    sources = documents(tmp_path / "in", "a")
    odt = tmp_path / "in" / "b.odt"
    odt.write_bytes(b"PK fake")
    result = convert_to_pdf([*sources, odt], tmp_path / "out")
    assert [p.name for p in result] == ["a.pdf", "b.pdf"]
    filters = sorted(
        next(a for a in run["argv"] if a.startswith("--infilter=")) for run in runs(fake_soffice)
    )
    assert filters == ["--infilter=MS Word 2007 XML", "--infilter=writer8"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.pdf", "b.pdf"]


def test_a_document_of_another_kind_is_refused_before_anything_runs(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(ValueError, match=r"only \.docx, \.odt"):
        convert_to_pdf([text], tmp_path / "out")
    assert not (tmp_path / "out").exists()


@posix_only
def test_each_call_gets_a_fresh_profile(tmp_path: Path, fake_soffice: Path) -> None:
    convert_to_pdf(documents(tmp_path / "in1", "a"), tmp_path / "out")
    convert_to_pdf(documents(tmp_path / "in2", "b"), tmp_path / "out")

    first, second = (run["argv"][0] for run in runs(fake_soffice))
    assert first != second
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.pdf", "b.pdf"]


# -- timeouts, retries and files that do not convert ------------------------------------------


@posix_only
def test_timeout_kills_the_process_group_then_retries_once(
    tmp_path: Path, fake_soffice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "sleep")
    sources = documents(tmp_path / "in", "plan")
    out_dir = tmp_path / "out"

    started = time.monotonic()
    with pytest.raises(ConversionError, match=r"timed out after 0\.5 s") as caught:
        convert_to_pdf(sources, out_dir, timeout=0.5)

    assert time.monotonic() - started < 30
    assert str(sources[0].resolve()) in str(caught.value)
    attempts = runs(fake_soffice)
    assert len(attempts) == 2, "one try and one retry"
    for attempt in attempts:
        deadline = time.monotonic() + 10
        while not (process_gone(attempt["pid"]) and process_gone(attempt["child"])):
            assert time.monotonic() < deadline, "soffice or its child survived the timeout"
            time.sleep(0.05)
    assert not out_dir.exists(), "a failed call leaves nothing behind"


@posix_only
def test_retries_can_be_turned_off(
    tmp_path: Path, fake_soffice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "sleep")
    with pytest.raises(ConversionError, match=r"\(1 attempt\)"):
        convert_to_pdf(documents(tmp_path / "in", "plan"), tmp_path / "out", timeout=0.2, retries=0)
    assert len(runs(fake_soffice)) == 1


@posix_only
def test_a_retry_can_succeed(
    tmp_path: Path, fake_soffice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "fail-once")
    result = convert_to_pdf(documents(tmp_path / "in", "a", "b"), tmp_path / "out")
    assert [p.name for p in result] == ["a.pdf", "b.pdf"]
    assert len(runs(fake_soffice)) == 2


@posix_only
def test_a_file_that_does_not_convert_is_named_and_nothing_is_written(
    tmp_path: Path, fake_soffice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "skip:broken")
    sources = documents(tmp_path / "in", "fine", "broken")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "keep.txt").write_text("already here", encoding="utf-8")

    with pytest.raises(ConversionError) as caught:
        convert_to_pdf(sources, out_dir)

    message = str(caught.value)
    assert str(sources[1].resolve()) in message
    assert str(sources[0].resolve()) not in message.splitlines()[0]
    assert "source file could not be loaded" in message
    # The retry only asks again for the file that failed.
    assert [run["argv"][-1] for run in runs(fake_soffice)] == [str(sources[1].resolve())] * 2
    assert len(runs(fake_soffice)[1]["argv"]) == len(runs(fake_soffice)[0]["argv"]) - 1
    assert [p.name for p in out_dir.iterdir()] == ["keep.txt"], "no PDF, no staging folder"


@posix_only
def test_no_output_at_all_is_an_error(
    tmp_path: Path, fake_soffice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "nothing")
    with pytest.raises(ConversionError, match=r"did not produce \.pdf .*exit code 0"):
        convert_to_pdf(documents(tmp_path / "in", "a"), tmp_path / "out", retries=0)
    assert not (tmp_path / "out").exists()


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"missing\.docx"):
        convert_to_pdf([tmp_path / "missing.docx"], tmp_path / "out")
    (tmp_path / "x").mkdir()
    same = [make_docx(tmp_path / "plan.docx", "1"), make_docx(tmp_path / "x" / "plan.docx", "2")]
    with pytest.raises(ValueError, match=r"both become plan\.pdf"):
        convert_to_pdf(same, tmp_path / "out")
    with pytest.raises(ValueError, match="timeout"):
        convert_to_pdf(same[:1], tmp_path / "out", timeout=0)
    with pytest.raises(ValueError, match="retries"):
        convert_to_pdf(same[:1], tmp_path / "out", retries=-1)
    assert convert_to_pdf([], tmp_path / "out") == []
    assert not (tmp_path / "out").exists()


# -- finding LibreOffice ----------------------------------------------------------------------


def assert_install_hint(error: ToolMissingError) -> None:
    message = str(error)
    assert "apt-get install libreoffice-writer" in message
    assert "brew install --cask libreoffice" in message
    assert "https://www.libreoffice.org/download/" in message
    assert SOFFICE_ENV_VAR in message


def test_tool_missing_when_env_var_points_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SOFFICE_ENV_VAR, str(tmp_path / "no" / "soffice"))
    assert find_soffice() is None
    with pytest.raises(ToolMissingError) as caught:
        convert_to_pdf(documents(tmp_path / "in", "a"), tmp_path / "out")
    assert_install_hint(caught.value)
    assert str(tmp_path / "no" / "soffice") in str(caught.value)
    assert isinstance(caught.value, FamilyPlanError)
    assert not (tmp_path / "out").exists()


def test_tool_missing_when_nothing_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SOFFICE_ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(_pdf, "_usual_places", lambda: iter([tmp_path / "nowhere" / "soffice"]))
    assert find_soffice() is None
    with pytest.raises(ToolMissingError) as caught:
        convert_to_xlsx(make_xlsx(tmp_path), tmp_path / "out")
    assert_install_hint(caught.value)


@posix_only
def test_find_soffice_looks_on_path_and_in_usual_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = tmp_path / "program"
    program.mkdir()
    fake = program / "soffice"
    fake.write_text("#!/bin/sh\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.delenv(SOFFICE_ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(_pdf, "_usual_places", lambda: iter([tmp_path / "not-here", fake]))
    assert find_soffice() == str(fake)

    on_path = tmp_path / "bin"
    on_path.mkdir()
    shutil.copy(fake, on_path / "libreoffice")
    monkeypatch.setenv("PATH", str(on_path))
    assert find_soffice() == str(on_path / "libreoffice")

    monkeypatch.setenv(SOFFICE_ENV_VAR, str(program))  # the program folder is enough
    assert find_soffice() == str(fake)
    monkeypatch.setenv(SOFFICE_ENV_VAR, "libreoffice")  # so is a name on PATH
    assert find_soffice() == str(on_path / "libreoffice")
    fake.chmod(0o644)
    monkeypatch.setenv(SOFFICE_ENV_VAR, str(fake))  # not executable: not a program
    assert find_soffice() is None


# -- the real LibreOffice ---------------------------------------------------------------------


@pytest.mark.libreoffice
def test_pdf_keeps_every_character(tmp_path: Path) -> None:
    sources = [
        make_docx(tmp_path / "Familiens plan ÆØÅ.docx", DANISH, ARABIC, pages=2),
        make_docx(tmp_path / "gezinsplan.docx", DUTCH, "{{ 7*7 }}"),
    ]

    result = convert_to_pdf(sources, tmp_path / "pdf")

    assert [p.name for p in result] == ["Familiens plan ÆØÅ.pdf", "gezinsplan.pdf"]
    danish, dutch = (pdf_text(p) for p in result)
    assert danish.count(DANISH) == 2
    assert danish.count(ARABIC) == 2
    assert DUTCH in dutch
    assert "{{ 7*7 }}" in dutch
    for pdf in result:
        info = subprocess.run(
            ["pdfinfo", str(pdf)], stdin=subprocess.DEVNULL, capture_output=True, check=True
        ).stdout.decode("utf-8", "replace")
        assert "Tagged:          yes" in info
    assert "Pages:           2" in subprocess.run(
        ["pdfinfo", str(result[0])], stdin=subprocess.DEVNULL, capture_output=True, check=True
    ).stdout.decode("utf-8", "replace")


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    "content",
    [b"\x00\x01random bytes\xff" * 50, b"just a text file, named .docx\n", b"PK\x03\x04broken"],
    ids=["random", "text", "broken-zip"],
)
def test_a_file_that_is_no_docx_fails_instead_of_becoming_a_pdf_of_its_bytes(
    tmp_path: Path, content: bytes
) -> None:
    fake = tmp_path / "plan.docx"
    fake.write_bytes(content)
    with pytest.raises(ConversionError, match=r"plan\.docx"):
        convert_to_pdf([fake], tmp_path / "out", retries=0)
    assert not (tmp_path / "out").exists()


@pytest.mark.libreoffice
def test_parallel_conversions_do_not_clash(tmp_path: Path) -> None:
    start = threading.Barrier(2)

    def convert(name: str) -> list[Path]:
        folder = tmp_path / name
        folder.mkdir()
        sources = [make_docx(folder / f"{name}-{i}.docx", name, DANISH) for i in range(3)]
        start.wait(timeout=30)
        return convert_to_pdf(sources, folder / "pdf")

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(convert, ["first", "second"])

    for name, result in (("first", first), ("second", second)):
        assert len(result) == 3
        for pdf in result:
            text = pdf_text(pdf)
            assert name in text
            assert DANISH in text


@pytest.mark.libreoffice
def test_workbook_saved_by_calc_reads_back(tmp_path: Path) -> None:
    source = make_xlsx(tmp_path)

    resaved = convert_to_xlsx(source, tmp_path / "calc")

    assert resaved == tmp_path / "calc" / "plan.xlsx"
    workbook = openpyxl.load_workbook(resaved)
    try:
        rows = [list(row) for row in workbook["Plan"].iter_rows(values_only=True)]
    finally:
        workbook.close()
    assert rows[0] == ["Mål", "Hvornår", "Timer"]
    assert rows[1][0] == DANISH
    assert rows[2][0] == ARABIC
    assert [row[1].date() if hasattr(row[1], "date") else row[1] for row in rows[1:]] == [
        date(2025, 3, 14),
        date(2025, 12, 31),
    ]
    assert [row[2] for row in rows[1:]] == [4.5, 12]
