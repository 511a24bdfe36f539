"""Reading what students hand in: YAML, CSV (long and wide) and Excel files.

    read_paths(paths, questions) -> Batch          files and folders; never raises on bad files
    read_file(path, questions) -> [Submission | Rejection, ...]
    parse_number(text) -> (value, None) | (None, problem)
    canonical_question(name, questions) -> canonical id | None

One module per format (``yaml_format``, ``csv_format``, ``xlsx_format``) feeds a
``Draft``; ``layouts`` reads rows of cells in the long or wide layout for CSV and
Excel alike; ``discover`` walks folders and picks the newest file per student; ``archives``
reads a Moodle or Canvas download (a zip) entry by entry, in memory.
"""

from grader.submissions.discover import read_file, read_paths
from grader.submissions.ids import QuestionSet, canonical_question
from grader.submissions.numbers import parse_number
from grader.submissions.records import (
    Answer,
    Batch,
    Rejection,
    Skipped,
    Source,
    Submission,
    Superseded,
)

__all__ = [
    "Answer",
    "Batch",
    "QuestionSet",
    "Rejection",
    "Skipped",
    "Source",
    "Submission",
    "Superseded",
    "canonical_question",
    "parse_number",
    "read_file",
    "read_paths",
]
