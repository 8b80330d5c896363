"""1-D convolutional autoencoder and VAE: shapes and forward passes only."""

from __future__ import annotations

import torch
from torch import nn


def _encoder(n_channels: int, width: int) -> nn.Sequential:
    # Three stride-2 stages: the window shrinks 8×, channels grow; GELU keeps gradients smooth.
    return nn.Sequential(
        nn.Conv1d(n_channels, width, 7, stride=2, padding=3),
        nn.GELU(),
        nn.Conv1d(width, 2 * width, 5, stride=2, padding=2),
        nn.GELU(),
        nn.Conv1d(2 * width, 2 * width, 5, stride=2, padding=2),
        nn.GELU(),
    )


def _decoder(n_channels: int, width: int) -> nn.Sequential:
    return nn.Sequential(
        nn.ConvTranspose1d(2 * width, 2 * width, 4, stride=2, padding=1),
        nn.GELU(),
        nn.ConvTranspose1d(2 * width, width, 4, stride=2, padding=1),
        nn.GELU(),
        nn.ConvTranspose1d(width, width, 4, stride=2, padding=1),
        nn.GELU(),
        nn.Conv1d(width, n_channels, 7, padding=3),
    )


class ConvAutoencoder(nn.Module):
    """Conv encoder → dense bottleneck of ``latent_dim`` → conv decoder.

    The dense bottleneck is what forces compression: a fully convolutional AE with a wide
    latent map learns to copy its input and then reconstructs anomalies as well as normal data.
    """

    def __init__(self, n_channels: int, window: int, latent_dim: int = 32, width: int = 16) -> None:
        super().__init__()
        if window % 8:
            raise ValueError("window must be a multiple of 8")
        self.n_channels, self.window, self.latent_dim, self.width = n_channels, window, latent_dim, width
        self.encoder = _encoder(n_channels, width)
        self.reduced = window // 8
        flat = 2 * width * self.reduced
        self.to_latent = nn.Linear(flat, latent_dim)
        self.from_latent = nn.Linear(latent_dim, flat)
        self.decoder = _decoder(n_channels, width)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.to_latent(self.encoder(x).flatten(1))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        h = self.from_latent(z).view(-1, 2 * self.width, self.reduced)
        return self.decoder(torch.nn.functional.gelu(h))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


class ConvVAE(ConvAutoencoder):
    """Variational version: the bottleneck gives a mean and log-variance; sampling uses the
    reparameterisation trick during training, the mean at inference."""

    def __init__(self, n_channels: int, window: int, latent_dim: int = 32, width: int = 16) -> None:
        super().__init__(n_channels, window, latent_dim, width)
        self.to_logvar = nn.Linear(2 * width * self.reduced, latent_dim)

    def encode_distribution(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(x).flatten(1)
        return self.to_latent(h), self.to_logvar(h).clamp(-10.0, 10.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mu, _ = self.encode_distribution(x)
        return self.decode(mu)

    def forward_train(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu, logvar = self.encode_distribution(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode(z), mu, logvar


def build_network(kind: str, n_channels: int, window: int, latent_dim: int, width: int) -> ConvAutoencoder:
    if kind == "ae":
        return ConvAutoencoder(n_channels, window, latent_dim, width)
    if kind == "vae":
        return ConvVAE(n_channels, window, latent_dim, width)
    raise ValueError(f"Unknown model kind '{kind}' (expected 'ae' or 'vae').")
