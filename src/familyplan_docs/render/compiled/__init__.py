"""The compiled engine: a .docx template patched and compiled once, rendered many times.

Lives here: compiling a template (:mod:`.template`), the XML of its parts (:mod:`.xml`),
its images (:mod:`.media`), its zip package (:mod:`.package`) and rendering a compiled
template into a document (:mod:`.output`). The output is the document docxtpl makes.

May import: the rest of :mod:`familyplan_docs.render` (environment, budget), the packs
and the foundation modules.
"""
