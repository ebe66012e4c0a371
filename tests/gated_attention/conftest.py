"""Single-threaded torch: tiny models run much faster than with thread contention."""
import torch

torch.set_num_threads(1)
