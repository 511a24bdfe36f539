"""CSV submissions, long or wide, as Excel, Google Sheets or a text editor write them.

Delimiter ``,``, ``;`` or tab (read from the header line); UTF-8 with or without a
byte-order mark, UTF-16 with one (Excel's "Unicode text"), else cp1252 / Latin-1.
"""

from __future__ import annotations

import csv
import io

from grader.submissions.draft import Origin, rejection
from grader.submissions.ids import QuestionSet, is_student_id_label
from grader.submissions.layouts import HEADER_SEARCH_ROWS, Grid, read_grid
from grader.submissions.numbers import parse_number
from grader.submissions.records import Rejection, Source, Submission

# Tab and ";" win a tie with ",": decimal commas are normal in tab and ";" files.
_DELIMITERS = ("\t", ";", ",")


def read_csv(data: bytes, origin: Origin, questions: QuestionSet) -> list[Submission | Rejection]:
    """The submissions in a CSV file's bytes: one (long layout) or one per row (wide)."""
    text = decode(data)
    if text is None:
        return [rejection(origin, "not readable text: the UTF-16 byte-order mark is followed by invalid data")]
    if not text.strip():
        return [rejection(origin, "the file holds no text")]
    first_line = 1
    if text[:4].casefold() == "sep=":  # Excel's "sep=;" line names the delimiter
        end = text.find("\n")
        declared = text[4:end if end >= 0 else len(text)].strip("\r\n")
        delimiter = declared[:1] if declared[:1] else ","
        text = text[end + 1 :] if end >= 0 else ""
        first_line = 2
    else:
        delimiter = sniff_delimiter(text)
    rows: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    try:
        for row in reader:
            rows.append(row)
            lines.append(previous_end + first_line)
            previous_end = reader.line_num
    except csv.Error as exc:
        line = reader.line_num + first_line - 1
        return [rejection(origin, f"not a readable CSV file: {exc}", Source(origin.file, row=line))]
    file = origin.file
    # An unquoted decimal comma splits a number in two fields only when "," is the delimiter.
    grid = Grid(rows, lambda r, c: Source(file, row=lines[r] if r < len(lines) else None), comma_split=delimiter == ",")
    return read_grid(grid, origin, questions)


def decode(data: bytes) -> str | None:
    """The text of ``data``: by its byte-order mark, else UTF-8, else cp1252 / Latin-1."""
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    elif len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:
        # UTF-16 little-endian without a byte-order mark ("question" is ASCII)
        try:
            return data.decode("utf-16-le")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """The delimiter used on the header line (the first line naming a question or student)."""
    head = text[:4096]
    folded = head.casefold()
    start = -1
    for word in ("question", "student"):
        found = folded.find(word)
        if found >= 0 and (start < 0 or found < start):
            start = found
    if start < 0:
        start = len(head) - len(head.lstrip())
    line_start = head.rfind("\n", 0, start) + 1
    line_end = head.find("\n", start)
    line = head[line_start : line_end if line_end >= 0 else len(head)]
    counts = [line.count(d) for d in _DELIMITERS]
    best = max(range(len(_DELIMITERS)), key=counts.__getitem__)  # the first wins a tie
    return _DELIMITERS[best] if counts[best] else ","


def holds_a_table(data: bytes) -> bool:
    """Whether a text file's first lines look like a submission table: a ``question``/``answer`` or
    ``student_id`` header, or rows of a short label and a number (``s1,0.7``), whichever the questions.
    Notes and prose do not (``B10001 asked for more time``)."""
    text = decode(data)
    if not text:
        return False
    delimiter = sniff_delimiter(text)
    lines = [line for line in text.splitlines()[: 4 * HEADER_SEARCH_ROWS] if line.strip()][:HEADER_SEARCH_ROWS]
    for line in lines:
        cells = [cell.strip().strip('"') for cell in line.split(delimiter)]
        labels = [cell.casefold() for cell in cells]
        if ("question" in labels and "answer" in labels) or is_student_id_label(cells[0]):
            return True
        label_then_number = (len(cells) >= 2 and 0 < len(cells[0]) <= 40 and not any(c.isspace() for c in cells[0])
                             and parse_number(cells[1])[0] is not None)
        if label_then_number:
            return True
    return False


__all__ = ["decode", "holds_a_table", "read_csv", "sniff_delimiter"]
