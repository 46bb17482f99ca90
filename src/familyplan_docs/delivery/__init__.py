"""Getting documents to people: PDF through LibreOffice, calendar invitations, distribution.

Lives here: conversion with LibreOffice (:mod:`.pdf`), the .ics invitation free of personal
data (:mod:`.calendar`), and sending the plan to each recipient the family's consent covers
(:mod:`.consent` decides, :mod:`.distribute` writes).

May import: :mod:`familyplan_docs.render`, :mod:`familyplan_docs.packs`,
:mod:`familyplan_docs.model` and the foundation modules.
"""
