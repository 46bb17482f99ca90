"""The plan: the typed data model of one family's holistic plan, and its validation.

Lives here: the pydantic model (:mod:`.plan`, built from :mod:`.parts` and :mod:`.base`), the
closed sets as enums (:mod:`.enums`), personal ID numbers (:mod:`.ids`) and turning JSON or
plain data into a plan with located problems, and the JSON Schema (:mod:`.load`).

May import: the foundation modules (``familyplan_docs._errors``, ``._limits``, ``._text``)
only. Everything else in the package builds on this layer.
"""
