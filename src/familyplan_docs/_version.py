"""The release of familyplan-docs: the one place its version number is written.

``pyproject.toml`` reads it from here when the package is built (hatch's ``[tool.hatch.version]``),
so the installed metadata, ``familyplan_docs.__version__`` and the provenance every document
carries agree, and no process reads the installed packages' metadata to learn it.
"""

from __future__ import annotations

__version__ = "0.1.0"
