"""The wheel: built-in packs and samples inside, usable from any directory."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from familyplan_docs import KINDS
from tests.helpers import BUILTIN_PACKS, ROOT


def test_a_plain_install_of_the_wheel_renders_every_built_in_pack(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
    )
    wheel = next(tmp_path.glob("familyplan_docs-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for pack in BUILTIN_PACKS:
        assert f"familyplan_docs/templates/{pack}/pack.toml" in names
        for kind in KINDS:
            assert f"familyplan_docs/templates/{pack}/{kind}.docx" in names
    assert any(n.startswith("familyplan_docs/samples/") for n in names)
    assert "familyplan_docs/py.typed" in names

    # a fresh environment that sees this environment's dependencies but not this checkout
    # (a .pth line adds the folders to sys.path without running their .pth files, so the
    # editable install of the checkout stays invisible)
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import familyplan_docs; print(familyplan_docs.__file__)"],
        cwd=elsewhere, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(env) in where
    for pack in BUILTIN_PACKS:
        out = elsewhere / pack
        subprocess.run(
            [str(python), "-m", "familyplan_docs", "blank", "--locale", pack, "--out", str(out)],
            cwd=elsewhere, check=True, capture_output=True,
        )  # fmt: skip
        assert sorted(p.stem for p in out.glob("*.docx")) == sorted(KINDS)
