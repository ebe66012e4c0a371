"""``--device``: a Config field the runner validates and replaces, threaded to every model the
toy makes and every sample it draws (tested on the CPU; no GPU is ever required)."""
import dataclasses

import numpy as np
import pytest
import torch

from neurips25.common.errors import UserError
from neurips25.common.threads import threads
from neurips25.rlvr_passk import STUDY
from neurips25.rlvr_passk.experiment import Config
from neurips25.rlvr_passk.toy import pipeline, train

MICRO = dataclasses.replace(Config.tiny(), pretrain_steps=4, pretrain_batch=8, rl_steps=3,
                            rl_checkpoints=(1,), rl_prompts=2, rl_group=2, distill_steps=2,
                            distill_batch=4, n_easy=2, n_hard=2, n_samples=4, ppl_samples=2)


def test_device_is_a_config_field_the_runner_replaces():
    assert Config().device == "cpu" and STUDY.takes_device
    assert STUDY.config("quick", device="cpu").device == "cpu"
    with pytest.raises(UserError, match="--device"):
        STUDY.config("quick", device="tpu")
    if not torch.cuda.is_available():
        with pytest.raises(UserError, match="no CUDA"):
            STUDY.config("quick", device="cuda")


def test_every_model_and_sample_follows_the_config_device(monkeypatch):
    made, gens = [], []
    real_new, real_gen = train.new_model, pipeline.generator

    def new_model(*args, **kwargs):
        made.append(kwargs.get("device"))
        return real_new(*args, **kwargs)

    def generator(seed, device="cpu"):
        gens.append(str(device))
        return real_gen(seed, device)

    monkeypatch.setattr(train, "new_model", new_model)
    monkeypatch.setattr(pipeline, "generator", generator)
    with threads(1):  # as an executor worker runs it
        out = pipeline.run_seed(MICRO, 0)
        again = pipeline.run_seed(dataclasses.replace(MICRO, device="cpu"), 0)
    assert made == [MICRO.device] * 2 and set(gens) == {MICRO.device} and len(gens) == 4
    # results come back as host numpy arrays whatever the device
    assert all(isinstance(c, np.ndarray) for c in out["counts"].values())
    assert all(isinstance(p, np.ndarray) for p in out["ppl"].values())
    assert all(np.array_equal(out["counts"][k], again["counts"][k]) for k in out["counts"])
