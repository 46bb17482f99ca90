"""The warm pool: reuse, recycling, hangs, crashes, bad input, and no soffice left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from familyplan_docs._errors import ConversionError
from familyplan_docs.delivery.pdf import pool as pool_module
from familyplan_docs.delivery.pdf.pool import UNO_PYTHON_ENV_VAR, PdfPool, find_uno_python
from familyplan_docs.delivery.pdf.soffice import find_soffice
from tests.delivery.pdf.helpers import DANISH, make_docx

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]


def processes_with(text: str) -> list[int]:
    """The processes whose command line holds *text* (zombies do not count)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state not in {"Z", "X"}:
            found.append(int(entry.name))
    return found


def gone(text: str, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while processes_with(text):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def uno_or_skip() -> None:
    soffice = find_soffice()
    if soffice is None or find_uno_python(soffice) is None:
        if os.environ.get("CI"):
            pytest.fail("no Python with uno: scripts/system-deps.sh installs python3-uno")
        pytest.skip("no Python with uno here")


@pytest.fixture
def docs(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    return [make_docx(folder / f"doc{n}.docx", DANISH, f"nummer {n}") for n in range(5)]


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01random bytes\xff" * 50, b"just a text file, named .docx\n", b"PK\x03\x04broken"],
    ids=["random", "text", "broken-zip"],
)
def test_a_document_libreoffice_cannot_open_fails_alone(
    tmp_path: Path, docs: list[Path], content: bytes
) -> None:
    uno_or_skip()
    bad = tmp_path / "in" / "bad.docx"
    bad.write_bytes(content)
    with PdfPool(1) as pool:
        failed = pool.submit(bad, tmp_path / "out" / "bad.pdf")
        good = pool.submit(docs[0], tmp_path / "out" / "doc0.pdf")
        with pytest.raises(ConversionError, match=r"bad\.docx: LibreOffice could not convert it"):
            failed.result()
        assert good.result().read_bytes().startswith(b"%PDF-")
        assert pool.stats["started"] == 1, "the worker went on"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["doc0.pdf"]


def test_a_worker_is_recycled_after_its_conversions_and_nothing_is_left(
    tmp_path: Path, docs: list[Path]
) -> None:
    uno_or_skip()
    with PdfPool(1, max_conversions=2) as pool:
        root = str(pool.root)
        results = [pool.submit(d, tmp_path / "out" / f"{d.stem}.pdf") for d in docs]
        assert all(f.result().is_file() for f in results)
        assert pool.stats["recycled"] == 2 and pool.stats["started"] >= 3
    assert gone(root), "a helper or soffice outlived close()"
    assert not Path(root).exists()


def test_a_hang_kills_the_worker_and_the_next_document_gets_a_fresh_one(
    tmp_path: Path, docs: list[Path]
) -> None:
    uno_or_skip()
    with PdfPool(1, timeout=0.01) as pool:  # no conversion answers in 10 ms: a "hang"
        pool.wait_ready(60)
        with pytest.raises(ConversionError, match=r"doc0\.docx: no answer within 0\.01 s"):
            pool.submit(docs[0], tmp_path / "out" / "doc0.pdf").result()
        assert pool.stats["killed"] == 1
        pool.timeout = 60.0
        assert pool.submit(docs[1], tmp_path / "out" / "doc1.pdf").result().is_file()
        assert pool.stats["started"] == 2
    assert not (tmp_path / "out" / "doc0.pdf").exists()
    assert not list((tmp_path / "out").glob(".*part"))


def test_a_crashed_libreoffice_is_restarted_and_the_document_tried_again(
    tmp_path: Path, docs: list[Path]
) -> None:
    uno_or_skip()
    with PdfPool(1) as pool:
        pool.wait_ready(60)
        [office] = [p for p in processes_with(str(pool.root)) if b"soffice.bin" in _cmd(p)]
        os.kill(office, signal.SIGKILL)
        assert pool.submit(docs[0], tmp_path / "out" / "doc0.pdf").result().is_file()
        assert pool.stats["killed"] == 1 and pool.stats["started"] == 2


def _cmd(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


SCRIPT = """
import sys, time
from pathlib import Path
from familyplan_docs.delivery.pdf import pdf_pool
docs = [Path(p) for p in sys.argv[2:]]
with pdf_pool(2) as pool:
    assert pool is not None
    pool.wait_ready(120)
    futures = [pool.submit(d, Path(sys.argv[1]) / f"{n}-{d.stem}.pdf")
               for n in range(20) for d in docs]
    print(pool.root, flush=True)
    time.sleep(600)
"""


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "sigkill"])
def test_no_soffice_outlives_the_program_even_on_ctrl_c_or_a_kill(
    tmp_path: Path, docs: list[Path], how: signal.Signals
) -> None:
    uno_or_skip()
    program = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(SCRIPT), str(tmp_path / "out"), *map(str, docs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert program.stdout is not None
        root = program.stdout.readline().decode().strip()
        assert root, program.stderr.read().decode() if program.stderr else ""
        assert processes_with(root), "the pool runs"
        program.send_signal(how)
        program.wait(timeout=60)
        assert gone(root, 20), f"left behind after {how.name}: {processes_with(root)}"
    finally:
        program.kill()
        program.communicate()


SHARED = """
import sys
from pathlib import Path
from familyplan_docs.delivery.pdf import convert_to_pdf, warm_pool
convert_to_pdf([Path(sys.argv[2])], Path(sys.argv[1]))
print(warm_pool().root, flush=True)
"""


def test_the_shared_pool_ends_with_the_program(tmp_path: Path, docs: list[Path]) -> None:
    uno_or_skip()
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SHARED), str(tmp_path / "out"), str(docs[0])],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    root = run.stdout.strip()
    assert root and (tmp_path / "out" / "doc0.pdf").is_file()
    assert gone(root, 20), f"left behind: {processes_with(root)}"


def test_the_uno_python_can_be_named_or_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    soffice = find_soffice()
    assert soffice is not None
    monkeypatch.setattr(pool_module, "_probed", {})
    monkeypatch.setenv(UNO_PYTHON_ENV_VAR, "none")
    assert find_uno_python(soffice) is None
    monkeypatch.setenv(UNO_PYTHON_ENV_VAR, "/no/such/python")
    assert find_uno_python(soffice) is None
    monkeypatch.setenv(UNO_PYTHON_ENV_VAR, sys.executable)  # this one cannot import uno
    assert find_uno_python(soffice) is None
    monkeypatch.delenv(UNO_PYTHON_ENV_VAR)
    uno_or_skip()
    found = find_uno_python(soffice)
    assert found is not None
    assert subprocess.run([found, "-c", "import uno"], check=False).returncode == 0


def test_a_pool_without_uno_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "_probed", {})
    monkeypatch.setenv(UNO_PYTHON_ENV_VAR, "none")
    with pytest.raises(pool_module.PoolUnavailableError, match="apt-get install python3-uno"):
        PdfPool(1)
