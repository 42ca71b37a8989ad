"""Files that are text but not a table: JSON, a web page, XML, a Markdown table.

Read as CSV they give a confusing message about columns; we say what the file is and what
to do instead (:func:`refuse_other_formats`, called on the decoded start of the file).
"""

from __future__ import annotations

import os
import re

from tinystudio.core.errors import DataError
from tinystudio.i18n import tr

_HTML = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<table[\s>]", re.I)
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")


def refuse_other_formats(text: str, path: str, *, markdown: bool = True) -> None:
    """Raise a :class:`DataError` saying what the file is, when it is not a table.

    Codes: ``json_file``, ``html_file``, ``xml_file``, ``markdown_table``.
    """
    base = os.path.basename(path)
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    low = head.lower()
    if head[:1] in "{[" and head and _looks_like_json(head):
        lines = head[0] == "{" and "}\n{" in re.sub(r"\s*\n\s*", "\n", head)
        what = tr("JSON Lines (one JSON object per line)") if lines else "JSON"
        raise DataError(
            tr("'{name}' is a {what} file, not a table of values separated by commas. Convert "
               "it to a table first: open it in Excel (Data ▸ Get Data ▸ From JSON) or "
               "LibreOffice, keep one column of texts and one of labels, and save it as CSV "
               "(File ▸ Save As ▸ CSV UTF-8).").format(name=base, what=what),
            code="json_file",
        )
    if low.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in low:
            message = tr("'{name}' is an Excel 2003 XML spreadsheet, not a table of values "
                         "separated by commas. Open it in Excel or LibreOffice and save it as "
                         "an .xlsx workbook or as CSV (File ▸ Save As ▸ CSV UTF-8).")  # fmt: skip
        else:
            message = tr("'{name}' is an XML file, not a table of values separated by commas. "
                         "Open it in Excel or LibreOffice and save it as CSV (File ▸ Save As "
                         "▸ CSV UTF-8), or as an .xlsx workbook.")  # fmt: skip
        if not _HTML.search(head):
            raise DataError(message.format(name=base), code="xml_file")
    # Only a file that starts with a tag: a CSV whose texts quote HTML (a manual page about
    # web pages, a scraped snippet) is still a table.
    if (low.startswith("<") and _HTML.search(low[:1024])) or (low.startswith("<?xml") and _HTML.search(low)):
        raise DataError(
            tr("'{name}' is a web page (HTML), not a table of values separated by commas. If "
               "the page shows a table, open the page in Excel (Data ▸ From Web) or copy the "
               "table into a spreadsheet, then save it as CSV (File ▸ Save As ▸ CSV UTF-8)."
               ).format(name=base),
            code="html_file",
        )
    if markdown and _is_markdown_table(head):
        raise DataError(
            tr("'{name}' holds a Markdown table (rows between | bars, with a |---| line under "
               "the header). Paste it into a spreadsheet, or remove the |---| line and the "
               "outer | bars, then save it as CSV (File ▸ Save As ▸ CSV UTF-8).").format(
                name=base),  # fmt: skip
            code="markdown_table",
        )


def _looks_like_json(head: str) -> bool:
    """Starts like a JSON object/array: ``{"`` or ``[{``/``["``/``[1`` (after spaces)."""
    compact = re.sub(r"\s+", "", head[:200])
    return bool(re.match(r'(\{"|\{\}|\[\{|\["|\[\[|\[-?\d|\[\]|\[(true|false|null))', compact))


def _is_markdown_table(head: str) -> bool:
    lines = [line for line in head.splitlines() if line.strip()][:3]
    return (
        len(lines) >= 2
        and lines[0].strip().startswith("|")
        and lines[0].count("|") >= 2
        and bool(_MD_RULE.match(lines[1]))
    )
