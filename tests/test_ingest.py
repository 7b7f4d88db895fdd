"""Reading raw files: formats, encodings and every kind of bad input ends in a clear rejection."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from pipelines import ingest
from conftest import warc_bytes
from pipelines.ingest import input_format, read_source, scan_raw_files

RUSSIAN = "<html><head><title>Минобороны</title></head><body><p>Министр обороны Беларуси Виктор Хренин встретился с коллегой в Москве.</p></body></html>"


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def only_document(path: Path, **kwargs):
    outcome = read_source(path, path.name, **kwargs)
    assert not outcome.rejections, outcome.rejections
    assert len(outcome.documents) == 1
    return outcome.documents[0]


def only_rejection(path: Path, **kwargs):
    outcome = read_source(path, path.name, **kwargs)
    assert not outcome.documents
    assert len(outcome.rejections) == 1
    return outcome.rejections[0]


@pytest.mark.parametrize("name, expected", [
    ("a.html", ("html", False)), ("b.HTM.gz", ("html", True)), ("c.txt", ("txt", False)),
    ("d.warc.gz", ("warc", True)), ("e.pdf", (None, False)),
])
def test_input_format(name, expected):
    assert input_format(name) == expected


def test_declared_windows_1251(tmp_path):
    page = RUSSIAN.replace("<head>", '<head><meta charset="windows-1251">')
    document = only_document(write(tmp_path / "ru.html", page.encode("cp1251")))
    assert document.encoding == "windows-1251"
    assert "Хренин" in document.content


def test_undeclared_koi8r_and_cp1251_are_detected(tmp_path):
    text = "Министр обороны Беларуси Виктор Хренин встретился с российским коллегой Сергеем Шойгу в Москве. " * 5
    for encoding in ("koi8-r", "cp1251"):
        document = only_document(write(tmp_path / f"{encoding}.txt", text.encode(encoding)))
        assert "Хренин" in document.content, encoding


def test_undeclared_text_in_short_lines_and_tabs_is_text_not_control_characters(tmp_path):
    # A scraper's dump: a line per field, tab-separated; line breaks and tabs are text.
    lines = ["Минобороны\tБеларусь", "28.11.2025", "", "Министр обороны Виктор Хренин встретился с коллегой."] * 20
    document = only_document(write(tmp_path / "dump.txt", "\r\n".join(lines).encode("cp1251")))
    assert "Хренин" in document.content


def test_bom_and_gzip(tmp_path):
    document = only_document(write(tmp_path / "bom.html.gz", gzip.compress("\ufeff".encode() + RUSSIAN.encode("utf-8"))))
    assert document.encoding == "utf-8"
    assert document.content.startswith("<html>")
    assert document.size_bytes == len(RUSSIAN.encode()) + 3


def test_same_content_same_id(tmp_path):
    a = only_document(write(tmp_path / "a.html", RUSSIAN.encode()))
    b = only_document(write(tmp_path / "b.html.gz", gzip.compress(RUSSIAN.encode())))
    assert a.doc_id == b.doc_id


def test_warc_html_records_become_documents(tmp_path):
    data = warc_bytes([
        ("https://example.by/a", "text/html; charset=windows-1251", RUSSIAN.encode("cp1251")),
        ("https://example.by/logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("https://example.by/b", "text/html", b"<html><body><p>Second page.</p></body></html>"),
    ])
    outcome = read_source(write(tmp_path / "crawl.warc.gz", data), "crawl.warc.gz")
    assert not outcome.rejections
    assert [d.source_url for d in outcome.documents] == ["https://example.by/a", "https://example.by/b"]
    assert outcome.documents[0].encoding == "windows-1251" and "Хренин" in outcome.documents[0].content
    assert outcome.documents[0].fetched_at is not None
    assert all(d.format == "warc" and d.path == "crawl.warc.gz" for d in outcome.documents)


@pytest.mark.parametrize("name, data, reason", [pytest.param(*case, id=case[0]) for case in [
    ("empty.html", b"", "empty file"),
    ("blank.txt", b"   \n\n  ", "empty document"),
    ("image.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
    ("binary.txt", bytes(range(256)) * 64, "binary content"),
    ("truncated.html.gz", gzip.compress(RUSSIAN.encode() * 50, mtime=0)[:-30], "truncated gzip"),
    ("notes.pdf", b"%PDF-1.4", "unsupported file type '.pdf': expected .html, .htm, .txt or .warc, optionally .gz"),
    ("README", b"Read me first.", "unsupported file type '(no extension)': expected .html"),
    ("images.warc.gz", warc_bytes([("https://example.by/logo.png", "image/png", b"\x89PNG\r\n\x1a\n")]),
     "WARC file holds no HTML response records"),
]])  # named by file: test ids must be the same in every xdist worker
def test_bad_input_is_rejected_with_reason(tmp_path, name, data, reason):
    rejection = only_rejection(write(tmp_path / name, data))
    assert reason in rejection.reason
    assert rejection.stage == "read"


def test_undecodable_bytes(tmp_path):
    # Invalid as UTF-8, declared as UTF-8, and no single-byte guess yields text without controls.
    data = b'<meta charset="utf-8">' + bytes([0x81, 0x8d, 0x8f, 0x90, 0x9d, 0x01, 0x02, 0x03, 0x04, 0x05] * 300)
    rejection = only_rejection(write(tmp_path / "bad.html", data))
    assert "undecodable" in rejection.reason or "binary" in rejection.reason


def test_oversized_file_is_rejected_without_reading_it_all(tmp_path):
    path = write(tmp_path / "huge.html", b"<html><body>" + b"<p>word word word</p>" * 2_500_000 + b"</body></html>")
    assert path.stat().st_size > 50_000_000
    rejection = only_rejection(path)
    assert "too large" in rejection.reason and rejection.doc_id is not None


def test_file_deleted_during_the_run(tmp_path):
    path = tmp_path / "gone.html"
    rejection = only_rejection(path)
    assert "disappeared" in rejection.reason


def test_file_rewritten_while_read_is_read_again(tmp_path, monkeypatch):
    path = write(tmp_path / "moving.html", b"<html><body><p>first version</p></body></html>")
    real_read = Path.read_bytes
    calls = []

    def read_then_rewrite(self):
        data = real_read(self)
        if not calls:
            calls.append(1)
            self.write_bytes(b"<html><body><p>second, longer version of the page</p></body></html>")
        return data

    monkeypatch.setattr(Path, "read_bytes", read_then_rewrite)
    document = only_document(path)
    assert "second, longer version" in document.content


def test_file_still_being_written_after_every_attempt_is_rejected_as_changing(tmp_path, monkeypatch):
    path = write(tmp_path / "growing.html", b"<html><body><p>start</p></body></html>")
    real_read = Path.read_bytes

    def read_then_append(self):
        data = real_read(self)
        with self.open("ab") as stream:
            stream.write(b"<p>more</p>")
        return data

    monkeypatch.setattr(Path, "read_bytes", read_then_append)
    rejection = only_rejection(path)
    assert rejection.reason == "file kept changing while it was being read (still being written?)"


def test_oversized_file_that_vanishes_before_it_is_hashed_is_rejected_without_a_fingerprint(tmp_path, monkeypatch):
    """Without its hash the rejection may change on its own: the next run must look again."""
    path = write(tmp_path / "big.html", b"x" * 2_000)
    real_hash = ingest.file_hash

    def vanish_then_hash(target: Path) -> str | None:
        target.unlink()
        return real_hash(target)

    monkeypatch.setattr(ingest, "file_hash", vanish_then_hash)
    outcome = read_source(path, path.name, max_bytes=1_000)
    assert [(r.doc_id, r.reason) for r in outcome.rejections] == [
        (None, "file too large: 2,000 bytes exceeds the 1,000-byte limit")]
    assert outcome.fingerprint is None


def test_listing_skips_dotfiles_and_recurses(tmp_path):
    write(tmp_path / "a" / "b" / "x.html", b"x")
    write(tmp_path / ".partial.html", b"x")
    write(tmp_path / "a" / ".cache" / "y.html", b"x")
    write(tmp_path / "b.txt", b"four")
    assert [(f.rel, f.size) for f in scan_raw_files(tmp_path)] == [("a/b/x.html", 1), ("b.txt", 4)]


def test_decode_prefers_declared_charset():
    text, encoding = ingest.decode('<meta charset="koi8-r">Москва'.encode("koi8-r"))
    assert (text.endswith("Москва"), encoding) == (True, "koi8-r")


def test_a_warc_cut_anywhere_is_set_aside_with_a_reason(tmp_path):
    data = warc_bytes([("https://example.by/a", "text/html", b"<html><body><p>" + b"word " * 200 + b"</p></body></html>")])
    for cut in range(10, len(data), 10):
        path = tmp_path / f"cut{cut}.warc.gz"
        path.write_bytes(data[:cut])
        outcome = read_source(path, path.name)
        assert outcome.documents or outcome.rejections
        assert all(rejection.reason for rejection in outcome.rejections)


def test_links_leaving_raw_and_special_files_are_set_aside_unopened(tmp_path):
    raw, outside = tmp_path / "raw", tmp_path / "secret.html"
    raw.mkdir()
    outside.write_text("<html><body><p>root:x:0:0:root:/root:/bin/bash</p></body></html>")
    (raw / "inside.txt").write_text("Tony Blair has become the Labour Party's longest-serving prime minister. " * 5)
    (raw / "passwd_link.html").symlink_to(outside)
    (raw / "inside_link.txt").symlink_to(raw / "inside.txt")
    (raw / "loop.html").symlink_to(raw / "loop.html")
    os.mkfifo(raw / "pipe.html")
    scanned = scan_raw_files(raw)
    # Only a regular file has a size and time the manifest can vouch for; a link (even to a
    # regular file) and a FIFO are looked at afresh by every run.
    assert [(f.rel, f.size, f.modified_ns) for f in scanned if f.rel != "inside.txt"] == [
        (name, None, None) for name in ["inside_link.txt", "loop.html", "passwd_link.html", "pipe.html"]]
    outcomes = {f.rel: read_source(Path(f.path), f.rel, root=raw) for f in scanned}
    assert set(outcomes) == {"inside.txt", "passwd_link.html", "inside_link.txt", "loop.html", "pipe.html"}
    assert outcomes["inside_link.txt"].documents and outcomes["inside.txt"].documents
    for name, reason in [("passwd_link.html", "outside raw/"), ("loop.html", "loops"), ("pipe.html", "not a regular file")]:
        assert not outcomes[name].documents and reason in outcomes[name].rejections[0].reason
        assert outcomes[name].fingerprint is None  # looked at afresh by every run
    assert outcomes["inside.txt"].fingerprint[0] == (raw / "inside.txt").stat().st_size


def test_a_file_deleted_between_the_scan_and_its_reading_is_rejected_as_gone(tmp_path):
    """The scan saw the file, and read_source's check before opening it passed; by the time its
    bytes are read, another process has removed it. (A file gone before that check is
    test_file_deleted_during_the_run: another branch, with the same reason.)"""
    gone = tmp_path / "gone.html"
    with pytest.raises(ingest.RejectedInput, match="file disappeared during the run before it could be read"):
        ingest.read_stable_bytes(gone)


def test_a_warc_whose_next_record_is_not_a_record_keeps_the_records_before_and_names_the_damage(tmp_path):
    good = warc_bytes([("http://example.com/a", "text/html", b"<html><body><p>Hello there world.</p></body></html>")])
    data = good + gzip.compress(b"this is not a WARC record at all\r\n\r\n")
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(data)
    outcome = read_source(path, path.name, 10_000_000, root=tmp_path)
    assert len(outcome.documents) == 1
    [rejection] = outcome.rejections
    assert (rejection.path, rejection.doc_id, rejection.stage) == (path.name, ingest.content_hash(data), "read")
    assert rejection.reason.startswith("damaged WARC after 1 HTML records: Invalid WARC record")


def test_an_unexpected_failure_of_a_reader_sets_the_file_aside_with_its_error(tmp_path, monkeypatch):
    path = tmp_path / "page.html"
    path.write_text("<html><body><p>Text.</p></body></html>")

    def broken_decoder(*args, **kwargs):
        raise ValueError("decoder broke")

    monkeypatch.setattr(ingest, "make_document", broken_decoder)
    outcome = read_source(path, path.name, 10_000_000, root=tmp_path)
    assert outcome.documents == []
    [rejection] = outcome.rejections
    assert (rejection.path, rejection.doc_id, rejection.stage) == (path.name, ingest.content_hash(path.read_bytes()), "read")
    assert rejection.reason == "unreadable: ValueError: decoder broke"
