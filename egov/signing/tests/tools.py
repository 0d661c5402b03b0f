"""Tools some tests need (pdfsig, certutil, softhsm2, openssl ts): a missing one
skips the test with the reason, except under CI=true, where it fails."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fakes.tsa import openssl_ts_available

PACKAGES = {
    "pdfsig": "poppler-utils",
    "pdffonts": "poppler-utils",
    "certutil": "libnss3-tools",
    "softhsm2-util": "softhsm2",
    "openssl ts": "openssl",
}
SOFTHSM_MODULES = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
]


def need(tool: str) -> None:
    present = openssl_ts_available() if tool == "openssl ts" else shutil.which(tool) is not None
    if present:
        return
    reason = f"{tool} is not installed (Debian package {PACKAGES.get(tool, tool)})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must have it (.ci/run installs it)")
    pytest.skip(reason)


def softhsm_module() -> str:
    need("softhsm2-util")
    for path in SOFTHSM_MODULES:
        if Path(path).exists():
            return path
    reason = "libsofthsm2.so not found (Debian package softhsm2)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)
    return ""


def nss_database(directory: Path, root_pem: Path) -> Path:
    """An NSS database trusting only ``root_pem`` (what pdfsig reads with -nssdir)."""
    need("certutil")
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{directory}",
            "-n",
            "egov-dev-root",
            "-t",
            "CT,C,C",
            "-i",
            str(root_pem),
        ],
        check=True,
        capture_output=True,
    )
    return directory


@dataclass
class PdfsigSignature:
    name: str = ""
    signer: str = ""
    signature: str = ""  # "Signature Validation" line
    certificate: str = ""  # "Certificate Validation" line
    total: bool = False  # "Total document signed"
    ranges: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Pdfsig:
    code: int
    output: str
    signatures: list[PdfsigSignature]

    @property
    def unsigned(self) -> bool:
        return "does not contain any signatures" in self.output


def pdfsig(path: Path, nssdir: Path) -> Pdfsig:
    """Run poppler's pdfsig (it exits 1 only for an invalid signature: the lines say
    the rest) and parse what it says of each signature."""
    need("pdfsig")
    done = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nssdir}", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = done.stdout + done.stderr
    signatures: list[PdfsigSignature] = []
    for line in output.splitlines():
        line = line.strip()
        if re.match(r"^Signature #\d+:", line):
            signatures.append(PdfsigSignature())
        elif not signatures:
            continue
        elif line.startswith("- Signature Field Name:"):
            signatures[-1].name = line.split(":", 1)[1].strip()
        elif line.startswith("- Signer Certificate Common Name:"):
            signatures[-1].signer = line.split(":", 1)[1].strip()
        elif line.startswith("- Signature Validation:"):
            signatures[-1].signature = line.split(":", 1)[1].strip()
        elif line.startswith("- Certificate Validation:"):
            signatures[-1].certificate = line.split(":", 1)[1].strip()
        elif line == "- Total document signed":
            signatures[-1].total = True
        elif line.startswith("- Signed Ranges:"):
            signatures[-1].ranges = [
                (int(a), int(b)) for a, b in re.findall(r"\[(\d+) - (\d+)\]", line)
            ]
    return Pdfsig(done.returncode, output, signatures)
