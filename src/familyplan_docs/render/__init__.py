"""Rendering: plan + pack → Word documents, in a sandbox with a budget.

Lives here: the template context (:mod:`.context`, :mod:`.values`, :mod:`.shared`), the
sandboxed Jinja environment (:mod:`.environment`, :mod:`.sandbox`) and its render budget
(:mod:`.budget`), the compiled engine (:mod:`.compiled`), images and plain docxtpl
(:mod:`.plain`, loaded only when a document needs them) and rendering documents into a
folder, all or nothing (:mod:`.documents`).

May import: :mod:`familyplan_docs.packs`, :mod:`familyplan_docs.model`,
:mod:`familyplan_docs.netmap` and the foundation modules. It knows nothing of PDF,
workbooks or sending: callers pass a PDF converter in.
"""
