"""The sandboxed Jinja environment that renders within a budget.

:class:`BudgetedEnvironment` is jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment`
with every call, attribute and item access, operator, comparison and loop checked against
the render budget (:mod:`familyplan_docs.render.budget`): what each would cost is predicted
before it runs (:mod:`.predict`), so the budget holds inside one call too, and compiled
templates count what they make. Comparisons are compiled as calls
(:class:`BudgetedCodeGenerator`) so they can be checked like everything else.
"""

from __future__ import annotations

import decimal
import operator
import re
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sized
from types import BuiltinMethodType, CodeType, MethodType
from typing import Any

from jinja2 import Environment, Template, nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError, TemplateError, TemplateRuntimeError
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import SandboxedEnvironment

from .. import _limits
from .budget import (
    NUMBER_RUN,
    RenderLimitError,
    active_budget,
    check_int,
    render_budget,
    safe_lipsum,
    safe_range,
    size_of,
)
from .costs import bounded, deadline, is_large
from .guard import SharedValueChanged, changes_shared
from .predict import (
    after_call,
    bound_method,
    markup_join,
    predict_binop,
    predict_compare,
    prepare_call,
    str_join,
)
from .values import Record


class BudgetedTemplate(Template):
    """A template whose renders run within a render budget (:func:`render_budget`)."""

    @classmethod
    def from_code(
        cls,
        environment: Environment,
        code: CodeType,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> Template:
        """As jinja2's, with ``~`` (text joining) bounded by the budget."""
        namespace: dict[str, Any] = {"environment": environment, "__file__": code.co_filename}
        exec(code, namespace)  # jinja2's own compiled template code, as Template.from_code
        namespace["str_join"] = str_join
        namespace["markup_join"] = markup_join
        template = cls._from_namespace(environment, namespace, globals)
        template._uptodate = uptodate
        return template

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render within the running budget, or within a budget of its own.

        A Python error inside the template (``{{ 1/0 }}``) becomes a
        :class:`jinja2.TemplateRuntimeError` naming it; long numbers in its message are
        left out, so no ID number from the data can show.
        """
        with render_budget():
            try:
                return super().render(*args, **kwargs)
            except RecursionError:
                raise RenderLimitError(
                    "the template calls itself (a macro or recursive loop) too deeply"
                ) from None
            except MemoryError:
                raise RenderLimitError("the template needs more memory than there is") from None
            except TemplateError:
                raise
            except Exception as exc:  # an untrusted template may fail in any way
                message = NUMBER_RUN.sub("…", str(exc))  # never an ID number from the data
                raise TemplateRuntimeError(f"{type(exc).__name__}: {message}") from None


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gteq": operator.ge,
    "lt": operator.lt,
    "lteq": operator.le,
    "in": lambda a, b: operator.contains(b, a),
    "notin": lambda a, b: not operator.contains(b, a),
}


class BudgetedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with comparisons made by :meth:`BudgetedEnvironment.compare`."""

    @optimizeconst
    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        """``a == b`` as ``environment.compare(a, 'eq', b)``.

        A chain (``a < b < c``) passes the later operands as functions, so each is
        evaluated once and only when needed, as in Python.
        """
        if len(node.ops) == 1:
            self.write("environment.compare(")
            self.visit(node.expr, frame)
            self.write(f", {node.ops[0].op!r}, ")
            self.visit(node.ops[0].expr, frame)
            self.write(")")
            return
        self.write("environment.compare_chain(")
        self.visit(node.expr, frame)
        for op in node.ops:
            self.write(f", ({op.op!r}, lambda: ")
            self.visit(op.expr, frame)
            self.write(")")
        self.write(")")


class BudgetedEnvironment(SandboxedEnvironment):
    """jinja2's sandbox, with every render bounded in time, size, loop turns and numbers.

    Every ``{% for %}`` loop counts its turns (the compiler wraps its iterable in
    :meth:`budget_loop`); calls, attribute and item access check the clock; ``*``, ``**``,
    ``+``, ``%``, ``~``, filters and text methods that would make a huge value are refused
    before they run; output is counted as it is joined. All limits are in
    :mod:`familyplan_docs._limits`.
    """

    template_class = BudgetedTemplate
    code_generator_class = BudgetedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = safe_range
        self.globals["lipsum"] = safe_lipsum

    def budget_loop(self, iterable: Any) -> Any:
        """The iterable of a ``{% for %}`` loop, counted against the running budget.

        A generator (``|map``, ``|select`` …) yields at most a list's worth of items, so
        ``loop.length``, which makes a list of it, stays within the list limit.
        """
        budget = active_budget.get()
        if isinstance(iterable, Iterator) and not isinstance(iterable, Sized):
            iterable = bounded(iterable, _limits.RENDER_MAX_ITEMS)
        return iterable if budget is None else budget.loop(iterable)

    def compare(self, left: Any, op: str, right: Any) -> Any:
        """A comparison from a template (``==``, ``<``, ``in`` …), refused when too costly."""
        budget = active_budget.get()
        if budget is not None:
            budget.check_time()
        predict_compare(op, left, right)
        if op in ("in", "notin") and isinstance(right, Iterator) and not isinstance(right, Sized):
            right = bounded(right, _limits.RENDER_MAX_ITEMS)
        return _COMPARE[op](left, right)

    def compare_chain(self, left: Any, *rest: tuple[str, Callable[[], Any]]) -> Any:
        """A chained comparison (``a < b < c``): each operand evaluated once, when needed."""
        result: Any = True
        for op, operand in rest:
            right = operand()
            result = self.compare(left, op, right)
            if not result:
                return result
            left = right
        return result

    def _generate(
        self,
        source: nodes.Template,
        name: str | None,
        filename: str | None,
        defer_init: bool = False,
    ) -> str:
        for loop in source.find_all(nodes.For):
            if not _is_budgeted(loop.iter):
                loop.iter = nodes.Call(
                    nodes.EnvironmentAttribute("budget_loop"),
                    [loop.iter],
                    [],
                    None,
                    None,
                    lineno=loop.iter.lineno,
                )
        return super()._generate(source, name, filename, defer_init)

    def concat(self, pieces: Iterable[str]) -> str:
        """Join rendered output, counting it against the budget piece by piece."""
        budget = active_budget.get()
        if budget is None:
            return "".join(pieces)
        room = budget.max_chars - budget.chars
        out: list[str] = []
        total = 0
        for piece in pieces:
            total += len(piece)
            if total > room:
                budget.produce(total)  # raises
            out.append(piece)
            if not len(out) & 0x3FF:
                budget.check_time()
        budget.produce(total)
        return "".join(out)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Call from a template: check the clock, refuse huge results, count what is made.

        What the call would make and the work it would do are predicted first
        (:func:`.predict.prepare_call`); Python code inside a call on large values runs
        under the render's deadline. A call that would change a list of a shared context
        is not made (:mod:`familyplan_docs.render.shared`).
        """
        budget = active_budget.get()
        if budget is not None:
            budget.check_time()
            if isinstance(obj, LoopContext) and args:  # ``loop(children)`` of a recursive loop
                args = (budget.loop(args[0]), *args[1:])
        if changes_shared(*bound_method(obj), args):  # the caller renders again, unshared
            raise SharedValueChanged(*((budget.seconds, budget.deadline) if budget else ()))
        args, kwargs = prepare_call(obj, args, kwargs)
        if is_large(bound_method(obj)[0], *args, *kwargs.values()):
            with deadline(budget):  # Python code inside the call stops when time is up
                result = super().call(context, obj, *args, **kwargs)
        else:
            result = super().call(context, obj, *args, **kwargs)
        after_call(obj, result)
        return result

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """``*``, ``**``, ``+`` and ``%``, refused when the result would be over a limit."""
        budget = active_budget.get()
        if budget is not None:
            budget.check_time()
        predict_binop(operator, left, right)
        try:
            result = super().call_binop(context, operator, left, right)
        except (OverflowError, decimal.Overflow):
            raise RenderLimitError("the template computes a number too large") from None
        if budget is not None and isinstance(result, str | bytes | list | tuple):
            budget.produce(len(result))
        check_int(result)
        return result

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Attribute access from a template, checking the clock.

        A field of a :class:`Record` (most lookups) is read from the record directly: for
        a public name that is what the sandbox's checks give, and they are skipped.
        """
        budget = active_budget.get()
        if budget is not None:
            budget.check_time()
        if type(obj) is Record and not attribute.startswith("_"):
            value = vars(obj).get(attribute, _MISSING)
            if value is not _MISSING and not isinstance(value, _METHODS):
                return value
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """Item access from a template, checking the clock; a slice counts what it makes."""
        budget = active_budget.get()
        if budget is not None:
            budget.check_time()
        result = super().getitem(obj, argument)
        if budget is not None and isinstance(argument, slice):
            budget.produce(size_of(result))
        return result


_MISSING = object()
_METHODS = (MethodType, BuiltinMethodType)
"""Values the sandbox's ``getattr`` may wrap (``str.format``): never read directly."""


def _is_budgeted(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.EnvironmentAttribute)
        and node.node.name == "budget_loop"
    )


_DECLARATION = re.compile(r"<!(?!--|\[CDATA\[)")
"""A markup declaration (``<!DOCTYPE``, ``<!ENTITY`` …): anything after ``<!`` but a comment."""
_DECLARATION_BYTES = re.compile(rb"<!(?!--|\[CDATA\[)")


def refuse_declarations(xml: str | bytes, part: str) -> None:
    """Refuse a rendered part that holds a document type or entity declaration.

    A template can write raw markup (``|safe``); a ``<!DOCTYPE>`` with entities in a
    document would make every program that opens it expand or fetch them. Raises a
    :class:`jinja2.exceptions.SecurityError` naming the part.
    """
    if isinstance(xml, bytes):
        found = b"<!" in xml and _DECLARATION_BYTES.search(xml) is not None
    else:
        found = "<!" in xml and _DECLARATION.search(xml) is not None
    if found:
        raise SecurityError(
            f"the template writes a markup declaration (<!DOCTYPE …> or <!ENTITY …>) into "
            f"{part}; a document never holds one"
        )
