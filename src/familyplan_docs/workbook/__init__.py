"""The Excel input workbook for coordinators: writing it, and reading a filled one back.

Lives here: the workbook's structure (:mod:`.layout`), writing it blank or pre-filled
(:mod:`.write`, :mod:`.rows`), the checks made before an untrusted file is opened
(:mod:`.guards`), reading cells forgivingly but strictly (:mod:`.cells`) and putting rows
together into plan data with located problems (:mod:`.assemble`, :mod:`.read`).

May import: :mod:`familyplan_docs.packs`, :mod:`familyplan_docs.model` and the
foundation modules.
"""
