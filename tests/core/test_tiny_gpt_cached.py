"""The KV-cached forward of TinyGPT, and the rlvr prefix-tree sampler built on it, equal
their plain twins (whole-prefix forward; the plain distinct-prefix sampler)."""
import torch

from neurips25.common.tiny_gpt import GPTConfig, TinyGPT
from neurips25.rlvr_passk.toy.sampling import _sample_plain, _sample_tree


def _model(seed: int = 0) -> TinyGPT:
    torch.manual_seed(seed)
    return TinyGPT(GPTConfig(vocab_size=11, block_size=16, n_layer=2, n_head=2, n_embd=16)).eval()


def test_forward_cached_equals_forward_position_by_position():
    model = _model()
    idx = torch.randint(0, 11, (3, 9), generator=torch.Generator().manual_seed(1))
    full = model(idx)
    logits, cache = model.forward_cached(idx[:, :4], 0, None)  # prefill of 4
    torch.testing.assert_close(logits, full[:, 3], rtol=1e-5, atol=1e-5)
    for t in range(4, 9):
        logits, cache = model.forward_cached(idx[:, t:t + 1], t, cache)
        torch.testing.assert_close(logits, full[:, t], rtol=1e-5, atol=1e-5)


def test_forward_cached_refuses_positions_past_the_block():
    model = _model()
    try:
        model.forward_cached(torch.zeros(1, 17, dtype=torch.long), 0, None)
    except ValueError as exc:
        assert "block_size" in str(exc)
    else:
        raise AssertionError("no error past block_size")


def test_prefix_tree_sampler_draws_what_the_plain_sampler_draws():
    model = _model(3)
    prompts = torch.randint(0, 11, (4, 5), generator=torch.Generator().manual_seed(2))
    for temperature in (1.0, 0.7):
        tree = _sample_tree(model, prompts, 16, 8, torch.Generator().manual_seed(5), temperature)
        plain = _sample_plain(model, prompts, 16, 8, torch.Generator().manual_seed(5),
                              temperature, chunk=64)
        assert torch.equal(tree[0], plain[0])
        torch.testing.assert_close(tree[1], plain[1], rtol=1e-4, atol=1e-5)
