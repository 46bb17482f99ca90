"""For pack authors: ``check-templates`` and ``new-pack``.

Lives here: the pack check (:mod:`.check`), reading a Word template the way docxtpl will
(:mod:`.docx_scan`, :mod:`.docx_parts`, :mod:`.tags`), the static walk of its Jinja
syntax tree (:mod:`.tree`, :mod:`.names`) against the shape of the real context
(:mod:`.shapes`), starting a new pack (:mod:`.newpack`) and the list of every catalog id
the code needs (:mod:`.msgids`).

May import: every layer below it (render, workbook, delivery, packs, model, netmap) and
the foundation modules; nothing imports it but the API and the command line.
"""
