"""The XMP changes: extension schemas for pdfuaid and provenance, values, the title."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyplan_docs.delivery.pdf.xmp import (
    PDFUAID,
    PROVENANCE_NS,
    PROVENANCE_PROPERTIES,
    XmpError,
    declared_namespaces,
    parse_xmp,
    simple_values,
    title_of,
    update_xmp,
    used_namespaces,
)
from familyplan_docs.render.provenance import PROVENANCE_KEYS
from tests.delivery.pdf.helpers import GOOD_XMP
from tests.helpers import examples

PACKET = f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>{GOOD_XMP}<?xpacket end="w"?>'
VALUES = {
    "libraryVersion": "0.1.0",
    "pack": "da",
    "packVersion": "1.2",
    "templateSha256": "ab" * 32,
    "planSchemaVersion": "1",
}


def test_the_xmp_and_the_docx_name_the_same_provenance() -> None:
    assert tuple(PROVENANCE_PROPERTIES) == PROVENANCE_KEYS
    assert PROVENANCE_NS.startswith("https://familyplan-docs.example/") and PROVENANCE_NS.endswith(
        "/"
    )


def test_pdfuaid_gets_its_extension_schema_and_nothing_is_lost() -> None:
    before = parse_xmp(PACKET.encode("utf-8"))
    assert PDFUAID in used_namespaces(before) - declared_namespaces(before)
    after = parse_xmp(update_xmp(PACKET.encode("utf-8")))
    assert PDFUAID in declared_namespaces(after)
    assert simple_values(after) == simple_values(before)
    assert title_of(after) == "Familiens plan"


def test_provenance_is_written_with_its_schema_and_replaces_earlier_values() -> None:
    once = update_xmp(PACKET.encode("utf-8"), provenance=VALUES)
    twice = update_xmp(once, provenance={**VALUES, "pack": "nl"})
    root = parse_xmp(twice)
    values = simple_values(root)
    assert {k: values[f"{{{PROVENANCE_NS}}}{k}"] for k in VALUES} == {**VALUES, "pack": "nl"}
    assert PROVENANCE_NS in declared_namespaces(root)
    assert twice.count(PROVENANCE_NS.encode()) == once.count(PROVENANCE_NS.encode())
    assert twice.startswith(b"<?xpacket begin=") and twice.endswith(b'<?xpacket end="w"?>')


def test_an_unknown_provenance_key_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown provenance properties: color"):
        update_xmp(PACKET.encode("utf-8"), provenance={"color": "blue"})


def test_a_broken_packet_is_an_xmp_error() -> None:
    with pytest.raises(XmpError):
        update_xmp(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><unclosed>")
    with pytest.raises(XmpError, match="no rdf:RDF"):
        parse_xmp(b"<a/>")


def test_entities_are_not_expanded() -> None:
    hostile = (
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + GOOD_XMP.replace("Familiens plan", "&e;").encode()
    )
    try:
        root = parse_xmp(hostile)
    except XmpError:
        return
    assert "root:" not in title_of(root)


@examples(50)
@given(st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1).filter(str.strip))
def test_every_character_of_a_title_survives(title: str) -> None:
    assert title_of(parse_xmp(update_xmp(PACKET.encode("utf-8"), title=title))) == title.strip()


def test_text_libreoffice_escaped_twice_is_repaired_from_the_info_dictionary() -> None:
    title = 'Aftale & <plan> "nu"'
    twice = GOOD_XMP.replace("Familiens plan", 'Aftale &amp;amp; &amp;lt;plan&amp;gt; "nu"')
    repaired = update_xmp(twice.encode(), info={"/Title": title})
    assert title_of(parse_xmp(repaired)) == title
    # a title that holds an entity as typed ("R&amp;D") comes back as typed
    typed = GOOD_XMP.replace("Familiens plan", "R&amp;amp;amp;D")
    repaired = update_xmp(typed.encode(), info={"/Title": "R&amp;D"})
    assert title_of(parse_xmp(repaired)) == "R&amp;D"
    # a right title is left alone, and so is one the Info dictionary does not explain
    right = GOOD_XMP.replace("Familiens plan", "R&amp;D")
    assert title_of(parse_xmp(update_xmp(right.encode(), info={"/Title": "R&D"}))) == "R&D"
    assert title_of(parse_xmp(update_xmp(twice.encode(), info={"/Title": "Other"}))) == (
        'Aftale &amp; &lt;plan&gt; "nu"'
    )
