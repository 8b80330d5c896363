"""Detected segments beside the recording's own annotations (e.g. WFDB beat labels), Qt-free.

``AnnotationIndex`` sorts a recording's annotations once and answers the questions a review
asks of them thousands of times: which labels lie inside a segment (``summary``: "V ×2, N"),
where the next annotation with a label or text is (``next_index``), which one is nearest a
time (``nearest``). ``agreement`` counts how detection and annotations agree.

An annotation reads as ``annotation_text``: a WFDB rhythm change, signal-quality change or
comment by its note ("(VT", "noise"), as ECG viewers show them; any other label with its note
after it.

An annotation is *non-normal* unless its label is a normal beat (the AAMI N class of WFDB:
``N L R e j``) or a WFDB non-beat marker such as a rhythm change ``+`` or a signal-quality
note ``~`` (``IGNORED_LABELS``); any other label (``V``, ``A``, ``F``, ``!``, an EDF+ event
text …) is non-normal. Annotations are points at their onset sample: "inside a segment" means
``start_sample - tolerance <= onset < end_sample + tolerance``. Beat labels mark the beat's
fiducial point (the R peak) while a detected segment may start a few samples after it, so
the GUI uses the 150 ms match window of beat-by-beat comparisons (ANSI/AAMI EC57,
``MATCH_WINDOW_S``); the default tolerance is 0 (strictly inside).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

NORMAL_LABELS = frozenset({"N", "L", "R", "e", "j"})
MATCH_WINDOW_S = 0.15
IGNORED_LABELS = frozenset({"+", "~", "|", '"', "(", ")", "p", "t", "u", "`", "'", "^", "=", "@", "s", "T", "*", "D"})


SAID_BY_NOTE = frozenset('+~"')
"""WFDB codes whose meaning is their note: rhythm change, signal-quality change, comment."""


def annotation_text(label: str, note: str = "") -> str:
    """How an annotation reads (see the module)."""
    if not note:
        return label
    return note if label in SAID_BY_NOTE else f"{label} {note}"


def is_non_normal(label: str) -> bool:
    """True for labels that mark something a reviewer should see (see the module docstring)."""
    return label not in NORMAL_LABELS and label not in IGNORED_LABELS


class AnnotationIndex:
    """Annotations sorted by onset, with per-label positions computed on first use.

    Parameters
    ----------
    onset_samples
        Onsets in samples (any order).
    labels
        One label per onset.
    tolerance_samples
        How far outside a segment an annotation still counts as inside it.
    notes
        One note per onset (WFDB aux_note), or none.
    """

    def __init__(self, onset_samples, labels, tolerance_samples: int = 0, notes=()) -> None:
        onsets = np.asarray(onset_samples, dtype=np.int64).ravel()
        labels = np.asarray([str(x) for x in labels], dtype=object)
        if len(onsets) != len(labels):
            raise ValueError(f"{len(onsets)} onsets for {len(labels)} labels.")
        notes = [str(x) for x in notes] if len(notes) else [""] * len(labels)
        texts = np.asarray([annotation_text(a, n) for a, n in zip(labels, notes)], dtype=object)
        order = np.argsort(onsets, kind="stable")
        self.onsets: np.ndarray = onsets[order]
        self.labels: np.ndarray = labels[order]
        self.texts: np.ndarray = texts[order]
        self.tolerance = max(0, int(tolerance_samples))
        self._by_label: dict[str, np.ndarray] = {}
        self._non_normal: np.ndarray | None = None

    @classmethod
    def from_annotations(cls, annotations, tolerance_samples: int = 0) -> "AnnotationIndex":
        """From a ``recording.Annotations``."""
        return cls(annotations.onset_samples, annotations.labels, tolerance_samples, annotations.notes)

    def __len__(self) -> int:
        return int(len(self.onsets))

    @property
    def non_normal_onsets(self) -> np.ndarray:
        """Sorted onsets of the non-normal annotations."""
        if self._non_normal is None:
            keep = np.fromiter((is_non_normal(x) for x in self.labels), bool, len(self.labels))
            self._non_normal = self.onsets[keep]
        return self._non_normal

    def span(self, start_sample: int, end_sample: int) -> tuple[int, int]:
        """Positions ``[i0, i1)`` of the annotations with ``start - tolerance <= onset < end + tolerance``."""
        i0 = int(np.searchsorted(self.onsets, start_sample - self.tolerance, side="left"))
        i1 = int(np.searchsorted(self.onsets, end_sample + self.tolerance, side="left"))
        return i0, max(i0, i1)

    def labels_in(self, start_sample: int, end_sample: int) -> list[str]:
        i0, i1 = self.span(start_sample, end_sample)
        return [str(x) for x in self.labels[i0:i1]]

    def summary(self, start_sample: int, end_sample: int, max_items: int = 4) -> str:
        """The labels inside ``[start, end)`` as "V ×2, A, N ×3": non-normal ones first, then by
        count; "" when there are none."""
        counts = Counter(self.labels_in(start_sample, end_sample))
        if not counts:
            return ""
        ordered = sorted(counts.items(), key=lambda kv: (not is_non_normal(kv[0]), -kv[1], kv[0]))
        parts = [label if n == 1 else f"{label} ×{n}" for label, n in ordered[:max_items]]
        if len(ordered) > max_items:
            parts.append("…")
        return ", ".join(parts)

    def positions(self, label: str) -> np.ndarray:
        """Sorted positions (into ``onsets``) of the annotations labelled ``label`` or reading
        as it (``annotation_text``: "(VT" finds the rhythm changes to VT)."""
        found = self._by_label.get(label)
        if found is None:
            found = np.flatnonzero((self.labels == label) | (self.texts == label))
            self._by_label[label] = found
        return found

    def next_index(self, label: str, after_sample: int, direction: int = 1) -> int | None:
        """Position of the first ``label`` annotation (``positions``) strictly after ``after_sample``
        (``direction`` -1: the last one strictly before it), or None."""
        pos = self.positions(label)
        if len(pos) == 0:
            return None
        onsets = self.onsets[pos]
        if direction >= 0:
            k = int(np.searchsorted(onsets, after_sample, side="right"))
            return int(pos[k]) if k < len(pos) else None
        k = int(np.searchsorted(onsets, after_sample, side="left")) - 1
        return int(pos[k]) if k >= 0 else None

    def nearest(self, sample: float, max_distance: float) -> int | None:
        """Position of the annotation nearest ``sample`` if it lies within ``max_distance``."""
        if len(self.onsets) == 0:
            return None
        k = int(np.searchsorted(self.onsets, sample))
        best = None
        for j in (k - 1, k):
            if 0 <= j < len(self.onsets):
                d = abs(float(self.onsets[j]) - sample)
                if d <= max_distance and (best is None or d < best[0]):
                    best = (d, j)
        return None if best is None else best[1]


@dataclass(frozen=True)
class Agreement:
    """How segments and non-normal annotations agree.

    ``segments_with_non_normal`` of ``n_segments`` contain at least one non-normal annotation;
    ``non_normal_covered`` of ``n_non_normal`` annotations lie inside some segment.
    """

    n_segments: int
    segments_with_non_normal: int
    n_non_normal: int
    non_normal_covered: int

    def describe(self) -> str:
        return (f"{self.segments_with_non_normal}/{self.n_segments} segments contain a non-normal annotation · "
                f"{self.non_normal_covered}/{self.n_non_normal} non-normal annotations lie in a segment")


def agreement(bounds: np.ndarray, index: AnnotationIndex) -> Agreement:
    """Compare sorted, disjoint ``(n, 2)`` segment ``bounds`` (samples) with ``index`` (within
    its tolerance)."""
    b = np.asarray(bounds, np.int64).reshape(-1, 2) + np.array([-index.tolerance, index.tolerance])
    abn = index.non_normal_onsets
    if len(b) == 0 or len(abn) == 0:
        return Agreement(len(b), 0, int(len(abn)), 0)
    first = np.searchsorted(abn, b[:, 0], side="left")
    past = np.searchsorted(abn, b[:, 1], side="left")
    seg_hits = int(np.count_nonzero(past > first))
    j = np.searchsorted(b[:, 0], abn, side="right") - 1
    inside = (j >= 0) & (abn < b[np.maximum(j, 0), 1])
    return Agreement(int(len(b)), seg_hits, int(len(abn)), int(np.count_nonzero(inside)))
