"""Writes of the signing app (``trust``: trust configuration and credentials;
``signing``: signing results, alone and in batches, and the verifier's audit entry)."""

from egov.signing.services.signing import (
    sign_batch,
    sign_document,
    sign_result,
    start_batch,
    verify_upload,
)
from egov.signing.services.trust import (
    add_revocation_list,
    add_trusted_certificate,
    import_pkcs12,
    register_pkcs11,
    withdraw_credential,
)

__all__ = [
    "add_revocation_list",
    "add_trusted_certificate",
    "import_pkcs12",
    "register_pkcs11",
    "sign_batch",
    "sign_document",
    "sign_result",
    "start_batch",
    "verify_upload",
    "withdraw_credential",
]
