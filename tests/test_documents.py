"""Reading documents: encodings, HTML text extraction, PDF, errors, and path expansion.

The files under tests/samples/documents/ are samples written for these tests (see the README
there); the seeds are the real documents of the first corpus.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from trialmatch.documents import (
    DEFAULT_MAX_BYTES,
    Document,
    DocumentError,
    document_from_bytes,
    html_to_text,
    iter_document_paths,
    read_document,
)

TESTS = Path(__file__).resolve().parent
SEEDS_DIR = TESTS.parent / "seeds"
DOCS = TESTS / "samples" / "documents"


def sample(name: str) -> str:
    return str(DOCS / name)


# ------------------------------------------------------------------------- plain text / seeds
def test_seed_is_read_as_is_with_a_stable_id():
    path = SEEDS_DIR / "000_e0602de30e6a8879.txt"
    data = path.read_bytes()
    doc = read_document(path)
    assert doc.text == data.decode("utf-8")  # the seeds have \n newlines: text is the file
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.doc_id == f"{path}#{doc.sha256}"
    assert doc.media_type == "text/plain"
    assert doc.encoding == "utf-8"
    assert "entering Phase II clinical trials in the US" in doc.text


def test_every_seed_reads(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = read_document(path)
        assert doc.text.strip()
        assert doc.encoding == "utf-8"


def test_relative_path_is_kept_as_given(monkeypatch):
    monkeypatch.chdir(SEEDS_DIR.parent)
    doc = read_document("seeds/003_92c0c7b74f5bab9b.txt")
    assert doc.path == "seeds/003_92c0c7b74f5bab9b.txt"
    assert doc.doc_id.startswith("seeds/003_92c0c7b74f5bab9b.txt#")


def test_same_content_same_sha_different_path_different_id(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Phase II trial of X in 48 patients.\n")
    b.write_text("Phase II trial of X in 48 patients.\n")
    da, db = read_document(a), read_document(b)
    assert da.sha256 == db.sha256
    assert da.doc_id != db.doc_id


def test_windows_and_old_mac_newlines_become_newline():
    doc = read_document(sample("windows_newlines.txt"))
    assert "\r" not in doc.text
    assert "started in JAN/2012.\nIt ended in DEC/2016.\nOld Mac line end.\n" in doc.text
    # the hash is of the raw bytes, not of the normalised text
    assert (
        doc.sha256 == hashlib.sha256(Path(sample("windows_newlines.txt")).read_bytes()).hexdigest()
    )


def test_markdown_is_text_as_is_without_bom():
    doc = read_document(sample("notes_utf8_bom.md"))
    assert doc.media_type == "text/markdown"
    assert doc.encoding == "utf-8"
    assert doc.text.startswith("# SAMPLE")  # BOM removed, markup kept
    assert "**30** patients" in doc.text


# ------------------------------------------------------------------------- encodings
def test_windows_1251_text():
    doc = read_document(sample("press_release_cp1251.txt"))
    assert doc.encoding == "cp1251"
    assert "объявила о начале клинических испытаний фазы II препарата NeuroCell-7" in doc.text
    assert "Телефон: +7 495 123-45-67." in doc.text
    assert "\r" not in doc.text


def test_utf16_with_bom():
    doc = read_document(sample("announcement_utf16.txt"))
    assert doc.encoding.startswith("utf-16")
    assert "Kyiv — Київ — and Beijing (北京)" in doc.text
    assert "\ufeff" not in doc.text


def test_latin1_text():
    doc = read_document(sample("essai_latin1.txt"))
    assert doc.encoding in ("cp1252", "latin-1", "iso8859-15")
    assert "L'essai clinique de phase II de CellaNova® a été annoncé à Genève" in doc.text
    assert "Größere Studie in München" in doc.text


def test_bomless_utf16_is_not_mistaken_for_binary(tmp_path):
    path = tmp_path / "le.txt"
    path.write_bytes("A Phase 2 trial enrolled 48 patients.\n".encode("utf-16-le"))
    doc = read_document(path)
    assert doc.text == "A Phase 2 trial enrolled 48 patients.\n"
    assert doc.encoding == "utf-16-le"


@pytest.mark.parametrize(
    "text, encoding",
    [
        (
            (
                "Badanie kliniczne fazy II rozpoczęło się w Łodzi. Weźmie w nim udział 48 pacjentów, "
                "a wyniki zostaną ogłoszone na początku 2016 roku."
            ),
            "cp1250",
        ),
        (
            (
                "Η κλινική δοκιμή φάσης ΙΙ ξεκίνησε στην Αθήνα. Θα συμμετάσχουν 48 ασθενείς και τα "
                "αποτελέσματα αναμένονται στις αρχές του 2016."
            ),
            "cp1253",
        ),
        ("中文文本，第二期临床试验，48名患者参加，预计2016年初公布结果。", "gb18030"),
        (
            (
                "Клиника объявила о начале второй фазы клинических испытаний препарата для лечения "
                "бокового амиотрофического склероза."
            ),
            "koi8_r",
        ),
    ],
)
def test_legacy_encodings_are_detected(tmp_path, text, encoding):
    path = tmp_path / "doc.txt"
    path.write_bytes(text.encode(encoding))
    assert read_document(path).text == text


# ------------------------------------------------------------------------- HTML
def test_html_drops_scripts_styles_and_hidden_blocks():
    doc = read_document(sample("clinic_page.html"))
    assert doc.media_type == "text/html"
    text = doc.text
    for invisible in (
        "dataLayer",
        "Phase IV",
        "999 patients",
        "MedicalClinic",
        "font-family",
        "Phase III",
        "Template text",
        "Hidden paragraph",
        "NCT99999999",
        "Injected",
        "alert",
        "javascript",
        "<",
        ">",
    ):
        assert invisible not in text, invisible


def test_html_keeps_blocks_apart_and_decodes_entities():
    text = read_document(sample("clinic_page.html")).text
    assert text.startswith("Helix Stem Cell Clinic – ALS treatment\n\n")  # the <title>
    assert (
        "Our HelixCell™ therapy for ALS\n\nHelixCell® is entering a Phase II clinical trial" in text
    )
    # <p> without a full stop does not run into the next paragraph
    assert (
        "trial in the US\n\nThe double-blind, randomized trial will involve 48 patients, "
        "36 of which will receive HelixCell and the remaining 12 placebo." in text
    )
    # a nested <div> is its own block; &amp; is decoded; <br> is a line break
    assert (
        "Results are expected in early 2016\n\nOur clinic & partners treated 212 patients." in text
    )
    assert "67% of the patients showed decreased weakness\nCall +1 555 0100 today" in text
    # table cells are tab-separated, rows are blocks
    assert "Trial\tPatients\n\nHELIX-2\t48" in text
    assert "Contact: write to us" in text
    assert "\xa0" not in text and "  " not in text


def test_html_meta_charset_is_honoured():
    doc = read_document(sample("clinic_cp1251_meta.html"))
    assert doc.encoding == "cp1251"
    # the title repeats the <h1>, so it is not prepended twice
    assert (
        doc.text
        == "Образец: испытание фазы III\n\nКлиника сообщает: 67% пациентов отметили улучшение."
    )


def test_html_meta_iso_8859_1_means_windows_1252(tmp_path):
    path = tmp_path / "page.htm"
    path.write_bytes(
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
        "<p>Les r\u00e9sultats \u2013 \u00ab d\u00e9but 2016 \u00bb</p>".encode("cp1252")
    )
    doc = read_document(path)
    assert doc.encoding == "cp1252"
    assert doc.text == "Les résultats – « début 2016 »"


def test_xhtml_xml_declaration_is_honoured(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(
        '<?xml version="1.0" encoding="windows-1251"?>\n<html><body><p>Фаза II</p></body></html>'.encode(
            "cp1251"
        )
    )
    doc = read_document(path)
    assert doc.encoding == "cp1251"
    assert doc.text == "Фаза II"


def test_html_fragments():
    assert html_to_text("<p hidden>gone<p>shown</p>") == "shown"
    assert html_to_text("<div aria-hidden='true'>x</div>after") == "after"
    assert html_to_text("a<br/>b<br>c") == "a\nb\nc"
    assert html_to_text("<ul><li>one<li>two</ul>") == "one\n\ntwo"
    assert html_to_text("<p>Phase<b>II</b> and Nur\u00adOwn&#8203;</p>") == "PhaseII and NurOwn"
    assert html_to_text("<pre>a\r\n  b</pre>") == "a\nb"
    assert html_to_text("<!-- Phase III --><p>x</p><![CDATA[y]]>") == "x"
    assert html_to_text("<p onclick='alert(1)'>&lt;script&gt;</p>") == "<script>"


def test_html_with_no_visible_text_is_an_error(tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<html><script>var a = 1;</script><style>p{}</style></html>")
    with pytest.raises(DocumentError, match="no visible text"):
        read_document(path)


# ------------------------------------------------------------------------- PDF
def test_pdf_text_of_all_pages():
    doc = read_document(sample("press_release.pdf"))
    assert doc.media_type == "application/pdf"
    assert doc.encoding is None
    assert "randomized, double-blind Phase 2 trial" in doc.text
    assert "of AN-42 in 120 patients with ALS." in doc.text
    assert doc.text.endswith("Page two: results are expected in early 2027.")
    assert "\n\nPage two" in doc.text  # pages are separated by a blank line


def test_unreadable_pdf():
    with pytest.raises(DocumentError, match="unreadable PDF") as info:
        read_document(sample("not_really.pdf"))
    assert "not_really.pdf" in str(info.value)


def test_pdf_written_by_pypdf_without_text_is_an_error(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "scan.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    with pytest.raises(DocumentError, match="no extractable text"):
        read_document(path)


# ------------------------------------------------------------------------- errors
def test_empty_file():
    with pytest.raises(DocumentError) as info:
        read_document(sample("empty.txt"))
    assert info.value.path == sample("empty.txt")
    assert "empty file" in info.value.reason
    assert str(info.value).startswith(sample("empty.txt") + ": ")


def test_whitespace_only_file(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text(" \n\t\n")
    with pytest.raises(DocumentError, match="no text"):
        read_document(path)


def test_binary_file_misnamed_as_text():
    with pytest.raises(DocumentError, match="binary file .*PNG"):
        read_document(sample("binary.txt"))


def test_random_bytes_are_binary(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4000)))
    with pytest.raises(DocumentError, match="binary|undecodable"):
        read_document(path)


def test_control_characters_mean_binary(tmp_path):
    path = tmp_path / "ctrl.md"
    path.write_bytes(b"\x01\x02\x03abc" * 100)
    with pytest.raises(DocumentError, match="binary"):
        read_document(path)


def test_size_limit_default_and_configurable(tmp_path):
    assert DEFAULT_MAX_BYTES == 5 * 1024 * 1024
    path = tmp_path / "big.txt"
    path.write_bytes(b"Phase II. " * 200)  # 2,000 bytes
    with pytest.raises(DocumentError, match="too large: 2,000 bytes, over the limit of 1,000"):
        read_document(path, max_bytes=1000)
    assert read_document(path, max_bytes=2000).text.startswith("Phase II.")
    big = tmp_path / "huge.txt"
    big.write_bytes(b"x" * (DEFAULT_MAX_BYTES + 1))
    with pytest.raises(DocumentError, match="too large"):
        read_document(big)


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(DocumentError, match="no such file") as info:
        read_document(missing)
    assert info.value.path == str(missing)


def test_unsupported_suffix_is_a_clear_error(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(DocumentError, match=r"unsupported file type \(\.docx\)"):
        read_document(path)


def test_directory_is_an_error(tmp_path):
    with pytest.raises(DocumentError, match="is a directory"):
        read_document(tmp_path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("Phase II")
    path.chmod(0)
    try:
        with pytest.raises(DocumentError, match="permission denied"):
            read_document(path)
    finally:
        path.chmod(0o644)


def test_permission_denied_from_open(tmp_path, monkeypatch):
    """Also when stat succeeds but open fails (the case root can't reproduce with chmod)."""
    path = tmp_path / "secret.txt"
    path.write_text("Phase II")
    real_open = open

    def deny(file, *args, **kwargs):
        if os.fspath(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(DocumentError, match="permission denied"):
        read_document(path)


def test_document_from_bytes_matches_read_document():
    path = sample("press_release_cp1251.txt")
    data = Path(path).read_bytes()
    assert document_from_bytes(path, data) == read_document(path)
    assert isinstance(read_document(path), Document)


# ------------------------------------------------------------------------- paths
def test_directory_is_walked_recursively_sorted_supported_only(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z")
    (tmp_path / "b" / "a.HTML").write_text("<p>a</p>")
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x")
    base = str(tmp_path)
    assert list(iter_document_paths([base])) == [
        os.path.join(base, "a.md"),
        os.path.join(base, "b", "a.HTML"),
        os.path.join(base, "b", "z.txt"),
        os.path.join(base, "c.pdf"),
    ]


def test_paths_keep_the_form_given(monkeypatch):
    monkeypatch.chdir(SEEDS_DIR.parent)
    got = list(iter_document_paths(["seeds/"]))
    assert got[0] == "seeds/000_e0602de30e6a8879.txt"
    assert len(got) == 5
    got = list(iter_document_paths(["./seeds"]))
    assert got[0] == "./seeds/000_e0602de30e6a8879.txt"
    assert list(iter_document_paths([Path("seeds/001_e8805517439d9a80.txt")])) == [
        "seeds/001_e8805517439d9a80.txt"
    ]


def test_explicit_files_pass_through_so_read_document_names_the_problem(tmp_path):
    other = tmp_path / "notes.docx"
    other.write_bytes(b"PK")
    missing = tmp_path / "missing.txt"
    got = list(iter_document_paths([other, missing]))
    assert got == [str(other), str(missing)]
    with pytest.raises(DocumentError, match="unsupported file type"):
        read_document(got[0])
    with pytest.raises(DocumentError, match="no such file"):
        read_document(got[1])


def test_each_file_once(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    a = str(tmp_path / "a.txt")
    assert list(iter_document_paths([a, str(tmp_path), a])) == [a]


def test_samples_directory_reads_with_per_document_errors():
    """The batch's loop: every path yields a Document or a DocumentError naming the file."""
    ok, errors = {}, {}
    for path in iter_document_paths([DOCS]):
        try:
            ok[Path(path).name] = read_document(path)
        except DocumentError as exc:
            errors[Path(path).name] = exc.reason
    assert set(errors) == {"empty.txt", "binary.txt", "not_really.pdf"}
    assert {
        "clinic_page.html",
        "clinic_cp1251_meta.html",
        "press_release_cp1251.txt",
        "announcement_utf16.txt",
        "essai_latin1.txt",
        "notes_utf8_bom.md",
        "windows_newlines.txt",
        "press_release.pdf",
        "README.md",
    } == set(ok)
    assert "make_samples.py" not in ok and "make_samples.py" not in errors


def test_samples_are_what_make_samples_writes(tmp_path, monkeypatch):
    """The committed binary samples are reproducible from make_samples.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_samples", DOCS / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    for made in tmp_path.iterdir():
        assert made.read_bytes() == (DOCS / made.name).read_bytes(), made.name


def test_large_latin1_file_is_decoded_whatever_its_size(tmp_path):
    """Regression: charset-normalizer alone found nothing for this 2 MB file at some sizes."""
    data = Path(sample("essai_latin1.txt")).read_bytes()
    for copies in (6329, 6331):
        path = tmp_path / f"big{copies}.txt"
        path.write_bytes(data * copies)
        doc = read_document(path)
        assert doc.encoding == "cp1252"
        assert doc.text == data.decode("latin-1") * copies
