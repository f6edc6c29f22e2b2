"""The offline registry source: a directory or .zip of API v2 study JSON files.

The layout is that of ClinicalTrials.gov's bulk download (``ctg-studies.json.zip``, "Download"
on an empty search): one ``NCTxxxxxxxx.json`` file per study, an API v2 study object each. The
zip puts the files in 100 shard folders named by the last two digits of the ID
(``35/NCT02252835.json``); a flat folder of ``NCT*.json`` files works the same. Every ``*.json``
file at any depth is read; hidden files (``.name``) are skipped.

Lookups and searches go through an embedded SQLite index (FTS5, bm25 ranking) that is

- built once, by streaming the files (constant memory, batched inserts in one transaction, into a
  temporary file that is renamed into place when complete);
- stored beside the snapshot (``<dir>/.trialmatch-index.sqlite`` or
  ``.trialmatch-index-<zip name>.sqlite`` next to a zip) when that folder is writable, else in the
  user cache directory (``platformdirs``), or in ``index_dir`` when given;
- checked on every open against a fingerprint of the snapshot (a directory: every file's
  relative path, size and mtime; a zip: its size and mtime, then, only if those changed, a hash
  of its central directory, which holds every member's name, size and CRC) and rebuilt when the
  snapshot changed.

The index does not copy the records: it holds the search text (contentless FTS5), the values
that filters need, and where each record lives (a file path, or a zip member's offset), and
``get``/``search`` read the record from the snapshot itself. A file that cannot be read, is not
JSON, or is not a study object is recorded at build time with its path; asking for its ID
raises :class:`MalformedResponseError` naming the file, and the rest of the snapshot works.

Search follows the API's query areas (``term``, ``cond``, ``intr``, ``spons``, ``titles``,
``id``; see :data:`AREA_COLUMNS`) and a subset of Essie syntax: words (all must match),
``"phrases"``, ``AND``, ``OR``, ``NOT``, parentheses, ``word*`` prefixes and
``AREA[Field]value`` / ``AREA[Field]RANGE[a,b]``. See :data:`TEXT_FIELDS` and
:data:`FILTER_FIELDS` for the supported ``AREA`` fields; anything else raises
:class:`BadRequestError` naming it. Results are ranked by bm25 with per-column weights (an ID or
title hit counts more than a word in a description); ``filter.*`` narrows without ranking, and
with no text area the order is by NCT ID.

Where it differs from the live API, knowingly:

- little synonym expansion: Essie maps "ALS" to "Amyotrophic Lateral Sclerosis" through its
  thesaurus; this index stems words (Porter: "cells" finds "cell"), searches the record's own
  MeSH terms (``derivedSection`` browse modules) under ``cond``/``intr``/``term``, and indexes
  the initials of each multi-word condition ("ALS", "SMA", "MS") beside them, which covers the
  abbreviations marketing text uses most -- not every synonym the live API knows;
- ``term`` searches the protocol section's text and the MeSH terms, not posted results, not
  reference citations, and not API enum codes (``TREATMENT``, ``INTERVENTIONAL``: use
  ``AREA[...]`` filters for those);
- a date filter matches when the stated date *can* fall in the range: a ``2015-06`` start date
  matches ``RANGE[2015-06-15,2015-06-20]``.

Cost (``benchmarks/bench_snapshot.py``): opening checks the fingerprint, which for a folder
stats every file (about 1 s per 100,000 files); a zip is checked by size and mtime only, so the
bulk download kept as its zip opens in well under a millisecond.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import os
import re
import sqlite3
import struct
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trialmatch.registry.interface import (
    BadRequestError,
    GetResult,
    MalformedResponseError,
    Query,
    Registry,
    UnavailableError,
    normalize_nct_id,
    split_ids,
)
from trialmatch.registry.study import Study

__all__ = ["FILTER_FIELDS", "INDEX_SCHEMA", "TEXT_FIELDS", "BuildError", "SnapshotRegistry"]

INDEX_SCHEMA = "4"  # 4: condition initials indexed with the MeSH terms
"""Bumped whenever the index layout or its text extraction changes: old indexes are rebuilt."""

INDEX_PREFIX = ".trialmatch-index"
_NCT_FILE_RE = re.compile(r"(NCT\d{8})\.json$", re.IGNORECASE)

# ------------------------------------------------------------------------------- FTS columns
_FTS_COLUMNS: tuple[tuple[str, float], ...] = (
    # (column, bm25 weight)
    ("nct_ids", 10.0),  # nctId and nctIdAliases
    ("org_ids", 8.0),  # orgStudyIdInfo.id
    ("secondary_ids", 8.0),  # secondaryIdInfos[].id (EudraCT numbers etc.)
    ("brief_title", 5.0),
    ("official_title", 3.0),
    ("acronym", 5.0),
    ("conditions", 4.0),
    ("keywords", 2.0),
    ("condition_mesh", 1.5),  # derivedSection.conditionBrowseModule.meshes[].term
    ("interventions", 4.0),  # interventions[].name and .otherNames
    ("intervention_mesh", 1.5),  # derivedSection.interventionBrowseModule.meshes[].term
    ("lead_sponsor", 4.0),
    ("collaborators", 2.0),
    ("other", 1.0),  # every other text value of protocolSection
)
_COLUMN_NAMES = tuple(name for name, _ in _FTS_COLUMNS)
_BM25 = "bm25(fts, " + ", ".join(str(w) for _, w in _FTS_COLUMNS) + ")"

AREA_COLUMNS: dict[str, tuple[str, ...] | None] = {
    "term": None,  # every column
    "cond": ("conditions", "keywords", "condition_mesh"),
    "intr": ("interventions", "intervention_mesh"),
    "spons": ("lead_sponsor", "collaborators"),
    "titles": ("brief_title", "official_title", "acronym"),
    "id": ("nct_ids", "org_ids", "secondary_ids"),
}
"""Which index columns each API query area searches."""

TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "nctid": ("nct_ids",),
    "nctidalias": ("nct_ids",),
    "orgstudyid": ("org_ids",),
    "secondaryid": ("secondary_ids",),
    "brieftitle": ("brief_title",),
    "officialtitle": ("official_title",),
    "acronym": ("acronym",),
    "condition": ("conditions",),
    "keyword": ("keywords",),
    "conditionmeshterm": ("condition_mesh",),
    "interventionname": ("interventions",),  # (other names are in the same column)
    "interventionothername": ("interventions",),
    "interventionmeshterm": ("intervention_mesh",),
    "leadsponsorname": ("lead_sponsor",),
    "collaboratorname": ("collaborators",),
}
"""``AREA[Field]`` names (lower case) searched as text, and the index columns they search."""

_DATE_FIELDS = {
    "startdate": "start",
    "primarycompletiondate": "primary_completion",
    "completiondate": "completion",
    "studyfirstsubmitdate": "first_submitted",
    "studyfirstpostdate": "first_posted",
    "resultsfirstpostdate": "results_first_posted",
    "lastupdatepostdate": "last_update_posted",
    "statusverifieddate": "status_verified",
}
_ENUM_FIELDS = {
    "overallstatus": "overall_status",
    "lastknownstatus": "last_known_status",
    "studytype": "study_type",
    "enrollmenttype": "enrollment_type",
    "designallocation": "allocation",
    "designmasking": "masking",
    "designinterventionmodel": "intervention_model",
    "designprimarypurpose": "primary_purpose",
}
FILTER_FIELDS: tuple[str, ...] = (
    "Phase",
    "OverallStatus",
    "LastKnownStatus",
    "StudyType",
    "EnrollmentType",
    "DesignAllocation",
    "DesignMasking",
    "DesignInterventionModel",
    "DesignPrimaryPurpose",
    "HasResults",
    "EnrollmentCount",
    "StartDate",
    "PrimaryCompletionDate",
    "CompletionDate",
    "StudyFirstSubmitDate",
    "StudyFirstPostDate",
    "ResultsFirstPostDate",
    "LastUpdatePostDate",
    "StatusVerifiedDate",
)
"""``AREA[Field]`` names matched against stored values (enums, numbers, dates with RANGE)."""

STATUSES = frozenset(
    (
        "ACTIVE_NOT_RECRUITING",
        "COMPLETED",
        "ENROLLING_BY_INVITATION",
        "NOT_YET_RECRUITING",
        "RECRUITING",
        "SUSPENDED",
        "TERMINATED",
        "WITHDRAWN",
        "AVAILABLE",
        "NO_LONGER_AVAILABLE",
        "TEMPORARILY_NOT_AVAILABLE",
        "APPROVED_FOR_MARKETING",
        "WITHHELD",
        "UNKNOWN",
    )
)
"""``filter.overallStatus`` values (the spec's ``Status`` enum)."""

# Text already in a dedicated column (or dates, which are filters, not words) is left out of
# ``other``. Paths are protocolSection keys with list indices dropped.
_OTHER_SKIP = {
    ("identificationModule", "nctId"),
    ("identificationModule", "nctIdAliases"),
    ("identificationModule", "orgStudyIdInfo", "id"),
    ("identificationModule", "secondaryIdInfos", "id"),
    ("identificationModule", "briefTitle"),
    ("identificationModule", "officialTitle"),
    ("identificationModule", "acronym"),
    ("conditionsModule", "conditions"),
    ("conditionsModule", "keywords"),
    ("sponsorCollaboratorsModule", "leadSponsor", "name"),
    ("sponsorCollaboratorsModule", "collaborators", "name"),
    ("armsInterventionsModule", "interventions", "name"),
    ("armsInterventionsModule", "interventions", "otherNames"),
    # citations are author lists and journal names ("et al" would stem to "ALS"'s "al")
    ("referencesModule", "references", "citation"),
}

# API enum values (INTERVENTIONAL, TREATMENT, ALL, ...) are codes, not words of the record; they are
# searchable through AREA[...] filters instead of polluting free-text search
_ENUM_KEYS = frozenset(
    (
        "type",
        "class",
        "status",
        "overallStatus",
        "lastKnownStatus",
        "studyType",
        "phases",
        "allocation",
        "interventionModel",
        "primaryPurpose",
        "masking",
        "whoMasked",
        "sex",
        "stdAges",
        "role",
        "observationalModel",
        "timePerspective",
        "samplingMethod",
        "ipdSharing",
        "infoTypes",
        "designTimePerspectives",
        "responsibleParty",
    )
)
_ENUM_VALUE_RE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")

_STUDY_COLUMNS = (
    "overall_status",
    "last_known_status",
    "study_type",
    "phases",
    "enrollment",
    "enrollment_type",
    "allocation",
    "masking",
    "intervention_model",
    "primary_purpose",
    "has_results",
    *(f"{d}_{end}" for d in _DATE_FIELDS.values() for end in ("lo", "hi")),
)

_SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE studies(
  rowid INTEGER PRIMARY KEY,
  nct_id TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  offset INTEGER, csize INTEGER, method INTEGER, crc INTEGER,
  {", ".join(_STUDY_COLUMNS)}
);
CREATE TABLE aliases(alias TEXT PRIMARY KEY, nct_id TEXT NOT NULL);
CREATE TABLE errors(source TEXT NOT NULL, nct_id TEXT, message TEXT NOT NULL);
CREATE INDEX errors_by_id ON errors(nct_id);
CREATE VIRTUAL TABLE fts USING fts5({", ".join(_COLUMN_NAMES)}, content='',
  tokenize='porter unicode61 remove_diacritics 2');
"""

_BATCH = 2000
"""Index rows per insert batch ..."""
_BATCH_CHARS = 4_000_000
"""... or fewer, once their text reaches this many characters (some records are megabytes)."""


@dataclass(frozen=True)
class BuildError:
    """A snapshot file the index build could not use."""

    source: str
    """The file's path relative to the snapshot (or its zip member name)."""
    nct_id: str | None
    """The NCT ID its file name gives, if any."""
    message: str
    """What was wrong with it."""


# =========================================================================== snapshot files
@dataclass(frozen=True)
class _Entry:
    """One study file in the snapshot."""

    name: str
    """Relative path (POSIX separators) or zip member name."""
    offset: int | None = None
    csize: int | None = None
    method: int | None = None
    crc: int | None = None
    flags: int = 0


class _DirFiles:
    """A folder of study JSON files (at any depth)."""

    kind = "dir"

    def __init__(self, root: Path) -> None:
        self.root = root

    def walk(self) -> Iterator[tuple[_Entry, int, int]]:
        """(entry, size, mtime_ns) for every ``*.json`` file, streaming."""
        stack = [""]
        while stack:
            rel = stack.pop()
            try:
                it = os.scandir(self.root / rel if rel else self.root)
            except OSError:
                continue
            with it:
                for de in it:
                    if de.name.startswith("."):
                        continue
                    sub = f"{rel}/{de.name}" if rel else de.name
                    try:
                        if de.is_dir(follow_symlinks=False):
                            stack.append(sub)
                        elif de.name.lower().endswith(".json") and de.is_file():
                            st = de.stat()
                            yield _Entry(sub), st.st_size, st.st_mtime_ns
                    except OSError:
                        continue

    def fingerprint(self) -> str:
        fp = _Fingerprint()
        for entry, size, mtime in self.walk():
            fp.add(entry.name, size, mtime)
        return fp.value("dir")

    def quick_key(self) -> str | None:
        return None  # a directory has no cheaper check than the fingerprint

    def read(self, entry: _Entry) -> bytes:
        return (self.root / entry.name).read_bytes()

    def close(self) -> None:
        pass


class _Fingerprint:
    """An order-independent hash of (name, size, mtime) triples in constant memory."""

    def __init__(self) -> None:
        self.count = 0
        self.total = 0

    def add(self, name: str, size: int, mtime: int) -> None:
        digest = hashlib.blake2b(f"{name}\0{size}\0{mtime}".encode(), digest_size=16).digest()
        self.total = (self.total + int.from_bytes(digest, "big")) % (1 << 128)
        self.count += 1

    def value(self, kind: str) -> str:
        return f"{kind}:{self.count}:{self.total:032x}"


class _ZipFiles:
    """A .zip of study JSON files, read through its central directory (zip64 aware).

    The central directory is streamed rather than loaded (``zipfile.ZipFile`` keeps an object
    per member: ~600,000 of them for the full registry), and members are read by offset.
    """

    kind = "zip"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: io.BufferedReader | None = None
        self._lock = threading.Lock()
        self._zipfile: Any = None

    # -- central directory
    def _locate_cd(self, f: io.BufferedReader) -> tuple[int, int, int]:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        tail_len = min(size, 22 + 65535 + 20)
        f.seek(size - tail_len)
        tail = f.read(tail_len)
        i = tail.rfind(b"PK\x05\x06")
        if i < 0 or len(tail) - i < 22:
            raise MalformedResponseError(
                f"{self.path}: not a zip file (no end of central directory)"
            )
        _, _, _, _, n_total, cd_size, cd_offset, _ = struct.unpack("<4sHHHHLLH", tail[i : i + 22])
        if (n_total == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF) and i >= 20:
            loc = tail[i - 20 : i]
            if loc[:4] == b"PK\x06\x07":
                _, _, eocd64, _ = struct.unpack("<4sLQL", loc)
                f.seek(eocd64)
                rec = f.read(56)
                if len(rec) == 56 and rec[:4] == b"PK\x06\x06":
                    fields = struct.unpack("<4sQHHLLQQQQ", rec)
                    n_total, cd_size, cd_offset = fields[7], fields[8], fields[9]
        return cd_offset, cd_size, n_total

    def members(self, hasher: Any = None) -> Iterator[_Entry]:
        """Every file member, streaming the central directory (feeding ``hasher`` if given)."""
        with open(self.path, "rb") as raw:
            cd_offset, cd_size, _ = self._locate_cd(raw)
            raw.seek(cd_offset)
            f = io.BufferedReader(raw, buffer_size=1 << 20)  # type: ignore[arg-type]
            read = 0
            while read < cd_size:
                head = f.read(46)
                if len(head) < 46 or head[:4] != b"PK\x01\x02":
                    raise MalformedResponseError(
                        f"{self.path}: corrupt zip central directory at byte {cd_offset + read}"
                    )
                (
                    _,
                    _,
                    _,
                    flags,
                    method,
                    _,
                    _,
                    crc,
                    csize,
                    usize,
                    n_name,
                    n_extra,
                    n_comment,
                    _,
                    _,
                    _,
                    offset,
                ) = struct.unpack("<4sHHHHHHLLLHHHHHLL", head)
                rest = f.read(n_name + n_extra + n_comment)
                read += 46 + len(rest)
                if hasher is not None:
                    hasher.update(head)
                    hasher.update(rest)
                name_b = rest[:n_name]
                name = name_b.decode("utf-8" if flags & 0x800 else "cp437", "replace")
                extra = rest[n_name : n_name + n_extra]
                if 0xFFFFFFFF in (csize, usize, offset):
                    csize, usize, offset = _zip64_extra(extra, csize, usize, offset)
                base = name.rsplit("/", 1)[-1]
                if (
                    name.endswith("/")
                    or not base.lower().endswith(".json")
                    or base.startswith(".")
                    or name.startswith("__MACOSX/")
                ):
                    continue
                yield _Entry(name, offset, csize, method, crc, flags)

    def walk(self) -> Iterator[tuple[_Entry, int, int]]:
        for entry in self.members():
            yield entry, entry.csize or 0, 0

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for _ in self.members(h):
            pass
        return f"zip:{h.hexdigest()}"

    def quick_key(self) -> str | None:
        st = self.path.stat()
        return f"zip:{st.st_size}:{st.st_mtime_ns}"

    # -- members
    def read(self, entry: _Entry) -> bytes:
        if entry.flags & 0x1:
            raise MalformedResponseError(f"{self.path}:{entry.name}: encrypted zip member")
        if entry.method not in (0, 8):
            return self._read_with_zipfile(entry.name)
        with self._lock:
            if self._fh is None:
                self._fh = open(self.path, "rb")  # noqa: SIM115 - kept open until close()
            f = self._fh
            f.seek(entry.offset or 0)
            head = f.read(30)
            if len(head) < 30 or head[:4] != b"PK\x03\x04":
                raise MalformedResponseError(f"{self.path}:{entry.name}: bad local header")
            n_name, n_extra = struct.unpack("<HH", head[26:30])
            f.seek((entry.offset or 0) + 30 + n_name + n_extra)
            data = f.read(entry.csize or 0)
        try:
            out = data if entry.method == 0 else zlib.decompress(data, -15)
        except zlib.error as exc:
            raise MalformedResponseError(f"{self.path}:{entry.name}: corrupt data ({exc})") from exc
        if entry.crc is not None and zlib.crc32(out) != entry.crc:
            raise MalformedResponseError(f"{self.path}:{entry.name}: CRC mismatch")
        return out

    def _read_with_zipfile(self, name: str) -> bytes:
        import zipfile

        with self._lock:
            if self._zipfile is None:
                self._zipfile = zipfile.ZipFile(self.path)
            try:
                return self._zipfile.read(name)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
                raise MalformedResponseError(f"{self.path}:{name}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None
            if self._zipfile is not None:
                self._zipfile.close()
                self._zipfile = None


def _zip64_extra(extra: bytes, csize: int, usize: int, offset: int) -> tuple[int, int, int]:
    i = 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack("<HH", extra[i : i + 4])
        if tag == 0x0001:
            data = extra[i + 4 : i + 4 + size]
            j = 0
            vals = []
            while j + 8 <= len(data):
                vals.append(struct.unpack("<Q", data[j : j + 8])[0])
                j += 8
            k = 0
            if usize == 0xFFFFFFFF and k < len(vals):
                usize, k = vals[k], k + 1
            if csize == 0xFFFFFFFF and k < len(vals):
                csize, k = vals[k], k + 1
            if offset == 0xFFFFFFFF and k < len(vals):
                offset = vals[k]
            break
        i += 4 + size
    return csize, usize, offset


# ======================================================================== record -> index row
def _texts(obj: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(obj, str):
        yield path, obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _texts(v, (*path, k))
    elif isinstance(obj, list):
        for v in obj:
            yield from _texts(v, path)


def _join(values: Iterable[Any]) -> str:
    return "\n".join(v for v in values if isinstance(v, str) and v.strip())


def _mesh_terms(derived: Any, module: str) -> str:
    mod = derived.get(module) if isinstance(derived, dict) else None
    if not isinstance(mod, dict):
        return ""
    out = []
    for key in ("meshes", "ancestors"):
        for item in mod.get(key) or ():
            if isinstance(item, dict) and isinstance(item.get("term"), str):
                out.append(item["term"])
    return _join(out)


_SMALL_WORDS = frozenset(
    [
        "of",
        "and",
        "the",
        "with",
        "in",
        "on",
        "or",
        "to",
        "for",
        "by",
        "a",
        "an",
        "due",
        "type",
        "stage",
        "grade",
    ]
)
_PART_SPLIT = re.compile(r"[,;()\[\]/]+")
_LETTER_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _initials(conditions: Iterable[str]) -> list[str]:
    """The initials of each multi-word condition, a stand-in for the API's synonyms:
    "Amyotrophic Lateral Sclerosis" -> "ALS", "Multiple Sclerosis, Chronic Progressive" -> "MS",
    "CP", "Infantile Spinal Muscular Atrophy" -> "ISMA", "SMA". Parts of one word or of more
    than five are skipped."""
    out: list[str] = []
    for cond in conditions:
        for part in _PART_SPLIT.split(cond):
            words = [w for w in _LETTER_WORD.findall(part) if w.lower() not in _SMALL_WORDS]
            if not 2 <= len(words) <= 5:
                continue
            # the whole part, and each tail of three words or more: a leading qualifier
            # ("Infantile Spinal Muscular Atrophy") is often left out of the abbreviation
            for k in range(len(words) - 2 + (len(words) == 2)):
                acr = "".join(w[0] for w in words[k:]).upper()
                if acr not in out:
                    out.append(acr)
    return out


def _fts_row(data: dict[str, Any], study: Study) -> tuple[str, ...]:
    ps = data.get("protocolSection") if isinstance(data.get("protocolSection"), dict) else {}
    derived = data.get("derivedSection")
    other = _join(
        text
        for path, text in _texts(ps)
        if path not in _OTHER_SKIP
        and not path[-1].lower().endswith("date")
        and not (path[-1] in _ENUM_KEYS and _ENUM_VALUE_RE.fullmatch(text))
    )
    return (
        _join((study.nct_id, *study.aliases)),
        study.org_study_id or "",
        _join(s.id for s in study.secondary_ids),
        study.brief_title or "",
        study.official_title or "",
        study.acronym or "",
        _join(study.conditions),
        _join(study.keywords),
        _join((_mesh_terms(derived, "conditionBrowseModule"), *_initials(study.conditions))),
        _join(study.intervention_names),
        _mesh_terms(derived, "interventionBrowseModule"),
        study.lead_sponsor.name if study.lead_sponsor else "",
        _join(c.name for c in study.collaborators),
        other,
    )


def _filter_row(study: Study) -> tuple[Any, ...]:
    dates = (
        study.start_date,
        study.primary_completion_date,
        study.completion_date,
        study.first_submitted,
        study.first_posted,
        study.results_first_posted,
        study.last_update_posted,
        study.status_verified,
    )
    date_cols: list[str | None] = []
    for d in dates:
        if d is None:
            date_cols += [None, None]
        else:
            date_cols += [d.first_day.isoformat(), d.last_day.isoformat()]
    return (
        study.overall_status,
        study.last_known_status,
        study.study_type,
        " " + " ".join(study.phases) + " " if study.phases else None,
        study.enrollment,
        study.enrollment_type,
        study.allocation,
        study.masking,
        study.intervention_model,
        study.primary_purpose,
        None if study.has_results is None else int(study.has_results),
        *date_cols,
    )


def _parse_record(raw: bytes, where: str) -> tuple[dict[str, Any], Study]:
    """The JSON object and its Study, or MalformedResponseError naming ``where``."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedResponseError(f"{where}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise MalformedResponseError(
            f"{where}: not an API v2 study object (a JSON {type(data).__name__})"
        )
    try:
        study = Study.from_api(data)
    except MalformedResponseError as exc:
        raise MalformedResponseError(f"{where}: {exc}") from exc
    except (TypeError, ValueError, AttributeError) as exc:  # defensive: never leak these
        raise MalformedResponseError(f"{where}: unusable study record ({exc})") from exc
    return data, study


# ============================================================================ Essie queries
@dataclass(frozen=True)
class _Text:
    text: str
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class _Range:
    lo: str
    hi: str


@dataclass(frozen=True)
class _Area:
    field: str
    node: Any


@dataclass(frozen=True)
class _And:
    items: tuple[Any, ...]


@dataclass(frozen=True)
class _Or:
    items: tuple[Any, ...]


@dataclass(frozen=True)
class _Not:
    item: Any


_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<lp>\()
  | (?P<rp>\))
  | (?P<phrase>"[^"]*")
  | (?P<op>[A-Za-z_]+\[[^\]]*\])
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)


class _Parser:
    """Essie expressions: implicit AND, AND/OR/NOT, parentheses, phrases, AREA[..], RANGE[..]."""

    def __init__(self, text: str, param: str) -> None:
        self.param = param
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN_RE.match(text, pos)
            if not m:
                raise self.error(f"unbalanced quote at {text[pos:]!r}")
            pos = m.end()
            kind = m.lastgroup or ""
            if kind != "space":
                self.tokens.append((kind, m.group()))
        self.i = 0

    def error(self, what: str) -> BadRequestError:
        return BadRequestError(f"{self.param}: {what} (offline snapshot search)")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> Any:
        if not self.tokens:
            raise self.error("empty query")
        node = self.parse_or()
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return node

    def parse_or(self) -> Any:
        items = [self.parse_and()]
        while (tok := self.peek()) and tok == ("word", "OR"):
            self.take()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else _Or(tuple(items))

    def parse_and(self) -> Any:
        items = [self.parse_not()]
        while (tok := self.peek()) and tok[0] != "rp" and tok != ("word", "OR"):
            if tok == ("word", "AND"):
                self.take()
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else _And(tuple(items))

    def parse_not(self) -> Any:
        if self.peek() == ("word", "NOT"):
            self.take()
            return _Not(self.parse_not())
        return self.parse_primary()

    def parse_primary(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise self.error("expression ends too early")
        kind, value = self.take()
        if kind == "lp":
            node = self.parse_or()
            if self.peek() is None or self.peek()[0] != "rp":  # type: ignore[index]
                raise self.error("missing ')'")
            self.take()
            return node
        if kind == "rp":
            raise self.error("unexpected ')'")
        if kind == "phrase":
            return _Text(value[1:-1], phrase=True)
        if kind == "word":
            if value in ("AND", "OR"):
                raise self.error(f"{value} without a term before it")
            if value.endswith("*") and len(value) > 1:
                return _Text(value.rstrip("*"), prefix=True)
            return _Text(value)
        # operator
        name, arg = value.split("[", 1)
        arg = arg[:-1]
        upper = name.upper()
        if upper == "AREA":
            field = arg.strip()
            key = field.lower()
            if (
                key not in TEXT_FIELDS
                and key != "phase"
                and key not in _ENUM_FIELDS
                and key not in (_DATE_FIELDS)
                and key not in ("hasresults", "enrollmentcount")
            ):
                raise self.error(
                    f"AREA[{field}] is not supported; supported fields: "
                    + ", ".join(sorted({*FILTER_FIELDS, *_TEXT_FIELD_NAMES}))
                )
            if self.peek() is None:
                raise self.error(f"AREA[{field}] without a value")
            if self.peek()[0] == "op" and self.peek()[1].upper().startswith("RANGE["):  # type: ignore[index]
                _, rng = self.take()
                parts = rng[rng.index("[") + 1 : -1].split(",")
                if len(parts) != 2:
                    raise self.error(f"{rng} needs two bounds")
                return _Area(field, _Range(parts[0].strip(), parts[1].strip()))
            return _Area(field, self.parse_not())
        if upper == "RANGE":
            raise self.error(f"{value} must follow AREA[Field]")
        raise self.error(
            f"{name}[...] is not supported (supported: AREA[Field], RANGE[a,b], AND, OR, NOT, "
            'parentheses, "phrases", word*)'
        )


_TEXT_FIELD_NAMES = (
    "NCTId", "NCTIdAlias", "OrgStudyId", "SecondaryId", "BriefTitle", "OfficialTitle", "Acronym",
    "Condition", "Keyword", "ConditionMeshTerm", "InterventionName", "InterventionOtherName",
    "InterventionMeshTerm", "LeadSponsorName", "CollaboratorName",
)  # fmt: skip


def _fts_phrase(t: _Text) -> str | None:
    """``"words"`` (or ``"word" *``) for FTS5, or None when the text holds no searchable word."""
    if not re.search(r"\w", t.text):
        return None
    quoted = '"' + t.text.replace('"', " ") + '"'
    return quoted + " *" if t.prefix else quoted


class _Compiler:
    """Essie AST -> an FTS5 MATCH string where possible, else a SQL predicate over studies."""

    def __init__(self, param: str) -> None:
        self.param = param
        self.params: list[Any] = []

    def error(self, what: str) -> BadRequestError:
        return BadRequestError(f"{self.param}: {what} (offline snapshot search)")

    # -- FTS
    def fts(self, node: Any, cols: tuple[str, ...] | None) -> str | None:
        """An FTS5 expression, or None if ``node`` needs SQL (filters, lone NOT, no words)."""
        if isinstance(node, _Text):
            phrase = _fts_phrase(node)
            if phrase is None:
                return None
            return f"{{{' '.join(cols)}}} : {phrase}" if cols else phrase
        if isinstance(node, _Area):
            key = node.field.lower()
            if key in TEXT_FIELDS and not isinstance(node.node, _Range):
                return self.fts(node.node, TEXT_FIELDS[key])
            return None
        if isinstance(node, _Or):
            parts = [self.fts(n, cols) for n in node.items]
            if any(p is None for p in parts):
                return None
            return " OR ".join(f"({p})" for p in parts)
        if isinstance(node, _And):
            pos, neg = [], []
            for n in node.items:
                if isinstance(n, _Not):
                    p = self.fts(n.item, cols)
                    if p is None:
                        return None
                    neg.append(p)
                else:
                    p = self.fts(n, cols)
                    if p is None:
                        return None
                    pos.append(p)
            if not pos:
                return None
            expr = " AND ".join(f"({p})" for p in pos)
            for p in neg:
                expr = f"({expr}) NOT ({p})"
            return expr
        return None  # _Not alone

    # -- SQL
    def sql(self, node: Any, cols: tuple[str, ...] | None) -> str:
        """A SQL predicate on ``s`` (the studies row) that is 0 or 1, never NULL."""
        expr = self.fts(node, cols)
        if expr is not None:
            self.params.append(expr)
            return "s.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
        if isinstance(node, _Text):
            raise self.error(f"{node.text!r} has no searchable word")
        if isinstance(node, _And):
            return "(" + " AND ".join(self.sql(n, cols) for n in node.items) + ")"
        if isinstance(node, _Or):
            return "(" + " OR ".join(self.sql(n, cols) for n in node.items) + ")"
        if isinstance(node, _Not):
            return f"(NOT {self.sql(node.item, cols)})"
        if isinstance(node, _Area):
            key = node.field.lower()
            if key in TEXT_FIELDS:
                if isinstance(node.node, _Range):
                    raise self.error(f"RANGE is not supported on AREA[{node.field}]")
                return self.sql(node.node, TEXT_FIELDS[key])
            return self.field(node.field, key, node.node)
        raise self.error(f"cannot use {node!r}")

    def field(self, field: str, key: str, node: Any) -> str:
        if isinstance(node, _And | _Or):
            op = " AND " if isinstance(node, _And) else " OR "
            return "(" + op.join(self.field(field, key, n) for n in node.items) + ")"
        if isinstance(node, _Not):
            return f"(NOT {self.field(field, key, node.item)})"
        if isinstance(node, _Area):
            raise self.error(f"AREA[{node.field}] inside AREA[{field}]")
        if key in _DATE_FIELDS:
            col = _DATE_FIELDS[key]
            if isinstance(node, _Range):
                lo, hi = (
                    self.date_bound(node.lo, field, True),
                    self.date_bound(node.hi, field, False),
                )
            else:
                lo, hi = (
                    self.date_bound(node.text, field, True),
                    self.date_bound(node.text, field, False),
                )
                if lo is None or hi is None:
                    raise self.error(f"AREA[{field}] needs a date, not {node.text!r}")
            conds = [f"s.{col}_lo IS NOT NULL"]
            if lo is not None:
                conds.append(f"s.{col}_hi >= ?")
                self.params.append(lo)
            if hi is not None:
                conds.append(f"s.{col}_lo <= ?")
                self.params.append(hi)
            return "(" + " AND ".join(conds) + ")"
        if key == "enrollmentcount":
            if isinstance(node, _Range):
                lo, hi = self.int_bound(node.lo, field), self.int_bound(node.hi, field)
            else:
                lo = hi = self.int_bound(node.text, field)
                if lo is None:
                    raise self.error(f"AREA[{field}] needs a number, not {node.text!r}")
            conds = ["s.enrollment IS NOT NULL"]
            if lo is not None:
                conds.append("s.enrollment >= ?")
                self.params.append(lo)
            if hi is not None:
                conds.append("s.enrollment <= ?")
                self.params.append(hi)
            return "(" + " AND ".join(conds) + ")"
        if isinstance(node, _Range):
            raise self.error(f"RANGE is not supported on AREA[{field}]")
        value = node.text.strip()
        if key == "hasresults":
            low = value.lower()
            if low not in ("true", "false"):
                raise self.error(f"AREA[{field}] takes true or false, not {value!r}")
            return f"coalesce(s.has_results = {1 if low == 'true' else 0}, 0)"
        if key == "phase":
            norm = re.sub(r"[^A-Z0-9]", "", value.upper())
            phase = {"EARLYPHASE1": "EARLY_PHASE1", "NOTAPPLICABLE": "NA", "NA": "NA"}.get(
                norm, norm
            )
            if phase not in ("NA", "EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4"):
                raise self.error(f"AREA[Phase] value {value!r} is not a phase")
            self.params.append(f" {phase} ")
            return "coalesce(instr(s.phases, ?) > 0, 0)"
        col = _ENUM_FIELDS[key]
        self.params.append(re.sub(r"[^A-Z0-9]+", "_", value.upper()).strip("_"))
        return f"coalesce(s.{col} = ?, 0)"

    def date_bound(self, text: str, field: str, low: bool) -> str | None:
        t = text.strip().upper()
        if t in ("MIN", "MAX"):
            if (t == "MIN") != low:
                raise self.error(f"AREA[{field}] RANGE has {t} on the wrong side")
            return None
        parts = t.split("-")
        try:
            if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", t):
                raise ValueError
            y = int(parts[0])
            m = int(parts[1]) if len(parts) > 1 else (1 if low else 12)
            if len(parts) > 2:
                d = int(parts[2])
            else:
                d = 1 if low else calendar.monthrange(y, m)[1]
            import datetime as dt

            return dt.date(y, m, d).isoformat()
        except ValueError:
            raise self.error(
                f"AREA[{field}] bound {text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
            ) from None

    def int_bound(self, text: str, field: str) -> int | None:
        t = text.strip().upper()
        if t in ("MIN", "MAX"):
            return None
        try:
            return int(t)
        except ValueError:
            raise self.error(f"AREA[{field}] bound {text!r} is not a number") from None


def _compile(query: Query) -> tuple[str | None, list[str], list[Any]]:
    """(FTS MATCH for ranking or None, SQL predicates, their parameters) for ``query``."""
    fts_parts: list[str] = []
    preds: list[str] = []
    params: list[Any] = []
    for area, cols in AREA_COLUMNS.items():
        value = getattr(query, area)
        if not value or not value.strip():
            continue
        name = f"query.{area}"
        node = _Parser(value, name).parse()
        comp = _Compiler(name)
        # top-level conjuncts that FTS can express rank the results; the others filter
        items = node.items if isinstance(node, _And) else (node,)
        fts_items = []
        rest = []
        for item in items:
            if isinstance(item, _Not):
                rest.append(item)
                continue
            expr = comp.fts(item, cols)
            (fts_items if expr is not None else rest).append(expr if expr is not None else item)
        if fts_items and rest and all(isinstance(r, _Not) for r in rest):
            negs = [comp.fts(r.item, cols) for r in rest]
            if all(n is not None for n in negs):
                expr = " AND ".join(f"({p})" for p in fts_items)
                for n in negs:
                    expr = f"({expr}) NOT ({n})"
                fts_items, rest = [expr], []
        fts_parts.extend(fts_items)
        for item in rest:
            preds.append(comp.sql(item, cols))
        params.extend(comp.params)
    if query.overall_status:
        bad = [s for s in query.overall_status if s.upper() not in STATUSES]
        if bad:
            raise BadRequestError(
                f"filter.overallStatus: {', '.join(map(repr, bad))} not a status "
                f"(one of {', '.join(sorted(STATUSES))})"
            )
        preds.append("s.overall_status IN (" + ",".join("?" * len(query.overall_status)) + ")")
        params.extend(s.upper() for s in query.overall_status)
    if query.advanced and query.advanced.strip():
        node = _Parser(query.advanced, "filter.advanced").parse()
        comp = _Compiler("filter.advanced")
        preds.append(comp.sql(node, None))
        params.extend(comp.params)
    match = " AND ".join(f"({p})" for p in fts_parts) if fts_parts else None
    return match, preds, params


# ============================================================================== the registry
class SnapshotRegistry(Registry):
    """ClinicalTrials.gov studies from a snapshot directory or zip (see the module docstring)."""

    def __init__(self, path: Path, index_dir: Path | None = None) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise UnavailableError(f"snapshot {self.path}: no such file or directory")
        if self.path.is_dir():
            self._files: _DirFiles | _ZipFiles = _DirFiles(self.path)
        elif self.path.suffix.lower() == ".zip":
            self._files = _ZipFiles(self.path)
        else:
            raise BadRequestError(
                f"snapshot {self.path}: not a directory or a .zip of API v2 study JSON files"
            )
        self._lock = threading.RLock()
        self.rebuilt = False
        """True when opening this snapshot (re)built its index."""
        self.index_path, self._db = self._open_index(index_dir)
        self.count = int(self._meta("count") or 0)
        """Number of studies in the index."""
        errors = self._db.execute("SELECT count(*) FROM errors").fetchone()[0]
        self.description = f"snapshot {self.path} ({self.count} studies" + (
            f", {errors} unusable files)" if errors else ")"
        )

    # ---------------------------------------------------------------- index location / build
    def _candidates(self, index_dir: Path | None) -> list[Path]:
        resolved = str(self.path.resolve())
        digest = hashlib.sha1(resolved.encode()).hexdigest()[:12]
        if index_dir is not None:
            return [Path(index_dir) / f"{INDEX_PREFIX}-{self.path.name}-{digest}.sqlite"]
        if self._files.kind == "dir":
            beside = self.path / f"{INDEX_PREFIX}.sqlite"
        else:
            beside = self.path.parent / f"{INDEX_PREFIX}-{self.path.name}.sqlite"
        import platformdirs

        cache = (
            Path(platformdirs.user_cache_dir("trialmatch"))
            / "snapshot-index"
            / f"{self.path.name}-{digest}.sqlite"
        )
        return [beside, cache]

    def _open_index(self, index_dir: Path | None) -> tuple[Path, sqlite3.Connection]:
        candidates = self._candidates(index_dir)
        fingerprint: str | None = None
        for cand in candidates:
            db = _connect_ro(cand)
            if db is None:
                continue
            ok, fingerprint = self._is_current(db, cand, fingerprint)
            if ok:
                return cand, db
            db.close()
        failures = []
        for cand in candidates:
            try:
                self._build(cand)
            except (OSError, sqlite3.Error) as exc:
                failures.append(f"{cand}: {exc}")
                continue
            db = _connect_ro(cand)
            if db is not None:
                self.rebuilt = True
                return cand, db
        raise UnavailableError(
            f"snapshot {self.path}: cannot write an index ({'; '.join(failures) or 'no location'})"
        )

    def _is_current(
        self, db: sqlite3.Connection, where: Path, fingerprint: str | None
    ) -> tuple[bool, str | None]:
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error:
            return False, fingerprint
        if meta.get("schema") != INDEX_SCHEMA or meta.get("complete") != "1":
            return False, fingerprint
        quick = self._files.quick_key()
        if quick is not None and meta.get("quick") == quick:
            return True, fingerprint
        if fingerprint is None:
            fingerprint = self._files.fingerprint()
        if meta.get("fingerprint") != fingerprint:
            return False, fingerprint
        if quick is not None:  # same content, new mtime (e.g. copied): remember the new stat
            try:
                with sqlite3.connect(where) as rw:
                    rw.execute("UPDATE meta SET value = ? WHERE key = 'quick'", (quick,))
            except sqlite3.Error:
                pass
        return True, fingerprint

    def _build(self, target: Path) -> None:
        """Stream every study file into a new index at ``target`` (atomically replaced)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        tmp.unlink(missing_ok=True)
        quick = self._files.quick_key()  # before reading: a change during the build shows later
        db = sqlite3.connect(tmp)
        try:
            db.executescript(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;"
                + _SCHEMA
            )
            fp = _Fingerprint()
            zip_hash = hashlib.sha256() if isinstance(self._files, _ZipFiles) else None
            if isinstance(self._files, _ZipFiles):
                walk: Iterable[tuple[_Entry, int, int]] = (
                    (e, e.csize or 0, 0) for e in self._files.members(zip_hash)
                )
            else:
                walk = self._files.walk()
            insert_study = (
                f"INSERT OR IGNORE INTO studies(rowid, nct_id, source, offset, csize, method, "
                f"crc, {', '.join(_STUDY_COLUMNS)}) VALUES ({','.join('?' * (7 + len(_STUDY_COLUMNS)))})"
            )
            insert_fts = (
                f"INSERT INTO fts(rowid, {', '.join(_COLUMN_NAMES)}) "
                f"VALUES ({','.join('?' * (1 + len(_COLUMN_NAMES)))})"
            )
            fts_rows: list[tuple[Any, ...]] = []
            batch_chars = 0
            alias_rows: list[tuple[str, str]] = []
            rowid = 0
            count = 0
            db.execute("BEGIN")
            for entry, size, mtime in walk:
                fp.add(entry.name, size, mtime)
                m = _NCT_FILE_RE.search(entry.name)
                file_id = m.group(1).upper() if m else None
                try:
                    raw = self._files.read(entry)
                except OSError as exc:
                    db.execute(
                        "INSERT INTO errors VALUES (?,?,?)",
                        (entry.name, file_id, f"cannot read {self._where(entry.name)}: {exc}"),
                    )
                    continue
                except MalformedResponseError as exc:
                    db.execute("INSERT INTO errors VALUES (?,?,?)", (entry.name, file_id, str(exc)))
                    continue
                try:
                    data, study = _parse_record(raw, self._where(entry.name))
                except MalformedResponseError as exc:
                    db.execute("INSERT INTO errors VALUES (?,?,?)", (entry.name, file_id, str(exc)))
                    continue
                rowid += 1
                cur = db.execute(
                    insert_study,
                    (
                        rowid,
                        study.nct_id,
                        entry.name,
                        entry.offset,
                        entry.csize,
                        entry.method,
                        entry.crc,
                        *_filter_row(study),
                    ),
                )
                if cur.rowcount == 0:
                    db.execute(
                        "INSERT INTO errors VALUES (?,?,?)",
                        (
                            entry.name,
                            None,
                            f"{self._where(entry.name)}: {study.nct_id} is already in the "
                            + "snapshot in another file; this copy is ignored",
                        ),
                    )
                    continue
                count += 1
                alias_rows.extend((a, study.nct_id) for a in study.aliases)
                texts = _fts_row(data, study)
                del data, study, raw  # keep memory flat: only the batch's text stays
                fts_rows.append((rowid, *texts))
                batch_chars += sum(map(len, texts))
                if len(fts_rows) >= _BATCH or batch_chars >= _BATCH_CHARS:
                    db.executemany(insert_fts, fts_rows)
                    db.executemany("INSERT OR IGNORE INTO aliases VALUES (?,?)", alias_rows)
                    fts_rows.clear()
                    alias_rows.clear()
                    batch_chars = 0
            db.executemany(insert_fts, fts_rows)
            db.executemany("INSERT OR IGNORE INTO aliases VALUES (?,?)", alias_rows)
            db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
            fingerprint = f"zip:{zip_hash.hexdigest()}" if zip_hash is not None else fp.value("dir")
            db.executemany(
                "INSERT INTO meta VALUES (?,?)",
                [
                    ("schema", INDEX_SCHEMA),
                    ("fingerprint", fingerprint),
                    ("quick", quick or ""),
                    ("count", str(count)),
                    ("snapshot", str(self.path.resolve())),
                    ("complete", "1"),
                ],
            )
            db.execute("COMMIT")
            db.close()
            os.replace(tmp, target)
        except BaseException:
            db.close()
            tmp.unlink(missing_ok=True)
            raise

    def _where(self, name: str) -> str:
        return f"{self.path}/{name}" if self._files.kind == "dir" else f"{self.path}:{name}"

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def build_errors(self) -> list[BuildError]:
        """Files the index build could not use (unreadable, not JSON, not a study, duplicate)."""
        with self._lock:
            rows = self._db.execute("SELECT source, nct_id, message FROM errors ORDER BY rowid")
            return [BuildError(*r) for r in rows.fetchall()]

    # ---------------------------------------------------------------------------- reading
    def _load(self, row: Sequence[Any], alias: str | None = None) -> Study:
        nct_id, source, offset, csize, method, crc = row
        entry = _Entry(source, offset, csize, method, crc)
        try:
            raw = self._files.read(entry)
        except OSError as exc:
            raise MalformedResponseError(
                f"{nct_id}: cannot read {self._where(source)} ({exc}); the snapshot changed "
                "since it was opened"
            ) from exc
        data, study = _parse_record(raw, self._where(source))
        if study.nct_id != nct_id:
            raise MalformedResponseError(
                f"{self._where(source)} now holds {study.nct_id}, not {nct_id}; the snapshot "
                "changed since it was opened"
            )
        return Study.from_api(data, alias=alias) if alias else study

    def _lookup(self, nct_ids: Iterable[str]) -> tuple[list[Study], dict[str, str]]:
        ids = list(dict.fromkeys(normalize_nct_id(i) for i in nct_ids))
        rows: dict[str, tuple[Any, ...]] = {}
        alias_of: dict[str, str] = {}
        bad: dict[str, str] = {}
        cols = "nct_id, source, offset, csize, method, crc"
        with self._lock:
            for chunk in _chunks(ids, 500):
                marks = ",".join("?" * len(chunk))
                for r in self._db.execute(
                    f"SELECT {cols} FROM studies WHERE nct_id IN ({marks})", chunk
                ):
                    rows[r[0]] = tuple(r)
                unknown = [i for i in chunk if i not in rows]
                if not unknown:
                    continue
                marks = ",".join("?" * len(unknown))
                for alias, target in self._db.execute(
                    f"SELECT alias, nct_id FROM aliases WHERE alias IN ({marks})", unknown
                ):
                    alias_of[alias] = target
                targets = [t for t in set(alias_of.values()) if t not in rows]
                for r in self._db.execute(
                    f"SELECT {cols} FROM studies WHERE nct_id IN ({','.join('?' * len(targets))})",
                    targets,
                ):
                    rows[r[0]] = tuple(r)
                still = [i for i in unknown if i not in alias_of]
                if still:
                    for nct, message in self._db.execute(
                        "SELECT nct_id, message FROM errors WHERE nct_id IN "
                        f"({','.join('?' * len(still))}) ORDER BY rowid",
                        still,
                    ):
                        bad.setdefault(nct, message)
        studies: list[Study] = []
        seen: set[str] = set()
        for i in ids:
            alias = None
            row = rows.get(i)
            if row is None and i in alias_of:
                alias, row = i, rows.get(alias_of[i])
            if row is None or row[0] in seen:
                continue
            try:
                studies.append(self._load(row, alias))
                seen.add(row[0])
            except MalformedResponseError as exc:
                bad[i] = str(exc)
        return studies, bad

    # ------------------------------------------------------------------------ Registry API
    def get(self, nct_ids: Iterable[str]) -> list[Study]:
        """Studies for these IDs (or their aliases), in the order asked; unknown IDs are left
        out. Raises InvalidIdError for a non-ID, MalformedResponseError (naming the file) when
        a requested study's file is corrupt."""
        studies, bad = self._lookup(nct_ids)
        if bad:
            raise MalformedResponseError("; ".join(bad.values()))
        return studies

    def get_many(self, nct_ids: Sequence[str]) -> GetResult:
        valid, invalid = split_ids(nct_ids)
        studies, bad = self._lookup(valid) if valid else ([], {})
        found = {s.nct_id for s in studies} | {a for s in studies for a in s.aliases}
        missing = tuple(dict.fromkeys(i for i in valid if i not in found and i not in bad))
        return GetResult(tuple(studies), missing, tuple(invalid), dict(bad))

    def search(self, query: Query) -> Iterator[Study]:
        """Studies matching ``query``, best bm25 first (ID order when no text area is given)."""
        return self._iter(self._search_rows(query))

    def search_ids(self, query: Query) -> list[str]:
        """The NCT IDs ``search`` would give, in the same order, without reading the records."""
        return [row[0] for row in self._search_rows(query)]

    def _search_rows(self, query: Query) -> list[Any]:
        match, preds, params = _compile(query)
        limit = max(0, int(query.limit))
        cols = "s.nct_id, s.source, s.offset, s.csize, s.method, s.crc"
        if match is not None:
            sql = (
                f"SELECT {cols} FROM fts JOIN studies s ON s.rowid = fts.rowid "
                f"WHERE fts MATCH ? {''.join(' AND ' + p for p in preds)} "
                f"ORDER BY {_BM25}, s.nct_id LIMIT ?"
            )
            args = [match, *params, limit]
        else:
            where = " AND ".join(preds) or "1"
            sql = f"SELECT {cols} FROM studies s WHERE {where} ORDER BY s.nct_id LIMIT ?"
            args = [*params, limit]
        with self._lock:
            try:
                rows = self._db.execute(sql, args).fetchall()
            except sqlite3.OperationalError as exc:
                raise BadRequestError(
                    f"{query.describe()}: the snapshot index could not run this search ({exc})"
                ) from exc
        return rows

    def _iter(self, rows: list[Any]) -> Iterator[Study]:
        for row in rows:
            yield self._load(tuple(row))

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._files.close()

    def __len__(self) -> int:
        return self.count


def _chunks(items: Sequence[str], n: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _connect_ro(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to an existing index, or None."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        db.execute("SELECT 1 FROM meta LIMIT 1")
        db.execute("PRAGMA mmap_size = 268435456")  # reads through the OS page cache
        db.execute("PRAGMA cache_size = -32768")
        return db
    except sqlite3.Error:
        return None
