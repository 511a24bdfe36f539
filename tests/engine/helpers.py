"""Helpers shared by the engine tests: random parameters on the assignment's own grids."""

from __future__ import annotations

import numpy as np


def grid_values(assignment, name: str) -> np.ndarray:
    """The values a parameter may take, as the numbers the graph reads (class index for categories)."""
    spec = assignment.parameter(name)
    names = assignment.sheet.categories.get(name)
    if names is not None:
        return np.array([names.index(v) for v in spec.values], dtype=float)
    return np.array(spec.values, dtype=float)


def random_grid_params(assignment, n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` variants drawn with numpy (fixed seed) uniformly on every parameter's grid, unconstrained."""
    rng = np.random.default_rng(seed)
    return {spec.name: rng.choice(grid_values(assignment, spec.name), size=n) for spec in assignment.parameters}


def row(params: dict[str, np.ndarray], i: int) -> dict[str, float]:
    """One variant of a table as plain Python floats (a one-at-a-time evaluation)."""
    return {name: float(column[i]) for name, column in params.items()}
