"""PyTorch networks, training loop and model files (imported only when a model is used)."""
