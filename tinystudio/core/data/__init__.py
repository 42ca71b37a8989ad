"""Reading a user's data file as it really comes.

Typical use::

    fmt, columns, rows = preview(path)                 # GUI table
    report = inspect_data(path, task="classify")       # what would be used, what is wrong
    data = load_dataset(path, task="classify", seed=0) # raises DataError on a fatal problem

Modules, one job each:

- :mod:`.encoding`  — text encoding and binary-file refusal (charset-normalizer, BOMs)
- :mod:`.formats`   — :class:`FileFormat`, :func:`sniff_format` (clevercsv, header vote)
- :mod:`.reading`   — :func:`preview`, :func:`read_columns` (streaming, ragged rows)
- :mod:`.columns`   — :class:`ColumnChoice`, :func:`detect_columns`
- :mod:`.report`    — :class:`Problem`, :class:`DataReport`, and the list of problem codes
- :mod:`.checks`    — the messages of each problem
- :mod:`.analysis`  — :func:`inspect_data`
- :mod:`.splits`    — :class:`Splits`, :func:`stratified_split`, :func:`contiguous_split`
- :mod:`.dataset`   — :class:`Dataset`, :func:`load_dataset`
"""

from tinystudio.core.data.analysis import MISSING_LABELS, inspect_data
from tinystudio.core.data.columns import ColumnChoice, detect_columns, resolve_column
from tinystudio.core.data.dataset import Dataset, file_fingerprint, load_dataset
from tinystudio.core.data.formats import FileFormat, sniff_format
from tinystudio.core.data.reading import ColumnReader, preview, read_columns
from tinystudio.core.data.report import DataReport, Problem
from tinystudio.core.data.splits import Splits, contiguous_split, stratified_split

__all__ = [
    "MISSING_LABELS",
    "ColumnChoice",
    "ColumnReader",
    "DataReport",
    "Dataset",
    "FileFormat",
    "Problem",
    "Splits",
    "contiguous_split",
    "detect_columns",
    "file_fingerprint",
    "inspect_data",
    "load_dataset",
    "preview",
    "read_columns",
    "resolve_column",
    "sniff_format",
    "stratified_split",
]
