"""Which students handed in answers that fit another student's variant: the gradebook's ``similar_to``.

Every student gets their own numeric variant of a sheet, so right answers to someone else's
variant are a sign of copying. ``similar_to`` names, for each student, the other student whose
variant their answers fit, or ``''``. It is a flag for a person to look at; it changes no points.
Pure numpy, no I/O.

Rule: student i's answer k *fits* student j's variant when it is within j's tolerance of j's
right answer (``grader.compare.within``) and not within i's own. i is flagged with j (j != i)
when at least m = ceil(share * q) answers fit, q being the number of numeric questions (not of
answers given). Several such j: the one with most fits, ties to the smallest id in sort order.

Algorithm: only students with |O| >= m answers off their own variant can be flagged; by pigeonhole
a variant fitting m of them lies in >= 2 of the |O|-m+2 smallest per-question candidate windows (sorted
references), so counting window hits gives every candidate, and each is then verified exactly, in chunks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from grader.compare import within

# Candidate windows are widened by this relative slack so that they contain every reference
# ``within`` accepts; its own slack must stay below half of this (a test checks). Wider only costs time.
_WINDOW_SLACK = 1e-6
# Bounds on the work arrays: window entries expanded at once, and pairs verified at once (x q).
_PAIRS_PER_BATCH = 1 << 20
_PAIRS_PER_CHECK = 1 << 16


def similar_to(
    student_ids: Sequence[str],
    answers: np.ndarray,
    reference: np.ndarray,
    allowed: np.ndarray,
    share: float = 0.6,
) -> list[str]:
    """For each student, the id of the student whose variant their answers fit, else ``''``.

    ``answers``, ``reference`` and ``allowed`` are n x q (students x numeric questions):
    the answers given (NaN where none was readable), each student's own right answers, and
    the largest accepted |answer - reference| for that student's variant (finite). Output is in
    input order, one string per student.
    """
    ids = [str(s) for s in student_ids]
    n = len(ids)
    if n == 0:
        return []
    answers = np.asarray(answers, dtype=float)
    reference = np.asarray(reference, dtype=float)
    allowed = np.asarray(allowed, dtype=float)
    if answers.ndim != 2 or answers.shape[0] != n:
        raise ValueError(f"answers must be {n} x q, got shape {answers.shape}")
    if reference.shape != answers.shape or allowed.shape != answers.shape:
        raise ValueError(
            f"answers, reference and allowed must have one shape, got "
            f"{answers.shape}, {reference.shape}, {allowed.shape}"
        )
    if not 0.0 < share <= 1.0:
        raise ValueError(f"share must be in (0, 1], got {share}")
    q = answers.shape[1]
    result = [""] * n
    if n < 2 or q == 0:
        return result

    # round() keeps 0.6 * 5 == 3.0000000000000004 from asking for 4.
    need = max(1, math.ceil(round(share * q, 9)))
    off = np.isfinite(answers) & ~within(answers, reference, allowed)
    n_off = off.sum(axis=1)
    suspects = np.flatnonzero(n_off >= need)
    if suspects.size == 0:
        return result

    # Students with the same right answers and tolerances are one candidate variant; it is named
    # by its member with the smallest id. A student's own variant never fits (answers are off it).
    rows = np.ascontiguousarray(np.concatenate([reference, allowed], axis=1) + 0.0)  # -0.0 -> 0.0
    row_bytes = rows.view(np.dtype((np.void, rows.itemsize * rows.shape[1]))).ravel()
    _, first_of, variant = np.unique(row_bytes, return_index=True, return_inverse=True)
    variant = variant.ravel()
    v_ref, v_allowed = reference[first_of], allowed[first_of]
    n_var = first_of.size
    by_id = np.array(sorted(range(n), key=ids.__getitem__), dtype=np.int64)
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[by_id] = np.arange(n)
    _, first_in_id_order = np.unique(variant[by_id], return_index=True)
    face = by_id[first_in_id_order]                                    # variant -> student named

    # Per question, variants sorted by right answer; an answer's window [lo, hi) holds every
    # variant it can fit: before lo all upper ends are below it, from hi on all lower ends above.
    order = np.argsort(v_ref, axis=0, kind="stable")                   # V x q
    margin = v_allowed + _WINDOW_SLACK * (np.abs(v_ref) + v_allowed + 1.0)
    high = np.take_along_axis(v_ref + margin, order, axis=0)
    low = np.take_along_axis(v_ref - margin, order, axis=0)
    upper_reach = np.ascontiguousarray(np.maximum.accumulate(high, axis=0).T)          # q x V, rising
    lower_reach = np.ascontiguousarray(np.minimum.accumulate(low[::-1], axis=0)[::-1].T)
    order = np.ascontiguousarray(order.T)

    given = answers[suspects]                                          # s x q
    given_off = off[suspects]
    start = np.zeros(given.shape, dtype=np.int64)
    size = np.zeros(given.shape, dtype=np.int64)
    for k in range(q):
        hit = np.flatnonzero(given_off[:, k])
        lo = np.searchsorted(upper_reach[k], given[hit, k], side="left")
        hi = np.searchsorted(lower_reach[k], given[hit, k], side="right")
        start[hit, k] = lo
        size[hit, k] = np.maximum(hi - lo, 0)

    # A variant fitting >= need of the |O| off answers fits >= `times` of any |O| - need + times
    # of them: take those with the smallest windows and keep variants seen in >= `times` windows.
    times = min(2, need)
    n_pick = n_off[suspects] - need + times
    by_size = np.argsort(np.where(given_off, size, np.iinfo(np.int64).max), axis=1, kind="stable")
    picked = np.arange(q)[None, :] < n_pick[:, None]                  # first n_pick columns of by_size
    pick_size = np.where(picked, np.take_along_axis(size, by_size, axis=1), 0)
    pick_start = np.take_along_axis(start, by_size, axis=1)
    reached = np.cumsum(pick_size.sum(axis=1))                        # window entries up to a suspect

    found_i: list[np.ndarray] = []
    found_v: list[np.ndarray] = []
    found_count: list[np.ndarray] = []
    first = 0
    while first < suspects.size:
        # Whole suspects per batch, so each suspect's window hits are counted together.
        before = int(reached[first - 1]) if first else 0
        last = max(first + 1, int(np.searchsorted(reached, before + _PAIRS_PER_BATCH, side="right")))
        r, c = np.nonzero(pick_size[first:last])
        lengths = pick_size[first:last][r, c]
        first, batch_first = last, first
        if lengths.size == 0:
            continue
        offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        positions = np.repeat(pick_start[batch_first:last][r, c], lengths) + offsets
        questions = np.repeat(by_size[batch_first:last][r, c], lengths)
        cand_i = np.repeat(suspects[r + batch_first], lengths).astype(np.int64)
        keys, seen = np.unique(cand_i * n_var + order[questions, positions], return_counts=True)
        keys = keys[seen >= times]
        cand_i, cand_v = keys // n_var, keys % n_var
        keep = cand_v != variant[cand_i]
        cand_i, cand_v = cand_i[keep], cand_v[keep]
        for lo in range(0, cand_i.size, _PAIRS_PER_CHECK):
            pi = cand_i[lo:lo + _PAIRS_PER_CHECK]
            pv = cand_v[lo:lo + _PAIRS_PER_CHECK]
            count = (off[pi] & within(answers[pi], v_ref[pv], v_allowed[pv])).sum(axis=1)
            ok = count >= need
            found_i.append(pi[ok])
            found_v.append(pv[ok])
            found_count.append(count[ok])

    if not found_i:
        return result
    flag_i = np.concatenate(found_i)
    if flag_i.size == 0:
        return result
    flag_j = face[np.concatenate(found_v)]
    flag_count = np.concatenate(found_count)
    # Per student: most fits first, then the smallest id (ranks are unique: equal ids by input order).
    best = np.lexsort((id_rank[flag_j], -flag_count, flag_i))
    flag_i, flag_j = flag_i[best], flag_j[best]
    lead = np.ones(flag_i.size, dtype=bool)
    lead[1:] = flag_i[1:] != flag_i[:-1]
    for i, j in zip(flag_i[lead].tolist(), flag_j[lead].tolist()):
        result[i] = ids[j]
    return result
