"""The hand-written Adam follows torch.optim.Adam + CosineAnnealingLR, and training stays
clear of torch's compiler stack (whose import freezes the window)."""

import subprocess
import sys

import torch

from anomaly_gui.model.networks import build_network
from anomaly_gui.model.optimiser import CosineAdam


def _train(make_optimiser, steps_per_epoch=5, epochs=4):
    torch.manual_seed(3)
    net = build_network("ae", 2, 64, 4, 4)
    x = torch.randn(16, 2, 64)
    step, end_epoch = make_optimiser(net)
    for _ in range(epochs):
        for _ in range(steps_per_epoch):
            for p in net.parameters():
                p.grad = None
            torch.mean((net(x) - x) ** 2).backward()
            step()
        end_epoch()
    return torch.cat([p.detach().flatten() for p in net.parameters()])


def test_matches_torch_adam_with_cosine_schedule():
    def ours(net):
        opt = CosineAdam(net.parameters(), lr=2e-3, epochs=4)
        return opt.step, opt.end_epoch

    def reference(net):
        opt = torch.optim.Adam(net.parameters(), lr=2e-3)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
        return opt.step, sched.step

    start = _train(lambda net: (lambda: None, lambda: None))
    a, b = _train(ours), _train(reference)
    assert not torch.allclose(a, start)  # the parameters did move
    assert torch.allclose(a, b, rtol=1e-4, atol=1e-6)


def test_detection_does_not_import_the_compiler_stack():
    code = (
        "import sys\n"
        "from anomaly_gui.io import read_recording\n"
        "from anomaly_gui.resources import DEMO_RECORDING\n"
        "from anomaly_gui.detect.config import DetectionConfig\n"
        "from anomaly_gui.detect.pipeline import run_detection\n"
        "run_detection(read_recording(DEMO_RECORDING), DetectionConfig(epochs=1))\n"
        "print(sorted(m for m in ('torch._dynamo', 'torch._inductor') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
