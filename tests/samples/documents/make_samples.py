"""Regenerate the encoded / binary / PDF document samples in this folder.

Every file here is a SAMPLE written for trialmatch's tests (see README.md): the products,
companies and numbers are made up to look like marketing text, not taken from a real page.
Run from anywhere: ``python tests/samples/documents/make_samples.py``.
"""

from __future__ import annotations

import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

RU = (
    "SAMPLE written for trialmatch tests, not a real document. ОБРАЗЕЦ.\r\n"
    "\r\n"
    "Компания «Нейроген» объявила о начале клинических испытаний фазы II препарата "
    "NeuroCell-7 для лечения бокового амиотрофического склероза (БАС). "
    "В двойном слепом рандомизированном исследовании примут участие 60 пациентов.\r\n"
    "Результаты ожидаются в начале 2026 года. Телефон: +7 495 123-45-67.\r\n"
)

FR = (
    "SAMPLE written for trialmatch tests, not a real document. ÉCHANTILLON.\n"
    "\n"
    "L'essai clinique de phase II de CellaNova® a été annoncé à Genève : 48 patients, dont "
    "36 recevront le traitement et 12 un placebo. Résultats attendus début 2016. "
    "Größere Studie in München geplant; coût estimé à 2 000 francs (« prix spécial »).\n"
)

UTF16 = (
    "SAMPLE written for trialmatch tests, not a real document (UTF-16 with a BOM).\r\n"
    "\r\n"
    "Zentrix Bio announced that its Phase I/II trial of ZX-101 (NCT01234567) enrolled "
    "24 patients in Kyiv — Київ — and Beijing (北京).\r\n"
)

CP1251_HTML = (
    '<!DOCTYPE html>\n<html><head><meta charset="windows-1251">'
    "<title>Образец: испытание фазы III</title>"
    "<script>document.write('Phase IV trial of Fake');</script></head>\n"
    "<body>\n"
    "<h1>Образец: испытание фазы III</h1>\n"
    "<p>Клиника сообщает: 67% пациентов отметили улучшение.</p>\n"
    "</body></html>\n"
)


def minimal_pdf(pages: list[list[str]]) -> bytes:
    """A small valid PDF: one Helvetica text line per string, one page per list."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for lines in pages:
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({esc}) Tj T*")
        ops.append("ET")
        stream = zlib.compress("\n".join(ops).encode("latin-1"))
        content = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, font, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)


PDF_PAGES = [
    [
        "SAMPLE written for trialmatch tests, not a real document (a PDF press release).",
        "Acme Neuro announced a randomized, double-blind Phase 2 trial",
        "of AN-42 in 120 patients with ALS.",
    ],
    ["Page two: results are expected in early 2027."],
]


def main() -> None:
    (HERE / "press_release_cp1251.txt").write_bytes(RU.encode("cp1251"))
    (HERE / "essai_latin1.txt").write_bytes(FR.encode("latin-1"))
    (HERE / "announcement_utf16.txt").write_bytes(UTF16.encode("utf-16"))  # BOM + native LE
    (HERE / "clinic_cp1251_meta.html").write_bytes(CP1251_HTML.encode("cp1251"))
    (HERE / "press_release.pdf").write_bytes(minimal_pdf(PDF_PAGES))
    (HERE / "empty.txt").write_bytes(b"")
    # a PNG header and some random-looking bytes, misnamed as text
    (HERE / "binary.txt").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    )
    (HERE / "not_really.pdf").write_bytes(b"This is plain text that claims to be a PDF.\n")


if __name__ == "__main__":
    main()
