"""The command line: exit codes, messages with places, nothing written on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from familyplan_docs import __all__ as public
from familyplan_docs import load_plan
from familyplan_docs._cli import main
from tests.helpers import SAMPLES, docx_text


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "familyplan_docs", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_python_dash_m_runs_the_command_line() -> None:
    result = run("locales")
    assert result.returncode == 0
    assert {"da", "nl", "sv"} <= {line.split()[0] for line in result.stdout.splitlines()}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.parent.name)
def test_render_writes_a_family_plan_holding_every_goal_agreement_and_network_member(
    sample: Path, tmp_path: Path
) -> None:
    lang = sample.parent.name
    code = main(
        [
            "render",
            str(sample),
            "--locale",
            lang,
            "--out",
            str(tmp_path),
            "--documents",
            "family_plan",
        ]
    )
    assert code == 0
    text = docx_text(tmp_path / "family_plan.docx")
    data = json.loads(sample.read_text(encoding="utf-8"))
    for goal in data["goals"]:
        assert goal["goal"] in text
    for agreement in data["agreements"]:
        assert agreement["content"] in text
    for person in data["network"]:
        assert person["name"] in text


def test_bad_input_exits_2_names_every_place_and_writes_nothing(
    tiny: dict[str, Any], tmp_path: Path
) -> None:
    tiny["agreements"][0]["deadline"] = "2027-02-30"
    tiny["family"]["members"][0]["national_id"] = "3201851234"
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(tiny), encoding="utf-8")
    out = tmp_path / "out"
    result = run("render", str(source), "--locale", "da", "--out", str(out))
    assert result.returncode == 2
    assert "$.agreements[0].deadline" in result.stderr
    assert "$.family.members[0].national_id" in result.stderr
    assert "3201851234" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_malformed_json_exits_2_with_line_and_column(tmp_path: Path) -> None:
    source = tmp_path / "plan.json"
    source.write_text('{"country": ', encoding="utf-8")
    result = run("render", str(source), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "line 1, column" in result.stderr


def test_an_unknown_locale_exits_2_and_lists_the_packs(tmp_path: Path) -> None:
    result = run("blank", "--locale", "xx", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "available: da, en, nl, sv" in result.stderr


def test_an_unknown_kind_exits_2_and_lists_the_kinds(tmp_path: Path) -> None:
    result = run("blank", "--locale", "da", "--out", str(tmp_path), "--documents", "flyer,nope")
    assert result.returncode == 2
    assert "'nope'" in result.stderr and "family_plan" in result.stderr


def test_schema_prints_the_json_schema() -> None:
    result = run("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "FamilyPlan"


def test_the_public_api_lists_what_it_exports() -> None:
    import familyplan_docs

    assert sorted(public) == sorted(set(public))
    for name in public:
        assert hasattr(familyplan_docs, name), name


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.parent.name)
def test_documents_from_the_workbook_equal_those_from_the_json(
    sample: Path, tmp_path: Path
) -> None:
    lang = sample.parent.name
    workbook = tmp_path / "plan.xlsx"
    assert main(["workbook", "--locale", lang, "--out", str(workbook), "--from", str(sample)]) == 0
    for source, folder in ((sample, "json"), (workbook, "xlsx")):
        assert main(["render", str(source), "--locale", lang, "--out", str(tmp_path / folder)]) == 0
    for docx in sorted((tmp_path / "json").glob("*.docx")):
        assert docx_text(docx) == docx_text(tmp_path / "xlsx" / docx.name), docx.name


def test_export_writes_the_workbooks_plan_as_json(tmp_path: Path) -> None:
    sample = SAMPLES[0]
    workbook = tmp_path / "plan.xlsx"
    main(
        ["workbook", "--locale", sample.parent.name, "--out", str(workbook), "--from", str(sample)]
    )
    assert main(["export", str(workbook), "--out", str(tmp_path / "plan.json")]) == 0
    assert load_plan(tmp_path / "plan.json") == load_plan(sample)


def test_an_id_number_in_any_message_is_masked_whatever_its_form(
    tiny: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny["family"]["members"][0]["id"] = "9999.93.021"  # a BSN used as a member id …
    tiny["interventions"] = [{"member": "1403861282", "plan": "x"}]  # … and a CPR as a reference
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(tiny), encoding="utf-8")
    assert main(["render", str(source), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "9999.93.021" not in err and "1403861282" not in err
    assert "$.interventions[0].member: no family member has the id '•••'" in err


def test_a_number_of_5000_digits_is_refused_at_its_place(
    tiny: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps(tiny).replace('"minutes": 5', '"minutes": ' + "9" * 5000)
    source = tmp_path / "plan.json"
    source.write_text(text, encoding="utf-8")
    assert main(["render", str(source), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "$.meetings[0].agenda[0].minutes: is a number with 5000 digits, far too large" in err


def test_a_family_language_without_a_pack_renders_in_the_countrys_with_a_note(
    tiny: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny["family"]["preferred_language"] = "ar"
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(tiny), encoding="utf-8")
    assert (
        main(["render", str(source), "--out", str(tmp_path / "out"), "--documents", "flyer"]) == 0
    )
    err = capsys.readouterr().err
    assert "note: $.family.preferred_language: there is no pack for 'ar'" in err
    assert "'da' (da_DK)" in err
    assert (tmp_path / "out" / "flyer.docx").is_file()


def test_two_main_meetings_on_one_date_one_without_a_time_render(
    tiny: dict[str, Any], tmp_path: Path
) -> None:
    second = dict(tiny["meetings"][0], kind="follow_up")
    del second["start_time"], second["end_time"]
    third = dict(tiny["meetings"][0], kind="family_group_conference", start_time="07:00:00Z")
    tiny["meetings"] += [second, third]
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(tiny), encoding="utf-8")
    assert main(["render", str(source), "--out", str(tmp_path / "out")]) == 0
    assert main(["distribute", str(source), "--out", str(tmp_path / "send")]) == 0
