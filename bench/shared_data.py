"""Where the development data lives: the one place tests and bench scripts find ../shared/data.

The product never needs it. A user's clone has no ../shared beside it, so tests that need it skip
(see `require_shared` in tests/conftest.py) and scripts stop with a one-line error naming the
missing folder. SEEDSEARCH_SHARED_DATA points elsewhere when the data lives somewhere else.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("SEEDSEARCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


class SharedDataMissing(FileNotFoundError):
    """A development data set is not beside this clone."""


def shared_path(*parts: str) -> Path:
    """The path of a file or folder under the shared data, or SharedDataMissing naming it."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        raise SharedDataMissing(
            f"{path} is missing: development data from ../shared/data is not beside this clone"
        )
    return path


def require_shared(*parts: str) -> Path:
    """For tests: the path under the shared data, or skip the test with a reason naming it."""
    import pytest  # only tests call this; bench scripts run without pytest

    try:
        return shared_path(*parts)
    except SharedDataMissing as missing:
        pytest.skip(str(missing))
