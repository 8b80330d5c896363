#!/usr/bin/env bash
# Create .venv (if missing) and install anomaly-gui with what it needs, then run a command in it.
#
#   bash packaging/bootstrap.sh app    install, then open the window on the demo ECG and detect
#   bash packaging/bootstrap.sh test   install with test tools, then run the whole test suite
#   bash packaging/bootstrap.sh        install only
#
# PyTorch: on a machine without an NVIDIA GPU the CPU build is installed (a few hundred MB
# instead of several GB of CUDA libraries). Set ANOMALY_GUI_TORCH to choose another spec.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-install}"
python="${PYTHON:-python3}"
venv=".venv"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)

if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
    torch_spec="${ANOMALY_GUI_TORCH:-torch==2.13.0}"
    if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
        "${pip[@]}" install "$torch_spec"
    else
        # The local wheel (pip's find-links) or PyPI's CPU index; never the CUDA build by accident.
        "${pip[@]}" install "$torch_spec" \
            || "${pip[@]}" install "$torch_spec" --index-url https://download.pytorch.org/whl/cpu
    fi
fi

if [ "$mode" = "test" ]; then
    "${pip[@]}" install -e ".[test]"
else
    "${pip[@]}" install -e .
fi

case "$mode" in
    app)
        shift || true
        exec "$venv/bin/anomaly-gui" --demo --detect "$@"
        ;;
    test)
        shift || true
        export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
        exec "$venv/bin/python" -m pytest -q "$@"
        ;;
    install) ;;
    *)
        echo "usage: bash packaging/bootstrap.sh [app|test|install]" >&2
        exit 2
        ;;
esac
