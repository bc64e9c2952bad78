"""The shared attachment check and rich-text sanitiser every app uses."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tongxin.lib.richtext import clean_html, has_active_content
from tongxin.lib.uploads import DOCX, IMAGES, PDF, PNG, check_upload


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_a_pdf_named_pdf_is_accepted():
    assert check_upload(upload("minutes.pdf", b"%PDF-1.7\n...")) == ([], PDF)


def test_a_program_renamed_pdf_is_refused_by_its_content():
    problems, kind = check_upload(upload("minutes.pdf", b"MZ\x90\x00" + b"\x00" * 100))
    assert kind is None and "not an accepted type" in problems[0]


def test_a_real_type_under_the_wrong_name_is_refused_with_both_named():
    problems, kind = check_upload(upload("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20))
    assert kind is None and ".pdf" in problems[0] and "PNG" in problems[0]


def test_office_files_are_recognised_from_the_archive_inside():
    assert check_upload(upload("notes.docx", docx_bytes())) == ([], DOCX)
    assert check_upload(upload("notes.docx", b"PK\x03\x04garbage"))[1] is None


def test_only_the_kinds_a_form_allows():
    problems, _ = check_upload(upload("a.pdf", b"%PDF-1.4"), allowed=IMAGES)
    assert (
        problems and check_upload(upload("a.png", b"\x89PNG\r\n\x1a\n"), allowed=IMAGES)[1] == PNG
    )


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_too_big_and_empty_files_are_refused_before_reading():
    problems, _ = check_upload(upload("big.pdf", b"%PDF-" + b"x" * 2048))
    assert "limit" in problems[0]
    assert check_upload(upload("empty.pdf", b""))[0]


def test_scripts_and_handlers_are_removed_and_detected():
    dirty = '<p onclick="x()">ok<script>alert(1)</script><a href="javascript:alert(1)">l</a></p>'
    assert has_active_content(dirty)
    cleaned = clean_html(dirty)
    assert "script" not in cleaned and "onclick" not in cleaned and "javascript" not in cleaned
    assert "<p>ok" in cleaned
    assert not has_active_content("<p>会议纪要：<strong>一致通过</strong></p>")
    assert clean_html("<p>会议纪要</p>") == "<p>会议纪要</p>"
