"""A temporary directory for what a test module builds at import (schemathesis' loaders run at
collection, before any fixture): removed when the process, or the xdist worker, exits."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path


def scratch_dir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path
