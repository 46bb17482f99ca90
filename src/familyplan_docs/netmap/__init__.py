"""The family's network map: concentric rings in four sectors, drawn as a PNG.

Lives here: the drawing (:mod:`.draw`), the layout of names and fixed labels (:mod:`.layout`,
:mod:`.labels`), fitting text into cells (:mod:`.fit`) and setting text with Pillow
(:mod:`.text`). Knows nothing of plans or packs: it draws what it is given.

May import: :mod:`familyplan_docs.model.enums` and the foundation modules.
"""
