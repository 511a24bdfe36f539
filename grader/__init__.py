"""grader: grade hand-worked numeric exercise sheets, with per-student variants, follow-through
credit and named slips.

    assignment + student -> variant -> reference values      (grader.engine, grader.key)
    file -> submissions -> outcome per question -> gradebook  (grader.submissions, grader.grading, grader.report)
"""

from grader.assignment import Assignment, Question, load_assignment
from grader.compare import Tolerance, ToleranceMode
from grader.engine.variants import (
    VariantTable,
    default_variant,
    draw_variants,
    variant_from_params,
)
from grader.errors import (
    ConfigError,
    GraderError,
    RejectedFile,
    UsageError,
    VariantError,
)
from grader.gradebook import Gradebook, build_gradebook
from grader.grading import GradedSubmission, Marks, Outcome, Verdict, grade_class
from grader.key import Key, compute_key
from grader.submissions import (
    Answer,
    Batch,
    QuestionSet,
    Rejection,
    Submission,
    read_file,
    read_paths,
)

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "Assignment",
    "Batch",
    "ConfigError",
    "Gradebook",
    "GradedSubmission",
    "GraderError",
    "Key",
    "Marks",
    "Outcome",
    "Question",
    "QuestionSet",
    "RejectedFile",
    "Rejection",
    "Submission",
    "Tolerance",
    "ToleranceMode",
    "UsageError",
    "VariantError",
    "VariantTable",
    "Verdict",
    "build_gradebook",
    "compute_key",
    "default_variant",
    "draw_variants",
    "grade_class",
    "load_assignment",
    "read_file",
    "read_paths",
    "variant_from_params",
]
