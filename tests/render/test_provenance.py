"""Every rendered document says what made it: custom properties in docProps/custom.xml."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import docx
import pytest

from familyplan_docs import FamilyPlan, load_pack
from familyplan_docs.model.version import SCHEMA_VERSION
from familyplan_docs.render import documents as documents_module
from familyplan_docs.render.compiled import template as compiled_module
from familyplan_docs.render.documents import render_to
from familyplan_docs.render.provenance import (
    CUSTOM_PART,
    PROPERTY_PREFIX,
    PROVENANCE_KEYS,
    add_provenance_to_zip,
    library_version,
    read_custom_properties,
)
from tests.helpers import TINY, make_pack


def rendered(pack_name: str, kind: str, plan: FamilyPlan | None) -> bytes:
    out = io.BytesIO()
    render_to(plan, load_pack(pack_name), kind, out)
    return out.getvalue()


def properties(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return read_custom_properties(archive.read(CUSTOM_PART))


def test_every_kind_of_every_pack_carries_its_provenance(pack_name: str, kind: str) -> None:
    pack = load_pack(pack_name)
    data = rendered(pack_name, kind, FamilyPlan.model_validate(TINY))
    template = pack.document(kind)
    assert properties(data) == {
        f"{PROPERTY_PREFIX}libraryVersion": library_version(),
        f"{PROPERTY_PREFIX}pack": pack.name,
        f"{PROPERTY_PREFIX}packVersion": pack.manifest.version,
        f"{PROPERTY_PREFIX}templateSha256": hashlib.sha256(template.read_bytes()).hexdigest(),
        f"{PROPERTY_PREFIX}planSchemaVersion": "1",
    }
    document = docx.Document(io.BytesIO(data))  # Word's reader still opens it
    assert document.core_properties.title


def test_the_library_version_is_the_installed_one() -> None:
    import importlib.metadata

    import familyplan_docs

    assert library_version() == familyplan_docs.__version__
    assert library_version() == importlib.metadata.version("familyplan-docs")
    assert FamilyPlan.model_fields["schema_version"].default == SCHEMA_VERSION


def test_both_engines_write_the_same_provenance(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = rendered("da", "flyer", None)
    with monkeypatch.context() as patch:
        patch.setattr(compiled_module, "compiled_template", lambda source, pack: None)
        patch.setattr(documents_module, "compiled_template", lambda source, pack: None)
        plain = rendered("da", "flyer", None)
    assert properties(fast) == properties(plain)


def test_a_templates_own_custom_properties_are_kept(tmp_path: Path) -> None:
    pack_dir = make_pack(tmp_path / "da-own", "da-own")
    source = load_pack("da").document("flyer")
    own = add_provenance_to_zip(source.read_bytes(), {})
    with_own = _with_custom(
        own,
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
        'pid="2" name="Kommune"><vt:lpwstr>Testrup &amp; Co</vt:lpwstr></property>',
    )
    (pack_dir / "flyer.docx").write_bytes(with_own)
    pack = load_pack(str(pack_dir))
    out = io.BytesIO()
    render_to(None, pack, "flyer", out)
    values = properties(out.getvalue())
    assert values["Kommune"] == "Testrup & Co"
    assert values[f"{PROPERTY_PREFIX}pack"] == "da-own"
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.namelist().count(CUSTOM_PART) == 1
        assert archive.read("[Content_Types].xml").count(b"/docProps/custom.xml") == 1


def _with_custom(data: bytes, property_xml: str) -> bytes:
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    custom = f'<Properties xmlns="{ns}" xmlns:vt="{vt}">{property_xml}</Properties>'
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = custom.encode() if info.filename == CUSTOM_PART else source.read(info)
            target.writestr(info, body)
    return out.getvalue()


def test_every_value_keeps_its_characters(tmp_path: Path) -> None:
    data = add_provenance_to_zip(
        _plain_docx(tmp_path), {key: f'<{key}> & "Æ" 🎉' for key in PROVENANCE_KEYS}
    )
    assert properties(data) == {
        PROPERTY_PREFIX + key: f'<{key}> & "Æ" 🎉' for key in PROVENANCE_KEYS
    }


def _plain_docx(tmp_path: Path) -> bytes:
    path = tmp_path / "p.docx"
    docx.Document().save(str(path))
    return path.read_bytes()
