"""One module per command, each with one keyword-only entry function; ``cli`` only calls them."""

from pathlib import Path

from grader.errors import UsageError


def out_folder(out: str | Path) -> Path:
    """``--out``: a folder, new or existing; a file there fails at once, before any work."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out: expected a folder (new or existing), got the file {path}")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"--out: expected a folder, but {parent} is a file")
            break
    return path
