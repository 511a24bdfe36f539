"""Write ``submissions_example/``: a small, realistic class for the README's demo.

Run from the repository root: ``python scripts/make_example.py``. Every student's numbers come
from the engine for their own variant; the mistakes are made by the engine's own slips and
follow-through, so the example stays right if the sheet's graph changes.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import numpy as np
import xlsxwriter

from grader.assignment import load_assignment
from grader.engine.variants import draw_variants
from grader.key import compute_key, nested_params

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "submissions_example"
OUT = EXAMPLE / "handed_in"
ASSIGNMENT = load_assignment(ROOT / "answer_keys" / "practice09.yaml")
GRAPH = ASSIGNMENT.graph
NUMERIC = [q.id for q in ASSIGNMENT.numeric_questions]

ROSTER = [
    ("B10001", "Mari Tamm"), ("B10002", "Jaan Kask"), ("B10003", "Liis Saar"), ("B10004", "Karl Mets"),
    ("B10005", "Anna Ilves"), ("B10006", "Peeter Kuusk"), ("B10007", "Kadri Lepp"), ("B10008", "Marek Pärn"),
    ("B10009", "Eva Rebane"), ("B10010", "Toomas Kivi"), ("B10011", "Kristi Oja"), ("B10012", "Rasmus Sepp"),
    ("B10013", "Helen Mägi"), ("B10014", "Ott Kallas"),
]
FREE_TEXT = {
    "q1a_vi": "Yes, y_hat is negative while the target is 0.25.",
    "q1b_i": "Gradient descent.",
    "q1b_v": "No; we update every weight with its gradient and repeat.",
}


def rounded_chain(params, overrides=None, slip=None) -> dict[str, np.ndarray]:
    """A student who rounds every intermediate value to 4 decimals, as the sheet does."""
    overrides = overrides or {}
    replaced = GRAPH.slip(slip).formulas if slip else {}
    values = {name: np.asarray(params[name], dtype=float) for name in GRAPH.parameters}
    for node in GRAPH.nodes:
        formula = replaced.get(node.name, node.formula)
        values[node.name] = overrides.get(node.name, np.round(formula.fn(*(values[i] for i in formula.inputs)), 4))
    return values


def answers_for(variants, row: int, **kwargs) -> dict[str, float]:
    params = {name: column[row:row + 1] for name, column in variants.columns.items()}
    chain = rounded_chain(params, **kwargs)
    return {q: round(float(chain[GRAPH.question_nodes[q].name][0]), 4) for q in NUMERIC}


def comma(value: float) -> str:
    return f"{value:.4f}".replace(".", ",")


def write_yaml(path: Path, student_id: str, answers: dict, params: dict | None = None) -> None:
    lines = [f"student_id: {student_id}"]
    if params:
        lines.append("params:")
        for name, value in params.items():
            if isinstance(value, dict):
                lines.append(f"  {name}: {{{', '.join(f'{k}: {v}' for k, v in value.items())}}}")
            else:
                lines.append(f"  {name}: {value}")
    lines.append("answers:")
    for qid, value in answers.items():
        text = f'"{value}"' if isinstance(value, str) else ("" if value is None else f"{value}")
        lines.append(f"  {qid}: {text}".rstrip())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_long_csv(path: Path, student_id: str, answers: dict, delimiter=",", encoding="utf-8", number=str):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["question", "answer"])
    writer.writerow(["student_id", student_id])
    for qid, value in answers.items():
        writer.writerow([qid, value if isinstance(value, str) else number(value)])
    path.write_bytes(buffer.getvalue().encode(encoding))


def write_xlsx(path: Path, student_id: str, answers: dict) -> None:
    book = xlsxwriter.Workbook(str(path))
    from datetime import datetime
    book.set_properties({"created": datetime(2020, 1, 1)})
    sheet = book.add_worksheet("answers")
    sheet.write_row(0, 0, ["question", "answer", "prompt"])
    sheet.write_row(1, 0, ["student_id", student_id])
    prompts = {q.id: q.prompt for q in ASSIGNMENT.questions}
    for r, (qid, value) in enumerate(answers.items(), start=2):
        sheet.write_string(r, 0, qid)
        if isinstance(value, str):
            sheet.write_string(r, 1, value)
        else:
            sheet.write_number(r, 1, value)
        sheet.write_string(r, 2, prompts.get(qid, ""))
    book.close()


def main() -> None:
    if OUT.exists():  # only what this script writes: moodle/ and canvas/ are scripts/make_lms_examples.py's
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    ids = [sid for sid, _ in ROSTER]
    variants = draw_variants(ASSIGNMENT, ids)
    key = compute_key(ASSIGNMENT, variants)
    row = {sid: i for i, sid in enumerate(ids)}

    with open(EXAMPLE / "roster.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["student_id", "name"])
        writer.writerows(ROSTER)

    # B10001: YAML from the template, everything right, with the template's params and free text.
    params = nested_params(ASSIGNMENT, key.params(row["B10001"]))
    write_yaml(OUT / "B10001_practice09.yaml", "B10001", {**answers_for(variants, row["B10001"]), **FREE_TEXT}, params)
    # B10002: plain comma CSV, everything right.
    write_long_csv(OUT / "B10002_practice09.csv", "B10002", answers_for(variants, row["B10002"]))
    # B10003: European Excel ("CSV UTF-8"): semicolons, decimal commas, a byte-order mark,
    # and a typographic minus pasted from the PDF.
    answers = {q: comma(v) for q, v in answers_for(variants, row["B10003"]).items()}
    answers["s3"] = answers["s3"].replace("-", "\u2212")
    write_long_csv(OUT / "B10003_practice09.csv", "B10003", answers, delimiter=";", encoding="utf-8-sig")
    # B10004: Excel template; s1 is wrong, everything after it follows from it (follow-through).
    s1 = key.answer("s1")[row["B10004"]] + 0.2
    write_xlsx(OUT / "B10004_practice09.xlsx", "B10004",
               answers_for(variants, row["B10004"], overrides={"s1": np.array([s1])}))
    # B10005: E with the 1/2 of other textbooks, and dE/dy_hat without its factor 2.
    answers = answers_for(variants, row["B10005"], slip="half_squared_error")
    chain = answers_for(variants, row["B10005"], slip="missing_factor_2")
    answers.update({q: chain[q] for q in NUMERIC if q.startswith("dE_") or q.endswith("_new")})
    write_yaml(OUT / "B10005_practice09.yaml", "B10005", answers)
    # B10006: older Excel (cp1252); junk: 'n/a' and two numbers in one cell; an Estonian answer.
    answers = answers_for(variants, row["B10006"])
    answers["a1"], answers["s3"] = "n/a", "0.7 0.8"
    answers["q1a_vi"] = "Jah, päris kaugel: viga on suur."
    write_long_csv(OUT / "B10006_practice09.csv", "B10006", answers, encoding="cp1252")
    # B10007: Excel; the update's sign flipped and the loss in log base 10.
    answers = answers_for(variants, row["B10007"], slip="update_sign")
    answers["loss"] = answers_for(variants, row["B10007"], slip="log10_loss")["loss"]
    write_xlsx(OUT / "B10007_practice09.xlsx", "B10007", answers)
    # B10008: a YAML file broken by hand.
    (OUT / "B10008_practice09.yaml").write_text(
        "student_id: B10008\nanswers:\n  s1: 0.7\n   s2: [1.0\n", encoding="utf-8")
    # B10009 and B10010: one wide CSV exported from a form.
    with open(OUT / "form_export.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["student_id", *NUMERIC])
        for sid in ("B10009", "B10010"):
            answers = answers_for(variants, row[sid])
            writer.writerow([sid, *(answers[q] for q in NUMERIC)])
    # B10011: Excel's "Unicode text": UTF-16, tab-delimited; the logistic derivative taken at s.
    write_long_csv(OUT / "B10011_practice09.txt", "B10011",
                   answers_for(variants, row["B10011"], slip="sigmoid_derivative_at_s"),
                   delimiter="\t", encoding="utf-16")
    # B10012: only the backpropagation part, softmax left blank.
    answers = {q: (v if not q.startswith(("exp_", "p_", "loss")) else None)
               for q, v in answers_for(variants, row["B10012"]).items()}
    write_yaml(OUT / "B10012_practice09.yaml", "B10012", answers)
    # B10014: B10002's answers copied into B10014's own file: flagged similar_to B10002, points as they fall.
    write_long_csv(OUT / "B10014_practice09.csv", "B10014", answers_for(variants, row["B10002"]))
    # An Excel lock file, as Excel leaves next to an open workbook: skipped, and listed.
    (OUT / "~$B10004_practice09.xlsx").write_bytes(b"\x00" * 162)
    # B10013 handed nothing in: 'missing' in the gradebook.


if __name__ == "__main__":
    main()
