"""Real data written by other systems, read from ../shared/samples (never copied in).
A test that needs a sample skips with the reason when the folder is absent, except
under CI (``CI=true``), where its absence is a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples"


def sample(*parts: str) -> Path:
    path = SAMPLES.joinpath(*parts)
    if path.exists():
        return path
    reason = f"sample {path} is absent (../shared/samples is not next to the checkout)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must have it")
    pytest.skip(reason)
    return path
