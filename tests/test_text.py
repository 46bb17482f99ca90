"""Text helpers: folding for matching, and the one safe way to fill a pack's text."""

from __future__ import annotations

import pytest

from familyplan_docs._text import fill, norm, placeholders


def test_named_placeholders_are_filled() -> None:
    assert fill("{family}: {count} people", {"family": "Familien Æbelø", "count": 3}) == (
        "Familien Æbelø: 3 people"
    )


@pytest.mark.parametrize(
    "template",
    [
        "{familie}",  # a typo in a translation
        "{family.__class__.__init__.__globals__}",  # attribute access
        "{count:>900000000}",  # a format spec that would eat memory
        "{0}",  # a positional field
        "{family[0]}",  # an index
        "{",  # a lone brace
        "}{",
    ],
)
def test_anything_but_a_known_plain_name_stays_as_written(template: str) -> None:
    assert fill(template, {"family": "x", "count": 1}) == template


def test_a_value_is_never_filled_again() -> None:
    assert fill("{a}", {"a": "{b}", "b": "no"}) == "{b}"


def test_placeholders_lists_the_plain_names() -> None:
    assert placeholders("{family} {count:>3} {a.b} {x}") == {"family", "x"}


def test_norm_folds_case_and_white_space() -> None:
    assert norm("  Afd.  for\tBørn ") == norm("afd. for børn")
