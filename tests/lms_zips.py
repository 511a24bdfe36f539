"""Zip archives for the tests: LMS downloads, and every kind of trouble one could hold."""

from __future__ import annotations

import io
import stat
import struct
import warnings
import zipfile

from grader.submissions.archives import MAX_RATIO
from grader.submissions.discover import MAX_FILE_BYTES

ANSWERS = "question,answer\ns1,0.7\ny_hat,-0.05\n"
WITH_ID = "question,answer\nstudent_id,B1\ns1,0.7\ny_hat,-0.05\n"
MOODLE = "Jane Doe_1234567_assignsubmission_file"


def zip_of(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of ``(name or ZipInfo, bytes or text)``, in that order."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name; some tests want one
        with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
            for name, data in entries:
                archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()


def patched(data: bytes, name: str, *, flags: int | None = None, size: int | None = None) -> bytes:
    """The archive with an entry's flags or declared unpacked size changed, in both of its headers."""
    out = bytearray(data)
    encoded = name.encode("utf-8")
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", out, at + 28)[0]
        if bytes(out[at + 46:at + 46 + length]) == encoded:
            local = struct.unpack_from("<I", out, at + 42)[0]
            if flags is not None:
                struct.pack_into("<H", out, at + 8, flags)
                struct.pack_into("<H", out, local + 6, flags)
            if size is not None:
                struct.pack_into("<I", out, at + 24, size)
                struct.pack_into("<I", out, local + 22, size)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def hostile_entries() -> tuple[bytes, dict[str, str]]:
    """An archive of one good entry and every kind of trouble, and a phrase of each one's reason."""
    link = zipfile.ZipInfo(f"{MOODLE}/link.yaml")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    fifo = zipfile.ZipInfo(f"{MOODLE}/pipe.yaml")
    fifo.create_system = 3
    fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
    inner = zip_of([("B1_practice09.csv", WITH_ID)])
    ratio_bomb = b"0" * (4 * 2**20)  # 4 MB of zeros deflate to 4 KB
    data = zip_of([
        (f"{MOODLE}/B1_practice09.csv", WITH_ID),
        ("../../evil.yaml", "student_id: B666\nanswers: {s1: 1}\n"),
        ("/tmp/evil.yaml", "student_id: B666\n"),
        ("C:\\evil.yaml", "student_id: B666\n"),
        (f"{MOODLE}/../../../escape.csv", ANSWERS),
        (link, "/etc/passwd"),
        (fifo, ""),
        (f"{MOODLE}/inner.zip", inner),
        (f"{MOODLE}/more.tar.gz", b"\x1f\x8b"),
        (f"{MOODLE}/zeros.csv", ratio_bomb),
        (f"{MOODLE}/declared.csv", "question,answer\n"),
        (f"{MOODLE}/locked.csv", ANSWERS),
        (f"{MOODLE}/twice.csv", ANSWERS),
        (f"{MOODLE}/twice.csv", WITH_ID),
        (f"{MOODLE}/lies.csv", "s1,0.5\n" * 20_000),
    ])
    data = patched(data, f"{MOODLE}/declared.csv", size=2**30)  # a 1 GB entry, as its headers declare
    data = patched(data, f"{MOODLE}/locked.csv", flags=0x1)  # encrypted
    data = patched(data, f"{MOODLE}/lies.csv", size=100)  # unpacks to far more than it declares
    reasons = {
        "../../evil.yaml": "an unsafe name",
        "/tmp/evil.yaml": "an unsafe name",
        "C:\\evil.yaml": "an unsafe name",
        f"{MOODLE}/../../../escape.csv": "an unsafe name",
        f"{MOODLE}/link.yaml": "a symbolic link, not a file",
        f"{MOODLE}/pipe.yaml": "not a regular file",
        f"{MOODLE}/inner.zip": "an archive inside the archive",
        f"{MOODLE}/more.tar.gz": "an archive inside the archive",
        f"{MOODLE}/zeros.csv": f"to 1 (at most {MAX_RATIO} to 1): like a zip bomb",
        f"{MOODLE}/declared.csv": f"unpacks to 1024.0 MB (at most {MAX_FILE_BYTES // 2**20} MB a file)",
        f"{MOODLE}/locked.csv": "encrypted with a password",
        f"{MOODLE}/twice.csv": "2 entries of the archive have this name: none is read",
        f"{MOODLE}/lies.csv": "could not be unpacked: BadZipFile: Bad CRC-32",
    }
    return data, reasons
