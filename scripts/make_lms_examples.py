"""Write ``submissions_example/moodle/`` and ``submissions_example/canvas/``: the example class as an
LMS hands it over, for the README's "From Moodle" and "From Canvas".

Run from the repository root, after ``scripts/make_example.py``: ``python scripts/make_lms_examples.py``.
The students' files are those in ``submissions_example/handed_in/`` (B10014's copies B10002's
answers); B10009 and B10010, who answered in a web form there, hand in their rows as files of their
own without a student id, so that their ids come from the roster's ``lms_id``. B10006 also uploaded
a PDF of their working, which is not a submission format. B10013 handed in nothing. Every name,
number and address is made up.

The same bytes every run: fixed entry dates and permissions, stored (not deflated) entries, so
that no zlib version changes them; a test holds the files to what this script writes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "submissions_example"
HANDED_IN = EXAMPLE / "handed_in"

# (student id, first name, last name, Moodle participant number, Canvas user id)
CLASS = [
    ("B10001", "Mari", "Tamm", "3141001", "20001"), ("B10002", "Jaan", "Kask", "3141002", "20002"),
    ("B10003", "Liis", "Saar", "3141003", "20003"), ("B10004", "Karl", "Mets", "3141004", "20004"),
    ("B10005", "Anna", "Ilves", "3141005", "20005"), ("B10006", "Peeter", "Kuusk", "3141006", "20006"),
    ("B10007", "Kadri", "Lepp", "3141007", "20007"), ("B10008", "Marek", "Pärn", "3141008", "20008"),
    ("B10009", "Eva", "Rebane", "3141009", "20009"), ("B10010", "Toomas", "Kivi", "3141010", "20010"),
    ("B10011", "Kristi", "Oja", "3141011", "20011"), ("B10012", "Rasmus", "Sepp", "3141012", "20012"),
    ("B10013", "Helen", "Mägi", "3141013", "20013"), ("B10014", "Ott", "Kallas", "3141014", "20014"),
]
LATE = {"B10012"}
# When each student uploaded (day of March 2026, hour, minute): the entries' dates.
UPLOADED = {sid: (2 + i % 5, 9 + i % 8, (7 * i) % 60) for i, (sid, *_) in enumerate(CLASS)}
WORKING_PDF = (b"%PDF-1.4\n% a scan of my working, made up for the example\n"
               b"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MAXIMUM_GRADE = "100.00"
CANVAS_ASSIGNMENT = "Practice 9: backpropagation (4411)"
POINTS_POSSIBLE = "29.00"


def email(first: str, last: str) -> str:
    plain = (first + "." + last).lower().replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("õ", "o")
    return f"{plain}@students.example.org"


def hand_ins() -> dict[str, list[tuple[str, bytes]]]:
    """Each student's uploads: (the name they gave the file, its bytes)."""
    files: dict[str, list[tuple[str, bytes]]] = {}
    for path in sorted(HANDED_IN.iterdir()):
        if path.name.startswith(("B", "b")) and "_" in path.name:
            files.setdefault(path.name.split("_", 1)[0], []).append((path.name, path.read_bytes()))
    with open(HANDED_IN / "form_export.csv", encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    for row in rows[1:]:  # one file per student, answers only: the id is left to the LMS
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["question", "answer"])
        writer.writerows(zip(rows[0][1:], row[1:]))
        files.setdefault(row[0], []).append(("answers.csv", buffer.getvalue().encode("utf-8")))
    files.setdefault("B10006", []).append(("working.pdf", WORKING_PDF))
    return files


def zip_bytes(entries: list[tuple[str, tuple[int, int, int], bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, (day, hour, minute), data in entries:
            info = zipfile.ZipInfo(name, date_time=(2026, 3, day, hour, minute, 0))
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], quote_spaces: bool = False, bom: bool = False) -> bytes:
    """CSV as PHP's fputcsv (Moodle) writes it, which also quotes a cell with a space, or as Ruby's CSV (Canvas)."""
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            if any(c in cell for c in ',"\n\r\t') or (quote_spaces and " " in cell):
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        lines.append(",".join(cells) + "\n")
    return (b"\xef\xbb\xbf" if bom else b"") + "".join(lines).encode("utf-8")


def when(sid: str) -> str:
    day, hour, minute = UPLOADED[sid]
    weekday = DAYS[(day - 2) % 7]  # 2 March 2026 is a Monday
    return f"{weekday}, {day} March 2026, {(hour - 1) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}"


def moodle(files: dict[str, list[tuple[str, bytes]]]) -> dict[str, bytes]:
    entries = []
    for sid, first, last, participant, _ in CLASS:
        for name, data in files.get(sid, []):
            entries.append((f"{first} {last}_{participant}_assignsubmission_file/{name}", UPLOADED[sid], data))
    worksheet = [["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                  "Grade can be changed", "Last modified (submission)", "Online text", "Last modified (grade)",
                  "Feedback comments"]]
    for sid, first, last, participant, _ in CLASS:
        handed = sid in files
        worksheet.append([f"Participant {participant}", f"{first} {last}", email(first, last),
                          "Submitted for grading" if handed else "No submission", "", MAXIMUM_GRADE, "Yes",
                          when(sid) if handed else "-", "", "-", ""])
    roster = [["student_id", "name", "email", "lms_id"]]
    roster += [[sid, f"{first} {last}", email(first, last), participant] for sid, first, last, participant, _ in CLASS]
    return {
        "moodle/practice09_submissions.zip": zip_bytes(entries),
        "moodle/grading_worksheet.csv": csv_bytes(worksheet, quote_spaces=True),
        "moodle/roster.csv": csv_bytes(roster),
    }


def canvas(files: dict[str, list[tuple[str, bytes]]]) -> dict[str, bytes]:
    entries = []
    attachment = 880001
    for sid, first, last, _, user in CLASS:
        sortable = (last + first).lower()
        late = "_LATE" if sid in LATE else ""
        for name, data in files.get(sid, []):
            entries.append((f"{sortable}{late}_{user}_{attachment}_{name}", UPLOADED[sid], data))
            attachment += 1
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", CANVAS_ASSIGNMENT, "Current Points",
              "Final Points", "Current Score", "Unposted Current Score", "Final Score", "Unposted Final Score"]
    export = [header, ["    Points Possible", "", "", "", "", POINTS_POSSIBLE, *["(read only)"] * 6]]
    for sid, first, last, _, user in CLASS:
        export.append([f"{last}, {first}", user, sid, f"{first}.{last}".lower(), "Machine Learning 2026", "",
                       "0.00", "0.00", "", "", "0.00", "0.00"])
    export.append(["Student, Test", "20099", "", "b7c1e0a2f3d4", "Machine Learning 2026", "", "0.00", "0.00",
                   "", "", "0.00", "0.00"])
    return {"canvas/practice09_submissions.zip": zip_bytes(entries),
            "canvas/gradebook_export.csv": csv_bytes(export, bom=True)}


def example_files() -> dict[str, bytes]:
    """Path under submissions_example/ -> bytes, as this script writes them."""
    files = hand_ins()
    return {**moodle(files), **canvas(files)}


def main() -> None:
    for name, data in example_files().items():
        path = EXAMPLE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
