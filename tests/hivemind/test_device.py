"""``--device``: a Config field the runner validates and replaces, threaded to every LM an arm
trains, samples and tunes, and to MiniLM (tested on the CPU; no GPU is ever required)."""
import dataclasses

import pytest
import torch

from neurips25.common.errors import UserError
from neurips25.common.threads import threads
from neurips25.hivemind import STUDY, homogenize
from neurips25.hivemind.embed import MiniLMEmbedder, make_embedder
from neurips25.hivemind.experiment import Config

MICRO = dataclasses.replace(Config.tiny(), seeds=1, n_prompts=1, corpus_per_prompt=20,
                            train_steps=3, samples=3, rl_steps=1, rl_group=2,
                            rl_prompts_per_step=1)


def test_device_is_a_config_field_the_runner_replaces():
    assert Config().device == "cpu" and STUDY.takes_device
    assert STUDY.config("quick", device="cpu").device == "cpu"
    with pytest.raises(UserError, match="--device"):
        STUDY.config("quick", device="gpu0")
    if not torch.cuda.is_available():
        with pytest.raises(UserError, match="no CUDA"):
            STUDY.config("quick", device="cuda")


def test_minilm_is_made_on_the_given_device_lazily():
    assert make_embedder("minilm", cached=False, device="cuda:1").device == "cuda:1"
    assert MiniLMEmbedder().device == "cpu"  # nothing is loaded until the first encode


def test_an_lm_arm_trains_samples_and_tunes_on_the_config_device(monkeypatch):
    from neurips25.hivemind import lm

    trained, gens = [], []
    real_train, real_gen = lm.train_lm, lm.generator

    def train_lm(*args, **kwargs):
        trained.append(kwargs.get("device"))
        return real_train(*args, **kwargs)

    def generator(seed, device="cpu"):
        gens.append(str(device))
        return real_gen(seed, device)

    monkeypatch.setattr(lm, "train_lm", train_lm)
    monkeypatch.setattr(lm, "generator", generator)
    plan = homogenize.ModelPlan("A-s0", "A", False, 0, True)
    with threads(1):  # as an executor worker runs it
        out = homogenize.lm_arm(MICRO, 0, plan)
    assert trained == [MICRO.device]
    # the base and the tuned model are each sampled, and tuning draws its own samples
    assert set(gens) == {MICRO.device} and len(gens) >= 3
    assert set(out["mean_reward"]) == {"A-s0", "A-s0+RT"}
    assert out["emb"].shape[0] == len(out["rows"]) == 2 * MICRO.samples
