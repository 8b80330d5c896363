"""WFDB annotation export (``wfdb.wrann``): the segments as an annotation file of a record.

Each segment becomes one annotation at its first sample, its symbol chosen from its label:

================================  ======  =========================================
label (case-insensitive)          symbol  meaning in WFDB
================================  ======  =========================================
PVC, V, VEB, ventricular …        ``V``   premature ventricular contraction
APB, APC, PAC, A, SVEB, atrial …  ``A``   atrial premature beat
artefact, artifact                ``|``   isolated QRS-like artefact
noise                             ``~``   change in signal quality
anything else (or no label)       ``"``   comment annotation
================================  ======  =========================================

Every annotation carries ``aux_note`` = ``label (status)`` plus ``: note`` when there is a
note (UTF-8, cut to 255 bytes, WFDB's limit). With ``paired=True`` each segment is written as
three annotations: ``(`` at its first sample (aux_note as above), the symbol at the same
sample, and ``)`` at its last sample (``end_sample - 1``), the WFDB convention for
waveform onset/offset; tools that read only beats still see the symbol.

The file is ``<record_name>.<extension>`` in ``write_dir`` (extension letters only, default
``anom``), with the sampling rate stored in the file (``## time resolution``), so
``wfdb.rdann(record, "anom")`` works with or without a header. Next to a WFDB record, use the
record's name to make the annotations open with it (``rdann -r 119 -a anom``).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Iterable

import numpy as np

from ..segments import Segment
from .export import ExportError, segment_text

MAX_AUX_BYTES = 255
_SYMBOL_WORDS = {
    "V": ("pvc", "v", "veb", "ventricular", "pvcs", "ves"),
    "A": ("apb", "apc", "pac", "a", "sveb", "atrial", "pac/apb"),
    "|": ("artefact", "artifact", "artefacts", "artifacts"),
    "~": ("noise", "noisy"),
}


def wfdb_symbol(label: str) -> str:
    """The WFDB annotation symbol for a segment label (``"`` when none fits)."""
    key = label.strip().lower()
    for symbol, words in _SYMBOL_WORDS.items():
        if key in words or any(key.startswith(w + " ") for w in words if len(w) > 1):
            return symbol
    return '"'


def aux_text(segment: Segment) -> str:
    """``label (status)[: note]`` cut to 255 UTF-8 bytes on a character boundary."""
    text = segment_text(segment) + (f": {segment.note}" if segment.note else "")
    text = " ".join(text.split())  # newlines in notes would end the note early in some tools
    raw = text.encode("utf-8")[:MAX_AUX_BYTES]
    return raw.decode("utf-8", "ignore")


def write_wfdb_annotations(
    write_dir: str | Path,
    record_name: str,
    fs_hz: float,
    segments: Iterable[Segment],
    *,
    extension: str = "anom",
    paired: bool = False,
) -> Path:
    """Write the segments as ``<write_dir>/<record_name>.<extension>``; returns its path.

    The file is written in a temporary folder and moved into place, so a failure leaves no
    half-written annotation file.
    """
    import wfdb

    if not extension.isalpha():
        raise ExportError(f"A WFDB annotation extension is letters only, not '{extension}'.")
    if not record_name or any(c in record_name for c in "/\\ "):
        raise ExportError(f"'{record_name}' is not a usable WFDB record name.")
    write_dir = Path(write_dir)
    samples, symbols, aux, nums = [], [], [], []
    for seg in segments:
        sym, note = wfdb_symbol(seg.label), aux_text(seg)
        if paired:
            samples += [seg.start_sample, seg.start_sample, seg.end_sample - 1]
            symbols += ["(", sym, ")"]
            aux += [note, "", ""]
            nums += [0, 0, 0]
        else:
            samples.append(seg.start_sample)
            symbols.append(sym)
            aux.append(note)
            nums.append(0)
    if not samples:
        raise ExportError("There are no segments to write as WFDB annotations.")
    order = np.argsort(np.asarray(samples, np.int64), kind="stable")
    target = write_dir / f"{record_name}.{extension}"
    try:
        write_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=write_dir, prefix=".wrann-") as tmp:
            wfdb.wrann(
                record_name,
                extension,
                np.asarray(samples, np.int64)[order],
                symbol=[symbols[i] for i in order],
                aux_note=[aux[i] for i in order],
                num=np.asarray(nums, np.int64)[order],
                fs=float(fs_hz),
                write_dir=tmp,
            )
            shutil.move(str(Path(tmp) / target.name), target)
    except OSError as exc:
        raise ExportError(f"Could not write {target}: {exc.strerror or exc}") from exc
    return target
