"""Limits: documented in one module, used where they are enforced, and a clear error past them."""

from __future__ import annotations

import ast
import copy
import importlib
import io
import itertools
import json
import pkgutil
import re
import threading
import time
import typing
import zipfile
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from jinja2 import TemplateRuntimeError
from pydantic import BaseModel

from familyplan_docs import (
    InputError,
    PackError,
    TemplateRenderError,
    _limits,
    load_pack,
    load_plan,
    plan_from_json,
    render,
)
from familyplan_docs import model as model_package
from familyplan_docs.model import load as _load
from familyplan_docs.model import plan as _model
from familyplan_docs.packs import guards
from familyplan_docs.packs.discovery import discover
from familyplan_docs.render.budget import RenderLimitError, render_budget
from familyplan_docs.render.documents import render_to
from familyplan_docs.render.environment import make_environment
from familyplan_docs.workbook import guards as _workbook_check
from tests.helpers import ROOT, docx_text, make_docx, make_pack

LIMITS_SOURCE = Path(_limits.__file__).read_text(encoding="utf-8")


def constants() -> list[str]:
    return [name for name in _limits.__all__ if name.isupper()]


# -- one module, documented, used where enforced -----------------------------------------------


def test_every_limit_is_a_documented_positive_number() -> None:
    tree = ast.parse(LIMITS_SOURCE)
    documented = set()
    body = tree.body
    for node, after in itertools.pairwise(body):
        docstring = isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
        if isinstance(node, ast.Assign) and docstring:
            documented |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    missing = []
    for name in constants():
        value = getattr(_limits, name)
        assert isinstance(value, int | float) and value > 0, name
        if not name.startswith("WORKBOOK_") and name not in documented:
            missing.append(name)
        assert name in (_limits.__doc__ or ""), f"{name} is not in the module's table"
    assert not missing, f"limits without a docstring: {missing}"


def test_the_workbook_limits_are_the_ones_the_reader_enforces() -> None:
    for name in ("MAX_FILE_BYTES", "MAX_UNCOMPRESSED_BYTES", "MAX_ZIP_ENTRIES"):
        assert getattr(_limits, f"WORKBOOK_{name}") == getattr(_workbook_check, name)
    for name in ("MAX_ROWS", "MAX_COLUMNS", "MAX_CELLS"):
        assert getattr(_limits, f"WORKBOOK_{name}") == getattr(_workbook_check, name)


def _model_modules() -> list[Any]:
    return [
        importlib.import_module(f"{model_package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(model_package.__path__)
    ]


def test_the_json_and_text_limits_are_the_ones_the_loader_and_model_use() -> None:
    assert _model.MAX_TEXT is _limits.MAX_TEXT
    for module in _model_modules():
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        assert not re.search(r"^_?MAX_\w+ = ", source, re.M), module.__name__
    assert "_limits.MAX_JSON_BYTES" in Path(str(_load.__file__)).read_text(encoding="utf-8")


def _models() -> list[type[BaseModel]]:
    return [
        obj
        for module in _model_modules()
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, BaseModel)
        and obj.__module__ == module.__name__
    ]


def _max_length(metadata: list[Any]) -> int | None:
    return next((m.max_length for m in metadata if hasattr(m, "max_length")), None)


def test_every_list_and_text_of_the_model_is_bounded() -> None:
    unbounded = []
    for model in _models():
        for name, field in model.model_fields.items():
            annotation = field.annotation
            lists = [annotation, *get_args(annotation)]  # list[X] and list[X] | None
            is_list = any(get_origin(a) is list for a in lists)
            if is_list and _max_length(field.metadata) != _limits.MAX_ITEMS:
                unbounded.append(f"{model.__name__}.{name}")
    assert not unbounded, f"lists without max_length=MAX_ITEMS: {unbounded}"
    schema = json.dumps(_model.FamilyPlan.model_json_schema())
    assert f'"maxItems": {_limits.MAX_ITEMS}' in schema
    assert f'"maxLength": {_limits.MAX_TEXT}' in schema
    assert f'"maxLength": {_limits.MAX_NAME}' in schema


README_SECTION = "## Limits and bad characters"


def test_the_readme_states_every_limit() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert README_SECTION in readme, "the README needs its section on limits"
    section = readme.split(README_SECTION, 1)[1].split("\n## ", 1)[0]
    expected = {
        "MAX_JSON_BYTES": "20 MiB",
        "MAX_TEXT": "20,000",
        "MAX_NAME": "200",
        "MAX_ITEMS": "5,000",
        "MAX_NUMBER_DIGITS": "1,000 digits",
        "WORKBOOK_MAX_FILE_BYTES": "20 MiB",
        "WORKBOOK_MAX_UNCOMPRESSED_BYTES": "200 MiB",
        "WORKBOOK_MAX_ZIP_ENTRIES": "2,000",
        "WORKBOOK_MAX_ROWS": "10,000",
        "WORKBOOK_MAX_COLUMNS": "64",
        "WORKBOOK_MAX_CELLS": "1,000,000",
        "MAX_TEMPLATE_BYTES": "25 MiB",
        "MAX_TEMPLATE_UNPACKED_BYTES": "100 MiB",
        "MAX_TEMPLATE_PARTS": "1,000",
        "MAX_TEMPLATE_XML_BYTES": "20 MiB",
        "MAX_TEMPLATE_PART_BYTES": "25 MiB",
        "MAX_PACK_BYTES": "200 MiB",
        "MAX_PACK_FILES": "1,000",
        "MAX_MANIFEST_BYTES": "256 KiB",
        "MAX_CATALOG_BYTES": "1 MiB",
        "MAX_EXTENDS_DEPTH": "16",
        "MAX_LOGO_BYTES": "2 MiB",
        "RENDER_SECONDS": "60 s",
        "RENDER_MAX_CHARS": "100,000,000",
        "RENDER_MAX_ITERATIONS": "10,000,000",
        "RENDER_MAX_ITEMS": "1,000,000",
        "RENDER_MAX_INT_BITS": "10,000",
        "RENDER_MAX_RANGE": "100,000",
        "SERVICE_HEADER_SECONDS": "10 s",
        "SERVICE_READ_SECONDS": "30 s",
        "SERVICE_RENDER_SECONDS": "60 s",
        "SERVICE_PDF_SECONDS": "120 s",
        "SERVICE_REQUEST_SECONDS": "300 s",
        "SERVICE_QUEUE_PER_WORKER": "4",
        "SERVICE_QUEUE_SECONDS": "30 s",
        "SERVICE_CONNECTIONS": "1,000",
        "SERVICE_SHUTDOWN_SECONDS": "10 s",
        "RENDER_MAX_CALL_WORK": "20,000,000,000",
        "CACHE_MAX_BYTES": "256 MiB",
        "CACHE_MAX_ENTRY_BYTES": "32 MiB",
    }
    assert set(expected) == set(constants())
    for name, shown in expected.items():
        value = getattr(_limits, name)
        unit = {"MiB": 2**20, "KiB": 2**10}.get(shown.split()[-1], 1)
        number = value / unit
        assert float(shown.split()[0].replace(",", "")) == number, name
        assert shown in section, f"the README does not state {name} ({shown})"
    for word in ("U+0000", "U+FFFE", "carriage return", "refused", "stripped"):
        assert word in section


# -- the plan ------------------------------------------------------------------------------------


def test_a_text_one_character_too_long_names_the_field(tiny: dict[str, Any]) -> None:
    tiny["family"]["statement"] = "x" * _limits.MAX_TEXT
    plan_from_json(json.dumps(tiny))
    tiny["family"]["statement"] = "x" * (_limits.MAX_TEXT + 1)
    with pytest.raises(InputError) as caught:
        plan_from_json(json.dumps(tiny))
    (problem,) = caught.value.problems
    assert problem.place == "$.family.statement"
    assert f"at most {_limits.MAX_TEXT} characters" in problem.message


def test_a_name_one_character_too_long_names_the_field(tiny: dict[str, Any]) -> None:
    tiny["network"][0]["name"] = "n" * (_limits.MAX_NAME + 1)
    with pytest.raises(InputError) as caught:
        plan_from_json(json.dumps(tiny))
    assert [p.place for p in caught.value.problems] == ["$.network[0].name"]


@pytest.mark.parametrize(
    ("path", "item"),
    [
        (("agreements",), {"content": "x", "responsible": "y"}),
        (("network",), None),
        (("meetings", 0, "agenda"), {"title": "t"}),
        (("organization", "opening_hours"), "9-14"),
    ],
    ids=["agreements", "network", "agenda", "opening-hours"],
)
def test_a_list_over_the_limit_is_one_quick_problem(
    tiny: dict[str, Any], path: tuple[Any, ...], item: Any
) -> None:
    target = tiny
    for part in path[:-1]:
        target = target[part]
    if item is None:  # network members need distinct ids
        items = [
            {"id": f"n{i}", "name": "N", "group": "personal", "sector": "family"}
            for i in range(_limits.MAX_ITEMS * 20)
        ]
    else:
        items = [copy.deepcopy(item) for _ in range(_limits.MAX_ITEMS * 20)]
    target[path[-1]] = items
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        plan_from_json(json.dumps(tiny))
    assert time.monotonic() - started < 10
    (problem,) = caught.value.problems
    assert problem.place == "$." + ".".join(
        f"[{p}]" if isinstance(p, int) else str(p) for p in path
    ).replace(".[", "[")
    assert f"at most {_limits.MAX_ITEMS} items" in problem.message


def test_the_benchmark_sizes_are_well_within_the_list_limit(tiny: dict[str, Any]) -> None:
    tiny["agreements"] = [{"content": f"a{i}", "responsible": "x"} for i in range(1_000)]
    tiny["network"] = [
        {"id": f"n{i}", "name": "N", "group": "personal", "sector": "family"} for i in range(500)
    ]
    plan = plan_from_json(json.dumps(tiny))
    assert len(plan.agreements) == 1_000 and len(plan.network) == 500


def test_json_over_the_size_limit_is_refused_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_limits, "MAX_JSON_BYTES", 1_000)
    path = tmp_path / "plan.json"
    path.write_text("{" * 2_000, encoding="utf-8")  # would be a JSON error if it were parsed
    for call in (lambda: load_plan(path), lambda: plan_from_json(path.read_bytes())):
        with pytest.raises(InputError) as caught:
            call()
        (problem,) = caught.value.problems
        assert "larger than" in problem.message


# -- template documents and packs -------------------------------------------------------------


def _pack_with_flyer(tmp_path: Path, *paragraphs: str) -> Path:
    folder = make_pack(tmp_path / "org", "org")
    make_docx(folder / "flyer.docx", *paragraphs)
    return folder


def _rewrite(docx: Path, change: typing.Callable[[str, bytes], bytes | None]) -> None:
    with zipfile.ZipFile(docx) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            new = change(info.filename, data)
            if new is not None:
                target.writestr(info, new)


def test_every_discovered_pack_passes_the_template_checks() -> None:
    for name, folder in discover().items():
        pack = load_pack(name)
        guards.check_pack_folder(folder)
        for kind in pack.kinds():
            guards.check_template_file(pack.document(kind))


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("MAX_TEMPLATE_BYTES", 1_000, "larger than"),
        ("MAX_TEMPLATE_PARTS", 3, "more than 3 parts"),
        ("MAX_TEMPLATE_UNPACKED_BYTES", 10_000, "unpacks to more than"),
        ("MAX_TEMPLATE_XML_BYTES", 1_000, "is larger than"),
        ("MAX_PACK_BYTES", 1_000, "pack folder holds more than"),
        ("MAX_PACK_FILES", 1, "more than 1 files"),
    ],
)
def test_a_template_over_a_limit_is_refused_by_pack_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str, value: int, message: str
) -> None:
    folder = _pack_with_flyer(tmp_path, "Hello {{ family.name }}")
    monkeypatch.setattr(_limits, limit, value)
    pack = load_pack(folder)
    with pytest.raises(PackError, match=re.escape(message)):
        pack.document("flyer")
    with pytest.raises(PackError):
        render_to(None, pack, "flyer", io.BytesIO())


def test_a_checked_template_is_not_read_again_until_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _pack_with_flyer(tmp_path, "Hello")
    reads: list[Path] = []
    original = guards.read_template
    monkeypatch.setattr(
        guards, "read_template", lambda path: (reads.append(path), original(path))[1]
    )
    pack = load_pack(folder)
    for _ in range(3):
        pack.document("flyer")
    assert len(reads) == 1
    make_docx(folder / "flyer.docx", "Hello again, a longer text")
    pack.document("flyer")
    assert len(reads) == 2


@pytest.mark.parametrize(
    ("part", "encoding"),
    [
        ("word/document.xml", "utf-8"),
        ("word/styles.xml", "utf-8"),
        ("word/_rels/document.xml.rels", "utf-8"),
        ("[Content_Types].xml", "utf-8"),
        ("word/document.xml", "utf-16"),
    ],
)
def test_a_doctype_in_any_xml_part_of_a_template_is_refused(
    tmp_path: Path, part: str, encoding: str
) -> None:
    folder = _pack_with_flyer(tmp_path, "Hello")

    def add_doctype(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        text = data.decode("utf-8")
        head, rest = text.split("?>", 1)
        head = head.replace("UTF-8", encoding.upper())
        return (head + '?><!DOCTYPE x [<!ENTITY a "b">]>' + rest).encode(encoding)

    _rewrite(folder / "flyer.docx", add_doctype)
    with pytest.raises(PackError, match=r"declares a document type \(<!DOCTYPE>\)"):
        load_pack(folder).document("flyer")


def test_an_xml_part_in_an_encoding_that_could_hide_a_doctype_is_refused(tmp_path: Path) -> None:
    folder = _pack_with_flyer(tmp_path, "Hello")

    def utf7(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        return data.replace(b"encoding='UTF-8'", b"encoding='UTF-7'").replace(
            b'encoding="UTF-8"', b'encoding="UTF-7"'
        )

    _rewrite(folder / "flyer.docx", utf7)
    with pytest.raises(PackError, match="encoding UTF-7"):
        load_pack(folder).document("flyer")


def test_an_xml_part_disguised_as_an_image_is_still_checked(tmp_path: Path) -> None:
    folder = _pack_with_flyer(tmp_path, "Hello")

    def disguise(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(
                b"</Types>",
                b'<Override PartName="/word/evil.png" ContentType="application/xml"/></Types>',
            )
        return data

    _rewrite(folder / "flyer.docx", disguise)
    with zipfile.ZipFile(folder / "flyer.docx", "a") as archive:
        archive.writestr(
            "word/evil.png", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a/>'
        )
    with pytest.raises(PackError, match=r"evil\.png declares a document type"):
        load_pack(folder).document("flyer")


def test_a_damaged_template_is_a_pack_error(tmp_path: Path) -> None:
    folder = make_pack(tmp_path / "org", "org")
    (folder / "flyer.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(PackError, match="not a Word document"):
        load_pack(folder).document("flyer")


# -- the render budget -----------------------------------------------------------------------


def _render(source: str, **context: Any) -> str:
    env = make_environment(load_pack("da"))
    return env.from_string(source).render(**context)


def test_ordinary_templates_render_as_before() -> None:
    out = _render(
        "{% for x in items if x %}{{ loop.index }}/{{ loop.length }}:{{ x ~ '&' }};{% endfor %}"
        "{{ [1, 2]|join(',') }}|{{ 'a'|center(5) }}|{{ '%s-%s' % ('a', 'b') }}|{{ 2 ** 8 }}"
        "|{{ range(3)|list|length }}|{{ '<b>' }}|{{ 'ab' * 2 }}|{{ items|length + 1 }}",
        items=["a", "", "b"],
    )
    assert out == "1/2:a&amp;;2/2:b&amp;;1,2|  a  |a-b|256|3|&lt;b&gt;|abab|4"
    big_numbers = "{{ '%d' % 123456789012 }} {{ '{:,}'.format(12345678901234) }}"
    assert _render(big_numbers) == "123456789012 12,345,678,901,234"
    assert _render("{{ (10 ** 300)|string|length }}") == "301"
    tree = [{"name": "a", "children": [{"name": "b", "children": []}]}]
    recursive = "{% for n in tree recursive %}{{ n.name }}({{ loop(n.children) }}){% endfor %}"
    assert _render(recursive, tree=tree) == "a(b())"


def test_filters_keep_their_names_for_the_template_checker() -> None:
    env = make_environment(load_pack("da"))
    for name in ("date", "time", "number", "label", "text", "joined", "join", "center", "map"):
        assert name in env.filters
    assert {"range", "lipsum", "dict", "cycler", "joiner", "namespace"} <= set(env.globals)


@pytest.mark.parametrize(
    ("limit", "value", "source"),
    [
        ("RENDER_MAX_ITERATIONS", 1_000, "{% for i in range(2000) %}{% endfor %}"),
        ("RENDER_MAX_CHARS", 1_000, "{% for i in range(2000) %}x{% endfor %}"),
        ("RENDER_MAX_CHARS", 1_000, "{{ 'x' * 2000 }}"),
        ("RENDER_MAX_ITEMS", 1_000, "{{ [1] * 2000 }}"),
        ("RENDER_MAX_INT_BITS", 64, "{{ 2 ** 100 }}"),
        ("RENDER_MAX_RANGE", 10, "{{ range(11)|list }}"),
    ],
)
def test_each_render_limit_stops_a_template(
    monkeypatch: pytest.MonkeyPatch, limit: str, value: int, source: str
) -> None:
    monkeypatch.setattr(_limits, limit, value)
    with pytest.raises(RenderLimitError):
        _render(source)


def test_the_time_limit_stops_a_slow_template(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_limits, "RENDER_SECONDS", 0.5)
    monkeypatch.setattr(_limits, "RENDER_MAX_ITERATIONS", 10**12)
    slow = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    started = time.monotonic()
    with pytest.raises(RenderLimitError, match=r"longer than 0\.5 seconds"):
        _render(slow)
    assert time.monotonic() - started < 5


def test_the_budget_is_per_render_not_per_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_limits, "RENDER_MAX_ITERATIONS", 1_000)
    env = make_environment(load_pack("da"))
    template = env.from_string("{% for i in range(600) %}{% endfor %}ok")
    for _ in range(5):  # 3,000 turns in all, 600 per render
        assert template.render() == "ok"
    with render_budget() as budget, pytest.raises(RenderLimitError):
        for _ in range(2):  # one budget for both: 1,200 turns
            template.render()
    assert budget.iterations > 1_000
    with render_budget() as outer, render_budget() as inner:
        assert inner is outer


def test_budgets_of_renders_in_threads_are_separate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_limits, "RENDER_MAX_ITERATIONS", 1_000)
    template = make_environment(load_pack("da")).from_string(
        "{% for i in range(900) %}{% endfor %}"
    )
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                template.render()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_a_render_limit_is_a_template_render_error_naming_the_document(
    tmp_path: Path, tiny: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_limits, "RENDER_MAX_ITERATIONS", 100)
    folder = _pack_with_flyer(tmp_path, "{% for m in range(1000) %}{{ m }}{% endfor %}")
    plan = plan_from_json(json.dumps(tiny))
    with pytest.raises(TemplateRenderError, match=r"flyer\.docx.*loops turn more than 100 times"):
        render_to(plan, load_pack(folder), "flyer", io.BytesIO())


def test_a_python_error_in_a_template_is_a_template_error_without_id_numbers() -> None:
    with pytest.raises(TemplateRuntimeError, match="ZeroDivisionError"):
        _render("{{ 1 / 0 }}")
    with pytest.raises(TemplateRuntimeError) as caught:
        _render("{{ ('{' ~ cpr ~ '}').format() }}", cpr="140386-1282")  # KeyError: '1403…'
    assert "KeyError" in str(caught.value)
    assert "1282" not in str(caught.value) and "140386" not in str(caught.value)


# --- a limit refuses, it never cuts ------------------------------------------------------------


def _joiner_pack(folder: Path, body: str) -> Path:
    pack = make_pack(folder / "joiner", "joiner")
    make_docx(pack / "family_plan.docx", body)
    return pack


def _long_agreements(tiny: dict[str, Any], count: int) -> Any:
    tiny["agreements"] = [
        {"content": f"<{i:04d}>" + "x" * 19_990, "responsible": "Anna"} for i in range(count)
    ]
    return plan_from_json(json.dumps(tiny))


def test_a_document_over_ten_million_characters_keeps_every_agreement(
    tiny: dict[str, Any], tmp_path: Path
) -> None:
    """libxml2 stops a text at 10,000,000 characters; the render reads past that."""
    pack = _joiner_pack(tmp_path, "{% for a in agreements %}{{ a.content }}|{% endfor %}")
    plan = _long_agreements(tiny, 600)  # 12,000,000 characters in one paragraph
    render(plan, tmp_path / "out", locale=str(pack), kinds=["family_plan"])
    text = docx_text(tmp_path / "out" / "family_plan.docx")
    assert [f"<{i:04d}>" in text for i in range(600)] == [True] * 600


def test_a_document_over_the_output_limit_is_refused_with_the_limit_named(
    tiny: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_limits, "RENDER_MAX_CHARS", 5_000_000)
    pack = _joiner_pack(tmp_path, "{% for a in agreements %}{{ a.content }}|{% endfor %}")
    plan = _long_agreements(tiny, 600)
    out = tmp_path / "out"
    with pytest.raises(TemplateRenderError, match="more than 5,000,000 characters"):
        render(plan, out, locale=str(pack), kinds=["family_plan"])
    assert not out.exists()


def test_the_range_limit_is_jinjas_own() -> None:
    from jinja2.sandbox import MAX_RANGE

    assert MAX_RANGE == _limits.RENDER_MAX_RANGE
