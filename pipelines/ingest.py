"""Reading the landing zone: files under raw/ become decoded raw documents or rejections.

Pure functions, no Dagster, no DuckDB. One file yields one document (HTML, text) or many (a WARC
holds one per HTML response record); anything unreadable yields a rejection with its reason.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import stat
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

import charset_normalizer

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt",)
WARC_SUFFIXES = (".warc",)
STABLE_READ_ATTEMPTS = 3

BINARY_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF87a": "GIF image",
    b"GIF89a": "GIF image",
    b"%PDF-": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip data without a .gz name",
    b"RIFF": "RIFF media",
    b"\x7fELF": "executable",
}
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Browsers read these labels as windows-1252, and so do we (WHATWG Encoding Standard).
WINDOWS_1252_ALIASES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii"}
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


class RejectedInput(Exception):
    """The bytes cannot become a document; the message is the reason stored for the analyst."""


@dataclass(frozen=True)
class RawDocument:
    doc_id: str
    path: str
    format: str
    source_url: str | None
    fetched_at: datetime | None
    size_bytes: int
    encoding: str
    content: str


@dataclass(frozen=True)
class Rejection:
    path: str
    doc_id: str | None
    stage: str
    reason: str


@dataclass
class SourceOutcome:
    """Everything one file under raw/ produced. `fingerprint` (size, modification time in ns,
    SHA-256 of the bytes) is set when the outcome follows from bytes read to the end, so that a
    later run may skip the file while it keeps that size and time; it is None when the outcome
    may change on its own (the file vanished, kept changing, could not be opened)."""

    path: str
    documents: list[RawDocument] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    fingerprint: tuple[int, int, str] | None = None


class RawFile(NamedTuple):
    """An entry under raw/ as a scan sees it: its path (a string: building 100,000 Path objects
    costs seconds), the path relative to raw/, and size and modification time of a regular file
    (None for links and special files, which are looked at afresh by every run)."""

    path: str
    rel: str
    size: int | None
    modified_ns: int | None


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str | None:
    """Hash of a file too large to hold in memory; None if it vanished meanwhile."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def scan_raw_files(raw_dir: Path) -> list[RawFile]:
    """Every entry below raw_dir that is not a directory, sorted by path, with one lstat each:
    regular files, and the symbolic links, FIFOs and devices that `read_source` sets aside with a
    reason (never silently). Dotfiles and dot-folders (editor and partial-download temp files)
    are skipped."""
    raw_dir = Path(raw_dir)
    found: list[RawFile] = []
    folders = [(str(raw_dir), "")] if raw_dir.is_dir() else []
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, f"{prefix}{entry.name}/"))
                    continue
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    info = None
                regular = info is not None and stat.S_ISREG(info.st_mode)
                found.append(RawFile(entry.path, prefix + entry.name,
                                     info.st_size if regular else None, info.st_mtime_ns if regular else None))
    return sorted(found, key=lambda f: f.rel)


def unsafe_entry(path: Path, root: Path) -> str | None:
    """Why `path` must not be opened, or None: a symbolic link whose target leaves `root` (raw/ is
    often writable by others than the warehouse's owner) or loops, and anything but a regular
    file (a FIFO would block the run, a device never ends)."""
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "symbolic link that loops or points nowhere"
        if not target.is_relative_to(Path(root).resolve()):
            return "symbolic link to a file outside raw/ (not read)"
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "file disappeared during the run before it could be read"
    except OSError as error:
        return f"file could not be read: {error.strerror or error}"
    if not stat.S_ISREG(mode):
        return "not a regular file (FIFO, device or socket)"
    return None


def input_format(name: str) -> tuple[str | None, bool]:
    """(format, gzipped) from a file name; format None when we do not ingest that kind of file."""
    lower = name.lower()
    gzipped = lower.endswith(".gz")
    if gzipped:
        lower = lower[:-3]
    for suffixes, fmt in ((HTML_SUFFIXES, "html"), (TEXT_SUFFIXES, "txt"), (WARC_SUFFIXES, "warc")):
        if lower.endswith(suffixes):
            return fmt, gzipped
    return None, gzipped


def read_stable_bytes(path: Path) -> tuple[bytes, os.stat_result]:
    """Read a file, re-reading if it changes underneath us (a writer still busy with it); the
    bytes and the file's status they match."""
    for _ in range(STABLE_READ_ATTEMPTS):
        try:
            before = path.stat()
            data = path.read_bytes()
            after = path.stat()
        except FileNotFoundError:
            raise RejectedInput("file disappeared during the run before it could be read") from None
        except OSError as error:
            raise RejectedInput(f"file could not be read: {error.strerror or error}") from None
        if (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns) == (len(data), after.st_mtime_ns):
            return data, after
    raise RejectedInput("file kept changing while it was being read (still being written?)")


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress with a ceiling, so a gzip bomb or a truncated file becomes a clear rejection."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(max_bytes + 1)
    except EOFError:
        raise RejectedInput("truncated gzip file (compressed data ends before its end marker)") from None
    except (OSError, zlib.error) as error:
        raise RejectedInput(f"corrupt gzip file: {error}") from None
    if len(out) > max_bytes:
        raise RejectedInput(f"decompressed size exceeds the {max_bytes:,}-byte limit")
    return out


def sniff_binary(data: bytes) -> None:
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise RejectedInput(f"binary content ({kind}), not text or HTML")


def _normalise_label(label: str) -> str:
    label = label.strip().lower()
    return "windows-1252" if label in WINDOWS_1252_ALIASES else label


def declared_charsets(data: bytes, header: str | None) -> list[str]:
    """Charsets the document claims, strongest first: HTTP header, XML declaration, meta tag."""
    labels = []
    if header and (m := HEADER_CHARSET.search(header)):
        labels.append(m.group(1))
    head = data[:4096]
    for pattern in (XML_ENCODING, META_CHARSET):
        if m := pattern.search(head):
            labels.append(m.group(1).decode("ascii", "ignore"))
    return [_normalise_label(label) for label in labels]


def decode(data: bytes, header_content_type: str | None = None) -> tuple[str, str]:
    """Decode bytes by their real encoding: BOM, then declared charset, then UTF-8, then detection."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.removesuffix("-sig")
            except UnicodeDecodeError:
                raise RejectedInput(f"undecodable bytes: invalid {encoding} after its byte-order mark") from None
    if b"\x00" in data[:65536]:
        raise RejectedInput("binary content (NUL bytes), not text or HTML")
    candidates = [*declared_charsets(data, header_content_type), "utf-8"]
    for label in dict.fromkeys(candidates):
        try:
            return data.decode(label), label
        except (UnicodeDecodeError, LookupError):
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise RejectedInput("undecodable bytes: no character encoding fits (not UTF-8, none declared, detection failed)")
    text = str(best)
    if _control_ratio(text) > 0.01:
        raise RejectedInput(f"undecodable bytes: best guess {best.encoding} yields control characters")
    return text, best.encoding.replace("_", "-")


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls / len(text)


def make_document(rel: str, fmt: str, data: bytes, *, header: str | None = None,
                  url: str | None = None, fetched_at: datetime | None = None) -> RawDocument:
    sniff_binary(data)
    text, encoding = decode(data, header)
    if not text.strip():
        raise RejectedInput("empty document (no text after decoding)")
    return RawDocument(content_hash(data), rel, fmt, url, fetched_at, len(data), encoding, text)


def warc_documents(rel: str, data: bytes, max_bytes: int) -> SourceOutcome:
    """One document per HTML response record; a damaged tail keeps the records before it."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    outcome = SourceOutcome(rel)
    records = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            if "html" not in content_type.lower():
                continue
            records += 1
            url = record.rec_headers.get_header("WARC-Target-URI")
            payload = record.content_stream().read(max_bytes + 1)
            try:
                if len(payload) > max_bytes:
                    raise RejectedInput(f"WARC record for {url} exceeds the {max_bytes:,}-byte limit")
                outcome.documents.append(make_document(
                    rel, "warc", payload, header=content_type, url=url,
                    fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date"))))
            except RejectedInput as error:
                outcome.rejections.append(Rejection(f"{rel}#{url}", content_hash(payload), "read", str(error)))
    except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as error:
        outcome.rejections.append(Rejection(
            rel, content_hash(data), "read", f"damaged WARC after {records} HTML records: {error}"))
    except Exception as error:  # warcio fails on some truncations with errors of its own making
        outcome.rejections.append(Rejection(
            rel, content_hash(data), "read",
            f"damaged WARC after {records} HTML records: {type(error).__name__}: {error}"))
    if records == 0 and not outcome.rejections:
        outcome.rejections.append(Rejection(rel, content_hash(data), "read", "WARC file holds no HTML response records"))
    return outcome


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc).replace(tzinfo=None)


def read_source(path: Path, rel: str, max_bytes: int = DEFAULT_MAX_BYTES, root: Path | None = None) -> SourceOutcome:
    """Turn one file into documents or a rejection; never raises for bad input. With `root` (the
    raw folder), links leaving it and special files are rejected before they are opened."""
    if reason := unsafe_entry(path, root if root is not None else path.parent):
        return SourceOutcome(rel, rejections=[Rejection(rel, None, "read", reason)])
    fmt, gzipped = input_format(path.name)
    data = b""
    try:
        info = path.stat()
    except OSError:
        info = None
    if info is not None and info.st_size > max_bytes:
        reason = f"file too large: {info.st_size:,} bytes exceeds the {max_bytes:,}-byte limit"
        digest = file_hash(path)
        return SourceOutcome(rel, rejections=[Rejection(rel, digest, "read", reason)],
                             fingerprint=(info.st_size, info.st_mtime_ns, digest) if digest else None)
    fingerprint = None
    try:
        if fmt is None:
            raise RejectedInput(
                f"unsupported file type {path.suffix or '(no extension)'!r}: expected .html, .htm, .txt or .warc, optionally .gz")
        data, info = read_stable_bytes(path)
        fingerprint = (info.st_size, info.st_mtime_ns, content_hash(data))
        if len(data) > max_bytes:
            raise RejectedInput(f"file too large: {len(data):,} bytes exceeds the {max_bytes:,}-byte limit")
        if not data:
            raise RejectedInput("empty file")
        if fmt == "warc":
            outcome = warc_documents(rel, data, max_bytes)
        else:
            outcome = SourceOutcome(rel, documents=[make_document(rel, fmt, gunzip(data, max_bytes) if gzipped else data)])
    except RejectedInput as error:
        outcome = SourceOutcome(rel, rejections=[Rejection(rel, content_hash(data) if data else None, "read", str(error))])
    except Exception as error:  # any other failure of a reader or decoder on one file sets it aside
        reason = f"unreadable: {type(error).__name__}: {error}"
        outcome = SourceOutcome(rel, rejections=[Rejection(rel, content_hash(data) if data else None, "read", reason)])
    outcome.fingerprint = fingerprint
    return outcome
