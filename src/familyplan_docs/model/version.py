"""The version of the plan's JSON contract, in a module that imports nothing.

:class:`~familyplan_docs.model.plan.FamilyPlan` accepts exactly this ``schema_version``;
a document's provenance names it without loading the model.
"""

from __future__ import annotations

from typing import Final, Literal

SCHEMA_VERSION: Final[Literal["1"]] = "1"
"""The plan schema version this release reads and writes."""
