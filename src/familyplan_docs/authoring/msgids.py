"""Every catalog id the code looks up, gathered from the layers that use them.

A pack's ``messages.po`` must translate each of them; ``check-templates`` and ``new-pack``
use this list. It lives here, above the layers it gathers from, so that no layer imports
another just to list its ids.
"""

from __future__ import annotations

from ..delivery.calendar import MSGIDS as CALENDAR_MSGIDS
from ..delivery.distribute import MSGIDS as DISTRIBUTE_MSGIDS
from ..delivery.pdf.bundle import MSGIDS as BUNDLE_MSGIDS
from ..packs.labels import LABELLED_ENUMS, OTHER_MSGIDS
from ..workbook.layout import MSGIDS as WORKBOOK_MSGIDS

__all__ = ["required_msgids"]


def required_msgids() -> list[str]:
    """Return every msgid the code looks up in a pack's catalog, in a stable order."""
    ids = [f"{prefix}.{v.value}" for prefix, enum in LABELLED_ENUMS.items() for v in enum]
    ids.extend(OTHER_MSGIDS)
    ids.extend(WORKBOOK_MSGIDS)
    ids.extend(CALENDAR_MSGIDS)
    ids.extend(DISTRIBUTE_MSGIDS)
    ids.extend(BUNDLE_MSGIDS)
    return list(dict.fromkeys(ids))
