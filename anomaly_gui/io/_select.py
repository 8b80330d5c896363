"""Which channels of a file with several sampling rates to open, and resampling them.

Shared by the readers whose channels may differ in rate or length (EDF/BDF, TDMS).

Rules
-----
* ``channels`` given: exactly those (names, or indices, as ``parse_channel_spec`` reads
  them). If they differ in rate and no ``resample_to_hz`` is given, a ``ReadError`` lists
  the rates and asks for a rate to resample to. Equal rates but unequal lengths: cut to the
  shortest, with a warning.
* ``channels`` None and ``resample_to_hz`` given: every channel, each resampled.
* Neither: the group of channels sharing one rate (and, for TDMS, one length) with the most
  channels; a tie goes to the higher rate, then the longer. Every other channel goes to
  ``meta["skipped_channels"]`` (name → reason with its rate) and one warning says how many
  were left out, so nothing disappears silently.

``meta["channel_rates"]`` always maps every channel of the file to its rate in Hz.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..errors import DataError, ReadError
from ..recording import parse_channel_spec
from ._common import ChannelInfo, add_warning, allocate_float32


@dataclass(frozen=True)
class Selection:
    """The channels to open (indices into the file's channel list) and the output rate."""

    indices: list[int]
    fs_hz: float | None  # the output rate; None when the chosen channels state no rate
    n_samples: int  # output length (after cutting or resampling)
    resample: bool


def check_resample_rate(resample_to_hz: float | None) -> float | None:
    """``resample_to_hz`` as a positive float, or None; ``DataError`` otherwise."""
    if resample_to_hz is None:
        return None
    try:
        rate = float(resample_to_hz)
    except (TypeError, ValueError):
        raise DataError(f"Resampling rate must be a number of Hz, got {resample_to_hz!r}.") from None
    if not np.isfinite(rate) or rate <= 0:
        raise DataError(f"Resampling rate must be a positive number of Hz, got {rate}.")
    return rate


def select_channels(
    path: Path,
    infos: Sequence[ChannelInfo],
    channels: Sequence[str] | str | None,
    resample_to_hz: float | None,
    meta: dict,
    *,
    group_by_length: bool = False,
) -> Selection:
    """Apply the module's rules; fills ``channel_rates``, ``skipped_channels`` and warnings."""
    names = [info.name for info in infos]
    meta["channel_rates"] = {info.name: info.fs_hz for info in infos}
    if channels is not None:
        spec = channels if isinstance(channels, str) else [str(c) for c in channels]
        chosen = parse_channel_spec(spec, names)
    elif resample_to_hz is not None:
        chosen = list(range(len(infos)))
    else:
        chosen = _largest_group(infos, group_by_length)
        _record_skipped(infos, chosen, meta, group_by_length)

    rates = sorted({infos[i].fs_hz for i in chosen}, key=lambda r: -1.0 if r is None else r)
    if resample_to_hz is None and len(rates) > 1:
        listing = ", ".join(f"{infos[i].name} {_rate_text(infos[i].fs_hz)}" for i in chosen)
        raise ReadError(
            f"The chosen channels of '{path.name}' have different sampling rates ({listing}); "
            "pass a rate to resample them to (resample_to_hz=..., e.g. --resample "
            f"{_rate_text(max(r for r in rates if r is not None), unit=False)})."
        )
    if resample_to_hz is not None:
        if any(infos[i].fs_hz is None for i in chosen):
            unknown = ", ".join(infos[i].name for i in chosen if infos[i].fs_hz is None)
            raise ReadError(
                f"'{path.name}': channel(s) {unknown} state no sampling rate, so they cannot be "
                "resampled; pass fs_hz (--fs) for them or choose other channels."
            )
        durations = [infos[i].n_samples / infos[i].fs_hz for i in chosen]
        n_samples = int(np.floor(min(durations) * resample_to_hz + 1e-9))
        resample = any(abs(infos[i].fs_hz - resample_to_hz) > 1e-9 * resample_to_hz for i in chosen)
        meta["resampled_to_hz"] = resample_to_hz
        return Selection(chosen, resample_to_hz, n_samples, resample)

    lengths = [infos[i].n_samples for i in chosen]
    n_samples = min(lengths)
    if len(set(lengths)) > 1:
        listing = ", ".join(f"{infos[i].name} {infos[i].n_samples}" for i in chosen)
        add_warning(
            meta,
            f"the chosen channels have different lengths ({listing} samples); "
            f"all are cut to the shortest, {n_samples} samples",
        )
    return Selection(chosen, rates[0], n_samples, False)


def assemble(
    selection: Selection,
    infos: Sequence[ChannelInfo],
    read_group: Callable[[list[int], np.ndarray], None],
    meta: dict,
) -> np.ndarray:
    """The float32 ``(n, ch)`` array of the selection.

    ``read_group(indices, out)`` decodes channels ``indices`` (all of one rate) into ``out``
    (``(n, len(indices))``, n = the first ``out.shape[0]`` samples of each channel).
    Without resampling it writes straight into the result; with resampling each rate group
    is decoded, resampled (``dsp.resample.resample_to``, polyphase) and copied in.
    """
    n_out, k = selection.n_samples, len(selection.indices)
    out = allocate_float32(n_out, k, meta)
    if not selection.resample:
        read_group(list(selection.indices), out)
        return out
    from ..dsp.resample import resample_to

    groups: dict[float, list[int]] = {}
    for column, index in enumerate(selection.indices):
        groups.setdefault(infos[index].fs_hz, []).append(column)
    for rate, columns in groups.items():
        n_in = min(infos[selection.indices[c]].n_samples for c in columns)
        block = np.empty((n_in, len(columns)), dtype=np.float32)
        read_group([selection.indices[c] for c in columns], block)
        converted = resample_to(block, rate, selection.fs_hz)
        del block
        n_have = min(len(converted), n_out)
        out[:n_have, columns] = converted[:n_have]
        if n_have < n_out:  # a rate ratio that resample_poly only approximates: hold the last value
            out[n_have:, columns] = converted[n_have - 1] if n_have else 0.0
    meta["resampled_from_hz"] = {
        infos[i].name: infos[i].fs_hz for i in selection.indices
        if abs(infos[i].fs_hz - selection.fs_hz) > 1e-9 * selection.fs_hz
    }
    return out


def _group_key(info: ChannelInfo, by_length: bool) -> tuple:
    return (info.fs_hz, info.n_samples) if by_length else (info.fs_hz,)


def _largest_group(infos: Sequence[ChannelInfo], by_length: bool) -> list[int]:
    groups: dict[tuple, list[int]] = {}
    for i, info in enumerate(infos):
        groups.setdefault(_group_key(info, by_length), []).append(i)

    def rank(key: tuple) -> tuple:
        rate = -1.0 if key[0] is None else key[0]
        return (len(groups[key]), rate, max(infos[i].n_samples for i in groups[key]))

    return groups[max(groups, key=rank)]


def _record_skipped(infos: Sequence[ChannelInfo], chosen: list[int], meta: dict, by_length: bool) -> None:
    if len(chosen) == len(infos):
        return
    first = infos[chosen[0]]
    opened = _rate_text(first.fs_hz) + (f", {first.n_samples} samples" if by_length else "")
    skipped = {}
    for i, info in enumerate(infos):
        if i in chosen:
            continue
        if info.fs_hz != first.fs_hz:
            reason = f"sampled at {_rate_text(info.fs_hz)}, not {_rate_text(first.fs_hz)}"
        else:
            reason = f"{info.n_samples} samples, not {first.n_samples}"
        skipped[info.name] = reason
    meta["skipped_channels"] = skipped
    add_warning(
        meta,
        f"{len(skipped)} channel(s) not opened because their rate or length differs from the "
        f"{len(chosen)} opened ({opened}): {', '.join(skipped)}; choose the channels to open "
        "(--channels), or resample every channel to one rate (--resample HZ)",
    )


def _rate_text(rate: float | None, unit: bool = True) -> str:
    if rate is None:
        return "unknown rate" if unit else "?"
    text = f"{rate:.10g}"
    return f"{text} Hz" if unit else text
