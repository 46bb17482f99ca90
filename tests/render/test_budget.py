"""The render budget holds inside one call: every costly filter, method and comparison is
refused before it runs, and Python code inside a call stops when the time is up.

Each attack is run at full size where that is cheap to refuse, and against lowered limits
where the point is the arithmetic; ordinary templates render exactly as before.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from jinja2.exceptions import SecurityError

from familyplan_docs import _limits, load_pack
from familyplan_docs.render import costs
from familyplan_docs.render.budget import RenderLimitError, render_budget
from familyplan_docs.render.environment import make_environment
from familyplan_docs.render.filters import MAX_PATTERN


def _render(source: str, **context: Any) -> str:
    return make_environment(load_pack("da")).from_string(source).render(**context)


LONG = '{% set s = "\u0100" * 30000000 %}'
"""A text of 30 million characters a template makes (within the 100 million it may make)."""

ATTACKS = {
    "wordwrap-width-1": '{% set s = "a" * 3000000 %}{{ s|wordwrap(1) }}',
    "wordwrap-quadratic": '{% set s = "a" * 500000 %}{{ s|wordwrap(1) }}',
    "wordwrap-wrapstring": '{% set s = "a " * 400000 %}{{ s|wordwrap(2, true, "x" * 1000) }}',
    "split": '{% set s = "ab " * 30000000 %}{{ s.split()|length }}',
    "rsplit-maxsplit": '{% set s = "a," * 3000000 %}{{ s.rsplit(",", 10**9)|length }}',
    "splitlines": '{% set s = "ab\\n" * 30000000 %}{{ s.splitlines()|length }}',
    "list": LONG + "{{ s|list|length }}",
    "batch": LONG + "{{ s|batch(3)|list|length }}",
    "sort": LONG + "{{ s|sort|length }}",
    "join-text": LONG + "{{ s|join(',')|length }}",
    "map-list": LONG + '{{ s|map("upper")|list|length }}',
    "select-loop-length": LONG + "{% for c in s|select %}{{ loop.length }}{% endfor %}",
    "title": '{% set s = "ab " * 30000000 %}{{ s|title|length }}',
    "wordcount": '{% set s = "ab " * 30000000 %}{{ s|wordcount }}',
    "striptags": '{% set s = "<a> " * 20000000 %}{{ s|striptags|length }}',
    "urlize": '{% set s = "a " * 30000000 %}{{ s|urlize|length }}',
    "sum-lists": "{% set rows = [[0] * 1000] * 100000 %}{{ rows|sum(start=[])|length }}",
    "translate": '{% set s = "a" * 1000000 %}{{ s.translate({97: "b" * 3000})|length }}',
    "to-bytes": "{{ (1).to_bytes(2000000000, 'big')|length }}",
    "punycode": (
        "{% set p = [] %}{% for i in range(3000) %}{{ p.append('%c' % (256 + i)) }}"
        "{% endfor %}{{ (p|join).encode('punycode')|length }}"
    ),
    "join-references": '{% set s = "a" * 50000000 %}{{ ([s] * 100)|join|length }}',
    "print-references": '{% set s = "a" * 50000000 %}{{ [s] * 100 }}',
    "tilde-references": '{% set s = "a" * 50000000 %}{{ ([s] * 100) ~ "" }}',
    "format-references": '{% set s = "a" * 50000000 %}{{ "%s" % ([s] * 100,) }}',
    "in-equal-texts": (
        '{% set a = "a" * 1000000 %}{% set b = "a" * 999999 ~ "a" %}'
        "{{ 'x' if a in [b] * 1000000 }}"
    ),
    "equal-lists": (
        '{% set a = "a" * 1000000 %}{% set b = "a" * 999999 ~ "a" %}'
        "{{ 'x' if [a] * 1000000 == [b] * 1000000 }}"
    ),
    "list-count": (
        '{% set a = "a" * 1000000 %}{% set b = "a" * 999999 ~ "a" %}{{ ([b] * 1000000).count(a) }}'
    ),
    "sort-equal-texts": (
        '{% set a = "a" * 1000000 %}{% set b = "a" * 999999 ~ "a" %}'
        "{{ ([a, b] * 500000)|sort|length }}"
    ),
    "extend": '{% set l = [] %}{{ l.extend("\u0100" * 30000000) }}{{ l|length }}',
    "update-generator": LONG + "{% set d = {} %}{{ d.update(s|batch(2)) }}{{ d|length }}",
    "dict-fromkeys": LONG + "{{ dict.fromkeys(s|map('upper'))|length }}",
    "date-pattern": '{{ none|date("y" * 1000000) }}',
}


@pytest.mark.parametrize("source", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_costly_call_is_refused_before_it_runs(source: str) -> None:
    with pytest.raises(SecurityError):  # RenderLimitError is one
        _render(source)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ 'a b  c'.split() }}|{{ 'a,b,c'.split(',', 1) }}|{{ 'a b c'.rsplit(None, 1) }}",
         "['a', 'b', 'c']|['a', 'b,c']|['a b', 'c']"),
        ("{{ 'x\\ny'.splitlines() }}|{{ 'abc'|list }}|{{ 'cab'|sort|join }}",
         "['x', 'y']|['a', 'b', 'c']|abc"),
        ("{{ [[1], [2, 3]]|sum(start=[]) }}|{{ ((1,), (2,))|sum(start=()) }}|{{ [1, 2]|sum }}",
         "[1, 2, 3]|(1, 2)|3"),
        ("{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 'a' in ['a'] }} {{ 'b' not in 'abc' }}",
         "True False True False"),
        ("{{ 'hello world'|wordwrap(5) }}", "hello\nworld"),
        ("{{ 'æ'.encode('punycode') }}|{{ 'ab'.translate({97: 'xy'}) }}", "b'6ca'|xyb"),
        ("{% for c in 'ab'|map('upper') %}{{ loop.length }}{{ c }}{% endfor %}", "2A2B"),
        ("{{ {}.fromkeys('ab')|list }}|{{ [3, 1, 2]|sort }}|{{ [1, 2].count(1) }}",
         "['a', 'b']|[1, 2, 3]|1"),
    ],
)  # fmt: skip
def test_ordinary_calls_give_what_they_always_gave(source: str, expected: str) -> None:
    assert _render(source).replace("&#39;", "'") == expected


def test_a_chained_comparison_evaluates_each_operand_once() -> None:
    calls: list[int] = []

    def seen(n: int) -> int:
        calls.append(n)
        return n

    assert _render("{{ 'yes' if f(1) < f(2) < f(3) else 'no' }}", f=seen) == "yes"
    assert calls == [1, 2, 3]
    calls.clear()
    assert _render("{{ 'yes' if f(2) < f(1) < f(3) else 'no' }}", f=seen) == "no"
    assert calls == [2, 1]  # stops at the first comparison that fails, as Python does


def test_a_long_date_pattern_is_refused() -> None:
    with pytest.raises(RenderLimitError, match=f"larger than the limit of {MAX_PATTERN}"):
        _render('{{ d|date("y" * 201) }}', d=None)


@pytest.mark.parametrize(
    ("limit", "value", "source"),
    [
        ("RENDER_MAX_ITEMS", 100, "{{ ('a ' * 101).split()|length }}"),
        ("RENDER_MAX_ITEMS", 100, "{{ ('x' * 101)|list|length }}"),
        ("RENDER_MAX_ITEMS", 100, "{{ range(200)|map('string')|list|length }}"),
        ("RENDER_MAX_ITEMS", 100, "{% set l = [] %}{{ l.extend(range(101)) }}"),
        ("RENDER_MAX_CHARS", 1000, "{{ ['x' * 600] * 2 }}"),
        ("RENDER_MAX_CHARS", 1000, "{{ 'ab'.translate({97: 'x' * 600}) }}"),
        ("RENDER_MAX_CALL_WORK", 10_000, "{{ ('a' * 200)|wordwrap(1) }}"),
        ("RENDER_MAX_CALL_WORK", 10_000, "{{ 'x' * 100 in ['x' * 99 ~ 'x'] * 200 }}"),
    ],
)
def test_each_in_call_limit_is_the_one_of_the_limits_module(
    monkeypatch: pytest.MonkeyPatch, limit: str, value: int, source: str
) -> None:
    monkeypatch.setattr(_limits, limit, value)
    with pytest.raises(RenderLimitError):
        _render(source)


def test_python_code_inside_one_call_stops_when_the_time_is_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A call predicted cheap enough that still runs long is stopped inside, at the deadline."""
    monkeypatch.setattr(_limits, "RENDER_MAX_CALL_WORK", 10**15)  # let wordwrap run
    monkeypatch.setattr(_limits, "RENDER_SECONDS", 0.5)
    started = time.monotonic()
    with pytest.raises(RenderLimitError, match=r"longer than 0\.5 seconds"):
        _render('{% set s = "a" * 400000 %}{{ s|wordwrap(1)|length }}')
    assert time.monotonic() - started < 10


def test_the_deadline_trace_is_removed_after_the_call() -> None:
    import sys

    before = sys.gettrace()
    with render_budget() as budget, costs.deadline(budget):
        pass
    assert sys.gettrace() is before


def test_text_size_counts_without_writing_out() -> None:
    big = "a" * 1000
    assert costs.text_size(big, 10**9) == 1000
    assert costs.text_size([big] * 1000, 10_000) > 10_000  # stops early, does not write
    looped: list[Any] = []
    looped.append(looped)
    assert costs.text_size(looped, 10**9) < 100
