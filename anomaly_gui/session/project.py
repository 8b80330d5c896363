"""Project files: a whole review session in one ``NAME.agproj`` file.

A project is a ZIP archive holding

``project.json`` (deflated)
    the session description below;
``scores.npy`` (stored, uncompressed)
    the per-sample scores, float32, shape ``(n_samples,)``; absent when there are none;
``model.pt`` (stored, optional)
    the fitted detector as written by ``model.persistence.save_detector``.

``project.json`` (format version 1)::

    {
      "format": "anomaly-gui-project", "format_version": 1, "app_version": "0.1.0",
      "saved_at": "2024-05-01T12:00:00+00:00",
      "source": {
        "path": "/abs/path/119.hea",        # absolute, as last opened (null: no source)
        "relative_path": "../data/119.hea",  # from the project's folder (null across drives)
        "fs_override": null,                # --fs given when it was opened
        "channel_spec": null,               # channel selection ("MLII", "0,1", null = all)
        "read_options": {},                 # import choices, read_recording keywords: dataset,
                                            # time_column, units, channels, resample_to_hz, …
        "size": 1950000, "mtime": 1700000000.0   # of the source file, to verify it
      },
      "recording": {"fs_hz": 360.0, "n_samples": 650000, "channels": ["MLII", "V1"]},
      "detection": {
        "settings": {...DetectionConfig.to_dict()...},
        "threshold": 4.2,                   # null before any detection
        "training": "whole recording",      # what the model learnt from
        "detector": "BeatAutoencoderDetector",
        "history": [{"epoch": 1, "n_epochs": 15, "train_loss": 0.1, "val_loss": 0.2, "elapsed_s": 1.0}]
      },
      "scores": {"member": "scores.npy", "dtype": "float32", "n_samples": 650000}
               | {"external": "scores-1.npy", ...}   # next to the file (recovery snapshots)
               | null,
      "model": {"member": "model.pt"} | null,
      "labels": ["PVC", "APB", "artefact", "noise", "other"],
      "view": {...},                        # whatever the GUI keeps (x-range, channel gains …)
      "next_segment_id": 12,
      "segments": [{"id": 0, "start_sample": 100, "end_sample": 250, "score": 7.5,
                    "channels": ["MLII"], "status": "accepted", "label": "PVC", "note": ""}]
    }

Readers accept any ``format_version`` up to theirs and ignore unknown keys. Segments are sorted
and non-overlapping (checked on opening). Saving writes a temporary file in the same folder,
fsyncs it and renames it over the target, so a crash leaves the old project or the new one.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .. import __version__
from ..errors import AnomalyGuiError
from .session import Session, segment_from_dict, segment_to_dict

FORMAT = "anomaly-gui-project"
FORMAT_VERSION = 1
PROJECT_SUFFIX = ".agproj"


class ProjectFileError(AnomalyGuiError):
    """A project file is missing, malformed or does not match its recording."""


class SourceMissingError(ProjectFileError):
    """The project's recording is not where it was; ask the user for its new location and
    call ``open_project(path, source_override=NEW)``."""

    def __init__(self, expected_path: str | Path, project_path: str | Path | None = None) -> None:
        self.expected_path = Path(expected_path)
        self.project_path = Path(project_path) if project_path else None
        super().__init__(f"The recording {self.expected_path} was not found; it may have been moved or renamed.")


class SourceChangedError(ProjectFileError):
    """The recording at the project's source path is not the file the project was made on."""

    def __init__(self, path: Path, expected_size: int, actual_size: int) -> None:
        self.path, self.expected_size, self.actual_size = path, expected_size, actual_size
        super().__init__(
            f"{path.name} has {actual_size} bytes but the project was made on a file of "
            f"{expected_size} bytes; it is a different file."
        )


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (Path, _dt.datetime)):
        return str(value)
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} cannot be saved in a project")


def _source_info(session: Session, project_path: Path) -> dict:
    src = session.source_path
    info = {"path": None, "relative_path": None, "fs_override": session.fs_override,
            "channel_spec": session.channel_spec, "read_options": session.read_options,
            "size": None, "mtime": None}
    if src is None:
        return info
    info["path"] = str(src)
    try:
        info["relative_path"] = Path(os.path.relpath(src, project_path.resolve().parent)).as_posix()
    except ValueError:  # another drive on Windows
        pass
    try:
        st = src.stat()
        info["size"], info["mtime"] = int(st.st_size), float(st.st_mtime)
    except OSError:
        pass
    return info


def project_document(session: Session, project_path: Path, scores_entry: dict | None,
                     model_entry: dict | None, extra: dict | None = None, with_segments: bool = True) -> dict:
    """The ``project.json`` content for ``session`` saved at ``project_path``."""
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "source": _source_info(session, project_path),
        "recording": {"fs_hz": session.fs_hz, "n_samples": session.n_samples, "channels": session.channel_names},
        "detection": {
            "settings": session.detection,
            "threshold": session.threshold,
            "training": session.training_description,
            "detector": session.detector_kind or None,
            "history": session.training_history,
        },
        "scores": scores_entry,
        "model": model_entry,
        "labels": session.labels,
        "view": session.view_state,
        "next_segment_id": session.next_id,
    }
    if extra:
        doc.update(extra)
    if with_segments:
        doc["segments"] = [segment_to_dict(s) for s in session.segment_list]
    return doc


_SEGMENT_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


class SegmentLines:
    """JSON lines of segments, remembered per (immutable) Segment object: a snapshot of
    10,000 segments re-encodes only those changed since the last one."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[object, str]] = {}

    def __call__(self, segments) -> list[str]:
        cache, fresh, out = self._cache, {}, []
        for seg in segments:
            hit = cache.get(id(seg))
            line = hit[1] if hit is not None and hit[0] is seg else _SEGMENT_ENCODER.encode(segment_to_dict(seg))
            fresh[id(seg)] = (seg, line)
            out.append(line)
        self._cache = fresh
        return out


def _project_json(doc: dict, segment_lines: list[str]) -> str:
    """``doc`` as indented JSON with one line per segment (readable, and 10,000 segments take
    milliseconds; indenting every segment field is ten times slower)."""
    text = json.dumps(doc, indent=1, default=_jsonable, ensure_ascii=False, allow_nan=False)
    rows = ",\n  ".join(segment_lines)
    return text[:-2] + ',\n "segments": [\n  ' + rows + "\n ]\n}\n"


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not possible on Windows; the rename is durable enough there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _model_bytes(detector) -> bytes | None:
    """The detector as a model file, or None when there is none or it cannot be saved (the
    baselines have no network: re-running them is cheap)."""
    from ..errors import ModelFileError

    if detector is None or not hasattr(detector, "score_reference_"):
        return None
    from ..model.persistence import save_detector

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pt"
        try:
            save_detector(path, detector)
        except (ModelFileError, AttributeError):
            return None
        return path.read_bytes()


def write_project(path: str | Path, session: Session, *, include_model: bool = True,
                  external_scores: str | None = None, extra: dict | None = None,
                  model_bytes: bytes | None = None, segment_lines: SegmentLines | None = None) -> Path:
    """Write ``session`` to ``path`` atomically; returns the path.

    ``external_scores``: name of a ``.npy`` beside ``path`` that already holds the scores
    (recovery snapshots reuse it instead of rewriting the scores each time).
    ``model_bytes``: the detector already serialised (else it is serialised here when
    ``include_model``). ``segment_lines``: a cache reused between snapshots.
    """
    path = Path(path)
    scores = session.scores
    if external_scores is not None and scores is not None:
        scores_entry = {"external": external_scores, "dtype": "float32", "n_samples": int(len(scores))}
    elif scores is not None:
        scores_entry = {"member": "scores.npy", "dtype": "float32", "n_samples": int(len(scores))}
    else:
        scores_entry = None
    model = model_bytes if model_bytes is not None else (_model_bytes(session.detector) if include_model else None)
    doc = project_document(session, path, scores_entry, {"member": "model.pt"} if model else None, extra,
                           with_segments=False)
    text = _project_json(doc, (segment_lines or SegmentLines())(session.segment_list))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as raw:
            with zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
                zf.writestr("project.json", text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED,
                            compresslevel=1)
                if scores_entry and "member" in scores_entry:
                    with zf.open(zipfile.ZipInfo("scores.npy"), "w", force_zip64=len(scores) * 4 > 2**31) as f:
                        np.lib.format.write_array(f, np.ascontiguousarray(scores, np.float32), allow_pickle=False)
                if model:
                    zf.writestr(zipfile.ZipInfo("model.pt"), model, compress_type=zipfile.ZIP_STORED)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ProjectFileError(f"Could not save the project to {path}: {exc.strerror or exc}") from exc
    return path


def save_project(session: Session, path: str | Path, *, include_model: bool = True) -> Path:
    """Save the session as a project (``.agproj`` is appended when missing) and remember the
    path in ``session.project_path``."""
    path = Path(path)
    if path.suffix.lower() != PROJECT_SUFFIX:
        path = path.with_name(path.name + PROJECT_SUFFIX)
    write_project(path, session, include_model=include_model)
    session.project_path = path
    return path


def read_project_document(path: str | Path) -> dict:
    """``project.json`` of a project file, checked for format and version."""
    path = Path(path)
    if not path.is_file():
        raise ProjectFileError(f"Project file {path} does not exist.")
    try:
        with zipfile.ZipFile(path) as zf:
            doc = json.loads(zf.read("project.json").decode("utf-8"))
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProjectFileError(f"{path.name} is not an anomaly-gui project ({exc}).") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ProjectFileError(f"{path.name} is not an anomaly-gui project.")
    if int(doc.get("format_version", 0)) > FORMAT_VERSION:
        raise ProjectFileError(
            f"{path.name} was written by a newer anomaly-gui ({doc.get('app_version')}); update to open it."
        )
    return doc


def _read_scores(path: Path, doc: dict) -> np.ndarray | None:
    entry = doc.get("scores")
    if not entry:
        return None
    try:
        if "external" in entry:
            scores = np.load(path.parent / entry["external"], allow_pickle=False)
        else:
            with zipfile.ZipFile(path) as zf, zf.open(entry.get("member", "scores.npy")) as f:
                scores = np.lib.format.read_array(f, allow_pickle=False)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ProjectFileError(f"The scores in {path.name} cannot be read ({exc}).") from exc
    n = int(doc["recording"]["n_samples"])
    if scores.ndim != 1 or len(scores) != n:
        raise ProjectFileError(f"{path.name} holds {scores.shape} scores for {n} samples.")
    return scores.astype(np.float32, copy=False)


def _read_model(path: Path, doc: dict):
    if not doc.get("model"):
        return None
    from ..model.persistence import load_detector

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "model.pt"
        with zipfile.ZipFile(path) as zf:
            target.write_bytes(zf.read(doc["model"].get("member", "model.pt")))
        return load_detector(target)


def resolve_source(doc: dict, project_path: Path, source_override: str | Path | None = None) -> Path | None:
    """The recording file of a project: ``source_override``, else the saved absolute path,
    else the saved path relative to the project. Raises ``SourceMissingError`` when none exists."""
    src = doc.get("source") or {}
    if source_override is not None:
        candidate = Path(source_override)
        if not candidate.exists():
            raise SourceMissingError(candidate, project_path)
        return candidate.resolve()
    if not src.get("path"):
        return None
    candidates = [Path(src["path"])]
    if src.get("relative_path"):
        candidates.append(project_path.resolve().parent / src["relative_path"])
    for c in candidates:
        if c.exists():
            return c.resolve()
    raise SourceMissingError(src["path"], project_path)


def session_from_document(doc: dict, scores: np.ndarray | None, name: str = "project") -> Session:
    """A session from a checked ``project.json`` (no recording attached)."""
    from ..segments import SegmentEditError

    try:
        rec = doc["recording"]
        det = doc.get("detection") or {}
        detection = dict(det.get("settings") or {})
        src = doc.get("source") or {}
        session = Session(
            float(rec["fs_hz"]),
            int(rec["n_samples"]),
            source_path=src.get("path"),
            fs_override=src.get("fs_override"),
            channel_spec=src.get("channel_spec"),
            read_options=dict(src.get("read_options") or {}),
            channel_names=list(rec.get("channels", [])),
            detection=detection,
            threshold=det.get("threshold"),
            scores=scores,
            segments=[segment_from_dict(s) for s in doc.get("segments", [])],
            labels=list(doc.get("labels", [])),
            view_state=dict(doc.get("view") or {}),
            training_description=str(det.get("training") or ""),
        )
    except (KeyError, TypeError, ValueError, SegmentEditError) as exc:
        raise ProjectFileError(f"{name} is damaged: {exc}") from exc
    session._next_id = max(session.next_id, int(doc.get("next_segment_id", 0)))
    session.saved_history = [dict(h) for h in det.get("history") or []]
    session.saved_detector_kind = str(det.get("detector") or "")
    return session


def load_source_recording(session: Session, source: Path):
    """Read ``source`` as the session says (rate override, import choices, channel selection)
    and attach it."""
    from ..io import read_recording
    from ..recording import parse_channel_spec

    rec = read_recording(source, fs_hz=session.fs_override, **session.read_options)
    rec = rec.select_channels(parse_channel_spec(session.channel_spec, rec.channel_names))
    if rec.n_samples != session.n_samples or abs(rec.fs_hz - session.fs_hz) > 1e-9 * session.fs_hz:
        raise ProjectFileError(
            f"{source.name} has {rec.n_samples} samples at {rec.fs_hz:g} Hz; the project expects "
            f"{session.n_samples} at {session.fs_hz:g} Hz."
        )
    session.attach_recording(rec)
    return rec


def open_project(path: str | Path, source_override: str | Path | None = None, *, load_recording: bool = True,
                 load_model: bool = True, allow_changed_source: bool = False) -> Session:
    """Open a project file.

    Raises ``ProjectFileError`` for a damaged file, ``SourceMissingError`` (with
    ``expected_path``) when the recording has moved (open again with ``source_override``),
    ``SourceChangedError`` when the file there has another size (unless
    ``allow_changed_source``). A changed modification time only adds a notice.
    """
    path = Path(path)
    doc = read_project_document(path)
    session = session_from_document(doc, _read_scores(path, doc), path.name)
    session.project_path = path
    src_info = doc.get("source") or {}
    source = resolve_source(doc, path, source_override) if (load_recording or source_override) else None
    if source is not None:
        if src_info.get("path") and Path(src_info["path"]) != source:
            session.notices.append(f"The recording was found at {source} (it was at {src_info['path']}).")
        session.source_path = source
        size, mtime = src_info.get("size"), src_info.get("mtime")
        if source.is_file() and size is not None:
            st = source.stat()
            if st.st_size != size and not allow_changed_source:
                raise SourceChangedError(source, int(size), int(st.st_size))
            if mtime is not None and abs(st.st_mtime - float(mtime)) > 1e-3:
                session.notices.append(f"{source.name} was modified after the project was saved.")
        if load_recording:
            load_source_recording(session, source)
    if load_model:
        try:
            session.detector = _read_model(path, doc)
        except AnomalyGuiError as exc:
            session.notices.append(f"The saved model could not be loaded: {exc}")
    return session
