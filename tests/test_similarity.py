"""similar_to: who handed in answers that fit another student's variant (a flag, no points)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from grader import similarity
from grader.compare import within
from grader.similarity import similar_to

Q = 29  # ceil(0.6 * 29) = 18


def variants(count: int, q: int = Q, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Reference and allowed rows for ``count`` variants, each question's values in distinct ranges.

    Variant values of one question are at least 4 apart while no tolerance exceeds 3.1, so a
    right answer to one variant never fits another.
    """
    rng = np.random.default_rng(seed)
    slots = np.stack([rng.permutation(count) for _ in range(q)], axis=1)
    reference = (slots + rng.uniform(0.2, 0.8, size=(count, q))) * 10.0
    return reference, 1e-3 * np.abs(reference) + 1e-4


def ids_for(n: int) -> list[str]:
    return [f"s{i:05d}" for i in range(n)]


def honest(reference: np.ndarray, allowed: np.ndarray, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return reference + rng.uniform(-0.5, 0.5, size=reference.shape) * allowed


@pytest.fixture
def klass():
    """300 students, each on their own variant, all answering right."""
    reference, allowed = variants(300)
    return ids_for(300), honest(reference, allowed), reference, allowed


def brute_force(ids, answers, reference, allowed, share=0.6):
    """The rule written out over all pairs (n x n x q), for small classes."""
    n, q = answers.shape
    need = math.ceil(round(share * q, 9))
    own = within(answers, reference, allowed)
    result = []
    for i in range(n):
        fits = within(answers[i][None, :], reference, allowed) & ~own[i][None, :]
        count = fits.sum(axis=1)
        count[i] = -1
        best = [j for j in range(n) if count[j] >= need]
        best.sort(key=lambda j: (-count[j], ids[j], j))
        result.append(ids[best[0]] if best else "")
    return result


def test_full_copy_flags_the_copier_not_the_source(klass):
    ids, answers, reference, allowed = klass
    answers[5] = reference[17]
    result = similar_to(ids, answers, reference, allowed)
    assert result[5] == ids[17]
    assert result[17] == ""
    assert sum(bool(r) for r in result) == 1


@pytest.mark.parametrize("copied, flagged", [(18, True), (17, False), (29, True), (0, False)])
def test_boundary_is_ceil_of_share_times_questions(klass, copied, flagged):
    ids, answers, reference, allowed = klass
    answers[5] = reference[5]
    answers[5, :copied] = reference[17, :copied]
    result = similar_to(ids, answers, reference, allowed)
    assert result[5] == (ids[17] if flagged else "")
    assert sum(bool(r) for r in result) == int(flagged)


def farthest_accepted(expected: np.ndarray, allowed: np.ndarray, side: float) -> np.ndarray:
    """The answer farthest from ``expected`` on ``side`` that within() still accepts (bisection)."""
    inside, outside = np.array(allowed, dtype=float), allowed * 1.01 + 1e-3 * np.abs(expected) + 1.0
    assert within(expected + side * inside, expected, allowed).all()
    assert not within(expected + side * outside, expected, allowed).any()
    for _ in range(200):
        middle = 0.5 * (inside + outside)
        accepted = within(expected + side * middle, expected, allowed)
        inside, outside = np.where(accepted, middle, inside), np.where(accepted, outside, middle)
    return expected + side * inside


@pytest.mark.parametrize("side", [1.0, -1.0])
def test_answers_on_the_edge_of_the_other_tolerance_fit(klass, side):
    """Beyond allowed but inside within()'s floating-point slack still fits, as in grading."""
    ids, answers, reference, allowed = klass
    edge = farthest_accepted(reference[17], allowed[17], side)
    assert within(edge, reference[17], allowed[17]).all()
    assert (np.abs(edge - reference[17]) > allowed[17]).any()  # the slack is exercised
    answers[5] = edge
    assert similar_to(ids, answers, reference, allowed)[5] == ids[17]


@pytest.mark.parametrize("copied, flagged", [(18, True), (17, False)])
def test_share_counts_questions_not_answers_given(klass, copied, flagged):
    ids, answers, reference, allowed = klass
    answers[5] = np.nan
    answers[5, :copied] = reference[17, :copied]
    assert similar_to(ids, answers, reference, allowed)[5] == (ids[17] if flagged else "")


def test_honest_class_flags_nobody(klass):
    ids, answers, reference, allowed = klass
    assert similar_to(ids, answers, reference, allowed) == [""] * len(ids)


def test_wrong_answers_alone_flag_nobody(klass):
    ids, answers, reference, allowed = klass
    rng = np.random.default_rng(7)
    answers[::3] = rng.uniform(-50.0, -1.0, size=answers[::3].shape)  # off every variant
    assert similar_to(ids, answers, reference, allowed) == [""] * len(ids)


def test_no_readable_answers_is_not_flagged(klass):
    ids, answers, reference, allowed = klass
    answers[5] = np.nan
    answers[6, :] = np.inf
    result = similar_to(ids, answers, reference, allowed)
    assert result == [""] * len(ids)


def test_more_fits_wins(klass):
    ids, answers, reference, allowed = klass
    reference[40, :25] = reference[30, :25]  # 40's variant shares 25 right answers with 30's
    allowed[40] = allowed[30]
    answers[30], answers[40] = reference[30], reference[40]
    answers[5] = reference[40]  # fits 40 on 29, 30 on 25
    assert similar_to(ids, answers, reference, allowed)[5] == ids[40]
    answers[5] = reference[30]  # fits 30 on 29, 40 on 25
    assert similar_to(ids, answers, reference, allowed)[5] == ids[30]


def test_tie_goes_to_the_smallest_id_whatever_the_order(klass):
    ids, answers, reference, allowed = klass
    reference[40], allowed[40] = reference[30], allowed[30]  # same variant
    answers[30] = answers[40] = reference[30]
    answers[5] = reference[30]
    ids = list(ids)
    ids[30], ids[40] = "s9", "s10"  # "s10" < "s9" in sort order
    assert similar_to(ids, answers, reference, allowed)[5] == "s10"
    order = np.random.default_rng(3).permutation(len(ids))
    shuffled = similar_to([ids[i] for i in order], answers[order], reference[order], allowed[order])
    assert shuffled[int(np.flatnonzero(order == 5)[0])] == "s10"


def test_same_variant_class_flags_nobody():
    reference, allowed = variants(1)
    n = 50
    reference, allowed = np.repeat(reference, n, axis=0), np.repeat(allowed, n, axis=0)
    rng = np.random.default_rng(4)
    answers = honest(reference, allowed)
    answers[::2] = rng.uniform(0.0, 3000.0, size=answers[::2].shape)  # wrong, whatever they are
    answers[1::4] = reference[0] + 5 * allowed[0]  # all the same wrong answers
    assert similar_to(ids_for(n), answers, reference, allowed) == [""] * n


def test_empty_and_degenerate_inputs():
    assert similar_to([], np.empty((0, Q)), np.empty((0, Q)), np.empty((0, Q))) == []
    one = np.ones((1, Q))
    assert similar_to(["a"], one, one, one) == [""]
    none = np.empty((3, 0))
    assert similar_to(["a", "b", "c"], none, none, none) == ["", "", ""]


def test_shapes_are_checked():
    with pytest.raises(ValueError):
        similar_to(["a", "b"], np.ones((3, 2)), np.ones((3, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError):
        similar_to(["a", "b"], np.ones((2, 2)), np.ones((2, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError):
        similar_to(["a", "b"], np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2)), share=0.0)


@pytest.mark.parametrize("seed", range(6))
def test_matches_the_rule_written_out(seed):
    """Few variants, overlapping tolerances, partial copies, gaps: same answer as all pairs."""
    rng = np.random.default_rng(seed)
    n, q = 80, 7
    pool = rng.integers(0, 5, size=(6, q)).astype(float)  # six variants on a coarse grid
    allowed_pool = rng.choice([0.0, 0.4, 1.0, 1.6], size=(6, q))
    variant = rng.integers(0, 6, size=n)
    reference, allowed = pool[variant], allowed_pool[variant]
    answers = reference + rng.normal(0.0, 0.2, size=(n, q))
    source = rng.integers(0, n, size=n)  # each student copies (some of) one other's answers
    draw = rng.random((n, q))
    copied = draw < 0.6
    answers[copied] = (answers[source] + rng.normal(0.0, 0.3, size=(n, q)))[copied]
    wrong = (draw >= 0.6) & (draw < 0.75)
    answers[wrong] = rng.integers(-1, 6, size=int(wrong.sum())) + rng.normal(0.0, 0.3, int(wrong.sum()))
    answers[draw >= 0.9] = np.nan
    ids = [f"id{rng.integers(0, 40)}" for _ in range(n)]  # repeated ids too
    flagged = 0
    for share in (0.6, 0.3, 0.1, 1.0):
        expected = brute_force(ids, answers, reference, allowed, share)
        assert similar_to(ids, answers, reference, allowed, share) == expected
        flagged += sum(bool(e) for e in expected)
    assert flagged > 0


def test_window_slack_covers_compare_slack():
    """Candidate windows reach allowed + _WINDOW_SLACK * (|ref| + allowed + 1); within() must stay inside."""
    expected = np.array([0.0, 1e-6, 1.0, -3.0, 1e3, 1e6, -1e9, 1e12])
    for allowed in (np.zeros_like(expected), 1e-3 * np.abs(expected) + 1e-4, np.full_like(expected, 5.0)):
        for side in (1.0, -1.0):
            reach = np.abs(farthest_accepted(expected, allowed, side) - expected)
            margin = allowed + 0.5 * similarity._WINDOW_SLACK * (np.abs(expected) + allowed + 1.0)
            assert (reach <= margin).all()


def test_large_class_flags_exactly_the_copiers():
    n, n_variants = 4000, 300
    reference_pool, allowed_pool = variants(n_variants, seed=11)
    rng = np.random.default_rng(12)
    variant = rng.integers(0, n_variants, size=n)
    reference, allowed = reference_pool[variant], allowed_pool[variant]
    answers = honest(reference, allowed, seed=13)
    careless = rng.choice(n, size=n // 5, replace=False)
    answers[careless] = rng.uniform(0.0, 3000.0, size=(careless.size, Q))  # all wrong, at random
    ids = ids_for(n)
    copiers = rng.choice(n, size=10, replace=False)
    expected = [""] * n
    for c in copiers:
        source = int(rng.choice(np.flatnonzero(variant != variant[c])))
        answers[c] = reference[source]
        answers[c, rng.choice(Q, size=Q - 20, replace=False)] = np.nan
        # every student on the source's variant fits as well: the smallest id wins the tie
        expected[c] = ids[int(np.flatnonzero(variant == variant[source]).min())]
    assert similar_to(ids, answers, reference, allowed) == expected
