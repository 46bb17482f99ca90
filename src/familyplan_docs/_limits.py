"""The numbers of every limit that protects the program from hostile or runaway input.

Going over a limit gives a clear error (:class:`InputError` for a plan,
:class:`PackError` for a template pack, :class:`TemplateRenderError` for a render),
never a hang or a memory blow-up. The README's section "Limits and bad characters"
lists the same numbers.

=============================  ==================================================
input                          limit
=============================  ==================================================
JSON plan                      :data:`MAX_JSON_BYTES`, numbers of
                               :data:`MAX_NUMBER_DIGITS` digits
one free-text field            :data:`MAX_TEXT` characters (names: :data:`MAX_NAME`)
every list in the plan         :data:`MAX_ITEMS` entries
workbook (.xlsx)               :data:`WORKBOOK_MAX_FILE_BYTES`, unpacked
                               :data:`WORKBOOK_MAX_UNCOMPRESSED_BYTES`, parts
                               :data:`WORKBOOK_MAX_ZIP_ENTRIES`, rows per sheet
                               :data:`WORKBOOK_MAX_ROWS`, columns
                               :data:`WORKBOOK_MAX_COLUMNS`, filled cells
                               :data:`WORKBOOK_MAX_CELLS`
template document (.docx)      :data:`MAX_TEMPLATE_BYTES`, unpacked
                               :data:`MAX_TEMPLATE_UNPACKED_BYTES`, parts
                               :data:`MAX_TEMPLATE_PARTS`, one XML part
                               :data:`MAX_TEMPLATE_XML_BYTES`, any other part
                               :data:`MAX_TEMPLATE_PART_BYTES`, no ``<!DOCTYPE``
template pack folder           :data:`MAX_PACK_BYTES` in :data:`MAX_PACK_FILES` files;
                               ``pack.toml`` :data:`MAX_MANIFEST_BYTES`,
                               ``messages.po`` :data:`MAX_CATALOG_BYTES`, ``extends``
                               chains :data:`MAX_EXTENDS_DEPTH` packs deep
a pack's logo (logo.png)       :data:`MAX_LOGO_BYTES`, a PNG image
one document's render          :data:`RENDER_SECONDS`, :data:`RENDER_MAX_CHARS`
                               characters made, :data:`RENDER_MAX_ITERATIONS` loop
                               turns, :data:`RENDER_MAX_ITEMS` list entries,
                               :data:`RENDER_MAX_INT_BITS`-bit numbers, ``range()``
                               up to :data:`RENDER_MAX_RANGE`, one call's work
                               :data:`RENDER_MAX_CALL_WORK`
one request to the service     body as for its input (plan or workbook), headers
                               in :data:`SERVICE_HEADER_SECONDS`, body in
                               :data:`SERVICE_READ_SECONDS`, every render of it in
                               :data:`SERVICE_RENDER_SECONDS`, PDF in
                               :data:`SERVICE_PDF_SECONDS`, all of it in
                               :data:`SERVICE_REQUEST_SECONDS`; at most
                               :data:`SERVICE_QUEUE_PER_WORKER` waiting per worker,
                               each for :data:`SERVICE_QUEUE_SECONDS`;
                               :data:`SERVICE_CONNECTIONS` connections; on SIGTERM
                               :data:`SERVICE_SHUTDOWN_SECONDS` to finish
persistent cache folder        :data:`CACHE_MAX_BYTES`, one entry
                               :data:`CACHE_MAX_ENTRY_BYTES`
=============================  ==================================================

Only the numbers live here; each is enforced where its input is read: the plan by
:mod:`familyplan_docs.model`, workbooks by :mod:`familyplan_docs.workbook.guards` and
:mod:`familyplan_docs.workbook.read`, template files and pack folders by
:mod:`familyplan_docs.packs.guards`, renders by :mod:`familyplan_docs.render.budget`,
which reads them from this module when a render starts (so tests may lower them with
``monkeypatch``). This module imports nothing of the package.
"""

from __future__ import annotations

__all__ = [
    "CACHE_MAX_BYTES",
    "CACHE_MAX_ENTRY_BYTES",
    "MAX_CATALOG_BYTES",
    "MAX_EXTENDS_DEPTH",
    "MAX_ITEMS",
    "MAX_JSON_BYTES",
    "MAX_LOGO_BYTES",
    "MAX_MANIFEST_BYTES",
    "MAX_NAME",
    "MAX_NUMBER_DIGITS",
    "MAX_PACK_BYTES",
    "MAX_PACK_FILES",
    "MAX_TEMPLATE_BYTES",
    "MAX_TEMPLATE_PARTS",
    "MAX_TEMPLATE_PART_BYTES",
    "MAX_TEMPLATE_UNPACKED_BYTES",
    "MAX_TEMPLATE_XML_BYTES",
    "MAX_TEXT",
    "RENDER_MAX_CALL_WORK",
    "RENDER_MAX_CHARS",
    "RENDER_MAX_INT_BITS",
    "RENDER_MAX_ITEMS",
    "RENDER_MAX_ITERATIONS",
    "RENDER_MAX_RANGE",
    "RENDER_SECONDS",
    "SERVICE_CONNECTIONS",
    "SERVICE_HEADER_SECONDS",
    "SERVICE_PDF_SECONDS",
    "SERVICE_QUEUE_PER_WORKER",
    "SERVICE_QUEUE_SECONDS",
    "SERVICE_READ_SECONDS",
    "SERVICE_RENDER_SECONDS",
    "SERVICE_REQUEST_SECONDS",
    "SERVICE_SHUTDOWN_SECONDS",
    "WORKBOOK_MAX_CELLS",
    "WORKBOOK_MAX_COLUMNS",
    "WORKBOOK_MAX_FILE_BYTES",
    "WORKBOOK_MAX_ROWS",
    "WORKBOOK_MAX_UNCOMPRESSED_BYTES",
    "WORKBOOK_MAX_ZIP_ENTRIES",
]

MiB = 1024 * 1024

# --- the plan -------------------------------------------------------------------------------

MAX_JSON_BYTES = 20 * MiB
"""The largest JSON plan accepted, in bytes (20 MiB); refused before it is parsed."""

MAX_TEXT = 20_000
"""The longest free text a single field may hold, in characters (code points)."""

MAX_NAME = 200
"""The longest name, phone number, e-mail address or other short text, in characters."""

MAX_ITEMS = 5_000
"""The most entries any list of the plan may hold (members, agreements, network, …)."""

MAX_NUMBER_DIGITS = 1_000
"""The most digits a whole number in a JSON plan may have; a longer one is never converted
(no number of a plan comes near; Python's own limit is 4,300)."""

# --- workbooks -----------------------------------------------------------------------------

WORKBOOK_MAX_FILE_BYTES = 20 * MiB
"""The largest workbook file accepted, in bytes (20 MiB)."""

WORKBOOK_MAX_UNCOMPRESSED_BYTES = 200 * MiB
"""The most a workbook's parts may hold once unzipped, in bytes (200 MiB); stops zip bombs."""

WORKBOOK_MAX_ZIP_ENTRIES = 2_000
"""The most parts (files inside the zip package) a workbook may have."""

WORKBOOK_MAX_ROWS = 10_000
"""The most data rows read from one sheet."""

WORKBOOK_MAX_COLUMNS = 64
"""The most columns read from one sheet; cells further right are not looked at."""

WORKBOOK_MAX_CELLS = 1_000_000
"""The most non-empty cells read from the whole workbook."""

# --- template packs ------------------------------------------------------------------------

MAX_TEMPLATE_BYTES = 25 * MiB
"""The largest template document (.docx file) accepted, in bytes."""

MAX_TEMPLATE_UNPACKED_BYTES = 100 * MiB
"""The most a template document's parts may hold once unzipped, in bytes; stops zip bombs."""

MAX_TEMPLATE_PARTS = 1_000
"""The most parts (zip entries) a template document may have."""

MAX_TEMPLATE_XML_BYTES = 20 * MiB
"""The largest single XML part of a template document (``word/document.xml`` …), in bytes."""

MAX_TEMPLATE_PART_BYTES = 25 * MiB
"""The largest part of a template document that is not XML (an image …), unpacked, in bytes."""

MAX_MANIFEST_BYTES = 256 * 1024
"""The largest ``pack.toml`` accepted, in bytes (256 KiB; the built-in ones hold about 1 KiB)."""

MAX_CATALOG_BYTES = 1 * MiB
"""The largest ``messages.po`` accepted, in bytes (1 MiB; the built-in ones hold about 25 KiB).

One label (``msgstr``) may hold at most :data:`MAX_TEXT` characters."""

MAX_EXTENDS_DEPTH = 16
"""The most packs an ``extends`` chain may hold, the pack itself included."""

MAX_PACK_BYTES = 200 * MiB
"""The most all files of one pack folder may hold together, in bytes."""

MAX_PACK_FILES = 1_000
"""The most files (and folders) a pack folder may hold, counted down to any depth."""

MAX_LOGO_BYTES = 2 * MiB
"""The largest organization logo (a pack's ``logo.png``) accepted, in bytes (2 MiB)."""

# --- rendering -----------------------------------------------------------------------------

RENDER_SECONDS = 60.0
"""The longest one document may take to render (all its parts together), in seconds."""

RENDER_MAX_CHARS = 100_000_000
"""The most characters the templates of one document may produce while it renders."""

RENDER_MAX_ITERATIONS = 10_000_000
"""The most loop turns (``{% for %}``, over all loops) while one document renders."""

RENDER_MAX_ITEMS = 1_000_000
"""The most entries a list or mapping that a template builds may hold."""

RENDER_MAX_INT_BITS = 10_000
"""The largest whole number a template may compute, in bits (about 3,000 digits)."""

RENDER_MAX_RANGE = 100_000
"""The longest ``range()`` a template may make (jinja2's sandbox limit,
``jinja2.sandbox.MAX_RANGE``; a test checks they agree: this module imports nothing heavy)."""

RENDER_MAX_CALL_WORK = 20_000_000_000
"""The most work one filter, method or comparison of a template may do, predicted before it
runs, in characters handled (copied, compared or scanned): a few seconds of work at most."""

# --- the HTTP service (``familyplan-docs serve``; each has a command-line flag) -----------

SERVICE_HEADER_SECONDS = 10.0
"""The longest a client may take to send a request's line and headers, in seconds."""

SERVICE_READ_SECONDS = 30.0
"""The longest a client may take to send a request's body, in seconds."""

SERVICE_RENDER_SECONDS = RENDER_SECONDS
"""The render budget of one request: every document it asks for, rendered together."""

SERVICE_PDF_SECONDS = 120.0
"""The longest LibreOffice may take to convert one request's documents to PDF, in seconds."""

SERVICE_REQUEST_SECONDS = 300.0
"""The longest one request may take from its first byte to its last, in seconds."""

SERVICE_QUEUE_PER_WORKER = 4
"""How many requests may wait for a render worker, per worker; more are refused (503)."""

SERVICE_QUEUE_SECONDS = 30.0
"""The longest a request waits for a render worker before it is refused (503), in seconds."""

SERVICE_CONNECTIONS = 1_000
"""The most open connections one service process keeps; more are refused (503)."""

SERVICE_SHUTDOWN_SECONDS = 10.0
"""How long a stopping service (SIGTERM) lets requests in flight finish, in seconds."""

# --- the persistent cache ------------------------------------------------------------------

CACHE_MAX_BYTES = 256 * MiB
"""The most the cache folder holds; the entries used longest ago are deleted beyond it."""

CACHE_MAX_ENTRY_BYTES = 32 * MiB
"""The largest cache entry read or written, in bytes."""
