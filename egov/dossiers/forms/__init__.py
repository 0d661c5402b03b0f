"""The legal forms of a dossier (Circular 01/2018/TT-VPCP art. 9), as HTML pages and
PDFs: 01 receipt and appointment, 02 request to supplement, 03 refusal, 04 apology and
new appointment, 05 process control sheet (A5 portrait) and 06 tracking register
(A4 landscape). See docs/forms.md.

``render`` builds them, ``context`` gathers what each one shows, ``formatting`` holds
the Vietnamese date, money and QR helpers, ``views``/``urls`` serve them.
"""

from pathlib import Path

# The forms' stylesheet and shipped fonts (read by the renderer, ``pdf``, and by the
# signature stamps of egov.signing, which must not import WeasyPrint to find them).
STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "dossiers"
