"""The hand-written Adam follows torch.optim.Adam + CosineAnnealingLR."""

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
