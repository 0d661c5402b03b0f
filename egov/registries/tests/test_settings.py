"""The registries' environment variables are documented (egov/core's own check reads
only egov/settings.py; these live in egov/registries/settings.py)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings


def test_every_registry_variable_is_documented():
    source = (Path(settings.BASE_DIR) / "egov" / "registries" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', source))
    names |= {"EGOV_REGISTRY_FAKE"}  # read by manage.py serve
    assert len(names) == 7
    for page in ("operations.md", "registries.md"):
        text = (Path(settings.BASE_DIR) / "docs" / page).read_text()
        assert sorted(n for n in names if f"`{n}`" not in text) == [], page
