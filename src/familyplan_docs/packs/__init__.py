"""Template packs: finding them, loading them with their ``extends`` chain, and their labels.

Lives here: the built-in packs' location (:mod:`.builtin`), one loaded pack with its manifest
and catalog (:mod:`.pack`), discovery by name, locale or folder (:mod:`.discovery`) with the
packs other Python packages offer (:mod:`.plugins`), the catalog ids of enum labels
(:mod:`.labels`) and the guards every pack file passes before it is used (:mod:`.guards`).

May import: :mod:`familyplan_docs.model` and the foundation modules.
"""
