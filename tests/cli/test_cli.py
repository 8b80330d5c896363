"""The command line as users' scripts call it: real files, real subprocesses, the JSON contract."""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

from anomaly_gui.detect.config import DetectionConfig


def run_cli(*args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "anomaly_gui", *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


def test_info_json_on_wfdb(shared_data):
    out = run_cli("info", shared_data / "mitdb" / "119.hea", "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["n_samples"] == 650000 and info["fs"] == 360.0
    assert info["channels"] == ["MLII", "V1"] and info["units"] == ["mV", "mV"]
    assert info["duration_s"] == pytest.approx(650000 / 360)
    assert info["start_time"] is None
    assert info["n_annotations"] == 2094  # 1987 beats + rhythm and quality annotations


def test_info_needs_fs_for_mat_and_says_so_in_one_line(shared_data):
    path = shared_data / "cwru" / "12k_DE" / "IR007_0.mat"
    out = run_cli("info", path)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and "--fs" in out.stderr
    ok = run_cli("info", path, "--fs", "12000", "--json")
    assert json.loads(ok.stdout)["channels"] == ["X105_DE_time", "X105_FE_time", "X105_BA_time"]


def test_info_takes_the_import_choices_time_column_and_units(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("elapsed_at,x,y\n" + "".join(f"{i * 0.002:.3f},{i % 7},{i % 3}\n" for i in range(400)))
    out = run_cli("info", path, "--time-column", "elapsed_at", "--units", "x=g,y=mV", "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["fs"] == pytest.approx(500.0) and info["channels"] == ["x", "y"] and info["units"] == ["g", "mV"]
    bad = run_cli("info", path, "--time-column", "x")
    assert bad.returncode == 2 and "'x' cannot be the time column" in bad.stderr


def test_detect_reference_without_the_recordings_channels_says_which_and_how(shared_data):
    # CWRU fault files carry a BA channel that the healthy recording lacks.
    out = run_cli(
        "detect", shared_data / "cwru" / "12k_DE" / "IR007_0.mat", "--fs", "12000",
        "--reference", shared_data / "cwru" / "Normal" / "Normal_0.mat", "--reference-fs", "48000",
    )
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    assert "(X097_DE_time, X097_FE_time)" in out.stderr and "X105_BA_time" in out.stderr
    assert "--channels" in out.stderr


def test_detect_round_trip_reference_model_out_and_in(shared_data, tmp_path):
    fault = shared_data / "cwru" / "12k_DE" / "OR007@6_0.mat"
    healthy = shared_data / "cwru" / "Normal" / "Normal_0.mat"
    seg_csv, seg_json, scores, model = (tmp_path / n for n in ("s.csv", "s.json", "scores.npy", "m.pt"))
    out = run_cli(
        "detect", fault, "--fs", "12000", "--channels", "DE", "--reference", healthy, "--reference-fs", "48000",
        "--epochs", "3", "--seed", "1", "--synthetic-anomalies", "0.25",
        "--segments-out", seg_csv, "--scores-out", scores, "--model-out", model, "--json",
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert set(doc) >= {"n_samples", "fs", "channels", "threshold", "segments", "timings"}
    assert set(doc["timings"]) == {"load_s", "train_s", "score_s"}
    assert doc["channels"] == ["X130_DE_time"] and doc["fs"] == 12000.0
    assert "resampled from 48000 Hz to 12000 Hz" in out.stderr
    s = np.load(scores)
    assert s.dtype == np.float32 and s.shape == (doc["n_samples"],)
    # An outer-race fault against a healthy reference: most of the file is flagged.
    flagged = sum(seg["end_sample"] - seg["start_sample"] for seg in doc["segments"])
    assert flagged > 0.5 * doc["n_samples"]
    for seg in doc["segments"]:
        assert seg["start_s"] == pytest.approx(seg["start_sample"] / 12000, abs=1e-5)
        assert set(seg) == {"start_s", "end_s", "start_sample", "end_sample", "score", "channels"}
    with open(seg_csv) as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    assert len(rows) == len(doc["segments"])
    assert int(rows[0]["start_sample"]) == doc["segments"][0]["start_sample"]

    healthy_scored = run_cli(
        "detect", healthy, "--fs", "48000", "--channels", "DE", "--model-in", model, "--json",
    )
    assert healthy_scored.returncode == 2 and "Hz" in healthy_scored.stderr  # rate is checked
    again = run_cli(
        "detect", fault, "--fs", "12000", "--channels", "X130_DE_time", "--model-in", model,
        "--segments-out", seg_json, "--json",
    )
    assert again.returncode == 0, again.stderr
    doc2 = json.loads(again.stdout)
    assert doc2["threshold"] == pytest.approx(doc["threshold"])
    assert doc2["timings"]["train_s"] == 0.0
    saved = json.loads(seg_json.read_text())
    assert saved["source_file"].endswith("OR007@6_0.mat") and saved["fs"] == 12000.0
    assert saved["model_settings"]["model"] == DetectionConfig().model and saved["model_settings"]["synthetic_anomalies"] == 0.25
    assert len(saved["segments"]) == len(doc2["segments"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["detect", "{data}/mitdb/119.hea", "--channels", "9"], "out of range"),
        (["detect", "{data}/cwru/12k_DE/IR007_0.mat", "--fs", "12000", "--channels", "time"], "ambiguous"),
        (["detect", "{tmp}/missing.csv"], "not found"),
        (["detect", "{tmp}/empty.csv"], "empty"),
        (["detect", "{tmp}/nan.csv", "--fs", "100"], "NaN"),
        (["detect", "{tmp}/short.csv", "--fs", "100"], "samples"),
        (["detect", "{tmp}/blob.xyz"], "support"),
        (["detect", "{data}/mitdb/119.hea", "--threshold", "loud"], "Threshold"),
        (["detect", "{data}/mitdb/119.hea", "--synthetic-anomalies", "1.5"], "synthetic anomalies"),
    ],
)
def test_user_errors_exit_2_with_one_line(args, message, shared_data, tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    x = np.sin(np.arange(3000) / 5.0)
    np.savetxt(tmp_path / "nan.csv", np.where(np.arange(3000) % 40 == 0, np.nan, x))  # no stretch of a window
    np.savetxt(tmp_path / "short.csv", x[200:300])
    (tmp_path / "blob.xyz").write_bytes(bytes(range(256)) * 4)
    argv = [a.format(data=shared_data, tmp=tmp_path) for a in args]
    out = run_cli(*argv)
    assert out.returncode == 2, out.stdout + out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("anomaly-gui: error:"), out.stderr
    assert message.lower() in lines[0].lower()
    assert "Traceback" not in out.stderr


def test_bundled_ecg_reference_model_scores_the_demo_without_training(tmp_path):
    from anomaly_gui.resources import DEMO_RECORDING

    out = run_cli("detect", DEMO_RECORDING, "--ecg-reference", "--json", "--scores-out", tmp_path / "s.npy")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["channels"] == ["MLII", "V1"] and doc["timings"]["train_s"] < 30
    assert "scores one lead: MLII" in out.stderr and "adapted" in out.stderr
    assert np.load(tmp_path / "s.npy").shape == (doc["n_samples"],)
    assert len(doc["segments"]) > 20  # the excerpt holds 53 ventricular beats
    assert all(s["channels"] == ["MLII"] for s in doc["segments"])  # the lead it scored
    clash = run_cli("detect", DEMO_RECORDING, "--ecg-reference", "--train-range", "0:60")
    assert clash.returncode == 2 and "--ecg-reference" in clash.stderr


def test_detect_writes_a_session_and_a_report_that_export_reads(tmp_path):
    from anomaly_gui.resources import DEMO_RECORDING

    project, report = tmp_path / "demo.agproj", tmp_path / "demo.html"
    out = run_cli("detect", DEMO_RECORDING, "--epochs", "3", "--session-out", project, "--report", report, "--json")
    assert out.returncode == 0, out.stderr
    n_segments = len(json.loads(out.stdout)["segments"])
    assert project.stat().st_size > 0 and "<html" in report.read_text(encoding="utf-8").lower()
    table = tmp_path / "segments.json"
    exported = run_cli("export", project, "--format", "json", "--out", table)
    assert exported.returncode == 0, exported.stderr
    assert len(json.loads(table.read_text())["segments"]) == n_segments
    bad = run_cli("export", project, "--format", "json")
    assert bad.returncode == 2


def test_detect_takes_the_baselines_and_float32_scoring():
    from anomaly_gui.resources import DEMO_RECORDING

    out = run_cli("detect", DEMO_RECORDING, "--model", "iforest", "--precision", "float32", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["n_samples"] == 108000 and doc["threshold"] > 0
    assert not any("bfloat16" in n for n in doc["notices"])
    bad = run_cli("detect", DEMO_RECORDING, "--model", "lstm")
    assert bad.returncode == 2 and "invalid choice: 'lstm'" in bad.stderr


def _csv_table(path):
    """Header and values of a CSV with '#' comment lines before its header."""
    with open(path) as f:
        lines = [line for line in f if not line.startswith("#")]
    return lines[0].strip().split(","), np.loadtxt(lines[1:], delimiter=",")


def test_spectrum_and_trends_commands_on_a_bearing_fault(shared_data, tmp_path):
    fault = shared_data / "cwru" / "12k_DE" / "OR007@6_0.mat"
    out = run_cli("spectrum", fault, "--fs", "12000", "--channels", "DE", "--envelope", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["kind"] == "envelope" and doc["band_hz"] == [1500.0, 4800.0] and doc["channels"] == ["X130_DE_time"]
    assert doc["resolution_hz"] == pytest.approx(12000 / 8192) and len(doc["freqs_hz"]) == 4097
    top = doc["peaks"]["X130_DE_time"][0]
    assert abs(top["freq_hz"] - 3.5848 * 1796 / 60) <= doc["resolution_hz"]  # BPFO of the SKF 6205
    table = tmp_path / "spectrum.csv"
    out = run_cli("spectrum", fault, "--fs", "12000", "--range", "1:3", "--segment", "4096", "--out", table)
    assert out.returncode == 0, out.stderr
    assert "resolution 2.93 Hz" in out.stdout and "X130_BA_time peaks:" in out.stdout
    header, values = _csv_table(table)
    assert header == ["freq_hz", "X130_DE_time", "X130_FE_time", "X130_BA_time"] and values.shape == (2049, 4)

    trend_csv = tmp_path / "trends.csv"
    out = run_cli("trends", fault, "--fs", "12000", "--channels", "DE", "--block-s", "1", "--json", "--out", trend_csv)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["block_samples"] == 12000 and len(doc["times_s"]) == 10
    assert set(doc) >= {"rms", "peak", "crest_factor", "kurtosis"}
    assert all(k > 4 for k in doc["kurtosis"]["X130_DE_time"])  # impacts in every second
    assert _csv_table(trend_csv)[1].shape == (10, 5)

    bad = run_cli("spectrum", fault, "--fs", "12000", "--band", "100:200")
    assert bad.returncode == 2 and "--envelope" in bad.stderr
    late = run_cli("spectrum", fault, "--fs", "12000", "--range", "20:30")
    assert late.returncode == 2 and "starts after the recording ends (10.166 s)" in late.stderr
