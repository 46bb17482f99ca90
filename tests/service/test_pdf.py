"""PDF through the service: the documents converted by LibreOffice, as a zip, alone, or as
the one case file."""

from __future__ import annotations

import io
import zipfile

import httpx
import pikepdf
import pytest

from familyplan_docs.service.options import ServiceConfig
from tests.helpers import soffice_or_skip
from tests.service.helpers import AUTH, JSON, KEY, SAMPLE_DA, ServerThread


@pytest.mark.libreoffice
def test_format_pdf_gives_the_pdfs_alone_or_as_a_zip() -> None:
    soffice_or_skip()
    config = ServiceConfig(workers=1, keys=(KEY,), pdf=True, warm=False)
    with (
        ServerThread(config) as running,
        httpx.Client(base_url=running.base, headers={**AUTH, **JSON}, timeout=300) as http,
    ):
        body = SAMPLE_DA.read_bytes()
        one = http.post("/v1/documents?kinds=flyer&format=pdf", content=body)
        assert one.status_code == 200
        assert one.headers["content-type"] == "application/pdf"
        assert one.content.startswith(b"%PDF-")
        two = http.post("/v1/blank?locale=sv&kinds=agenda,flyer&format=pdf")
        assert two.status_code == 200
        with zipfile.ZipFile(io.BytesIO(two.content)) as archive:
            assert sorted(archive.namelist()) == ["agenda.pdf", "flyer.pdf"]
            assert all(archive.read(name).startswith(b"%PDF-") for name in archive.namelist())
        formats = http.get("/openapi.json").json()["paths"]["/v1/documents"]["post"]
        assert {"docx", "pdf", "bundle"} == set(
            next(p for p in formats["parameters"] if p["name"] == "format")["schema"]["enum"]
        )
        case_file = http.post("/v1/blank?locale=da&kinds=agenda,flyer&format=bundle")
        assert case_file.status_code == 200
        assert case_file.headers["content-type"] == "application/pdf"
        with pikepdf.open(io.BytesIO(case_file.content)) as pdf:
            titles = [item.title for item in pdf.open_outline().root]
        assert len(titles) == 2  # one bookmark per document, in toolbox order
