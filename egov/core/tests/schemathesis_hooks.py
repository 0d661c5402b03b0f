"""Schemathesis hooks for test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

The dossier actions take the version the client acted on from ``If-Match`` or, for
clients that cannot set headers, from the body's ``version``. OpenAPI cannot say "one
of a header and a body field", so the schema marks ``If-Match`` required and documents
``version`` as the alternative. Left in, schemathesis sends ``version`` in bodies
without the header and rightly reports that a required header was not required. The
run therefore tests the header contract: ``version`` is taken out of the action bodies
it generates (the body alternative is tested in dossiers/tests/test_api.py)."""

from __future__ import annotations

import schemathesis


@schemathesis.hook
def before_load_schema(context, raw_schema):
    schemas = raw_schema.get("components", {}).get("schemas", {})
    for path, item in raw_schema.get("paths", {}).items():
        if "/actions/" not in path:
            continue
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                ref = media.get("schema", {}).get("$ref", "")
                body = schemas.get(ref.rsplit("/", 1)[-1], {})
                body.get("properties", {}).pop("version", None)
                if "version" in body.get("required", []):
                    body["required"].remove("version")
