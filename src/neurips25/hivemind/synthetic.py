"""Response pools with planted structure, to validate every metric before trusting it.

Two knobs, one per kind of homogeneity the paper measures:
- ``repetition`` (intra-model): with this probability a model gives its own favourite
  answer (its mode), otherwise a uniform draw from its own idea bank in its own style;
- ``sharing`` (inter-model): with this probability a model gives the *hive* answer, one
  canonical idea in one canonical template that every model shares.
Intra-model metrics must move monotonically with repetition, cross-model metrics with
sharing. (A mixture knob cannot drive both: mixing in a shared answer first *adds*
variety inside a model whose own answers were already alike.)
"""
from __future__ import annotations

import numpy as np

from neurips25.hivemind.textgen import PROMPTS, TAILS, TEMPLATES, _rng, idea_bank, render

HIVE_SEED = -1


def planted_pool(
    repetition: float = 0.0,
    sharing: float = 0.0,
    n_models: int = 4,
    n_prompts: int = 6,
    per_model: int = 20,
    own_ideas: int = 16,
    tail_prob: float = 0.4,
    seed: int = 0,
) -> list[dict[str, str]]:
    """Rows ``{prompt_id, prompt, model, response}`` with planted repetition and sharing."""
    for name, v in (("repetition", repetition), ("sharing", sharing)):
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {v}")
    if not 1 <= n_prompts <= len(PROMPTS):
        raise ValueError(f"n_prompts must be in 1..{len(PROMPTS)}, got {n_prompts}")
    rng = np.random.default_rng(seed)
    styles = [_rng("model-style", seed, m).dirichlet(np.full(len(TEMPLATES), 0.5))
              for m in range(n_models)]
    rows = []
    for pid, text, topic in PROMPTS[:n_prompts]:
        hive_idea = idea_bank(HIVE_SEED, pid, 1)[0]
        for m in range(n_models):
            own = idea_bank(1000 + m, pid, own_ideas)
            favourite = (own[0], int(np.argmax(styles[m])))
            for _ in range(per_model):
                u = rng.random()
                if u < sharing:
                    idea, tmpl = hive_idea, 0
                elif rng.random() < repetition:
                    idea, tmpl = favourite
                else:
                    idea = own[rng.integers(len(own))]
                    tmpl = int(rng.choice(len(TEMPLATES), p=styles[m]))
                tail = int(rng.integers(len(TAILS))) if rng.random() < tail_prob else None
                rows.append({"prompt_id": pid, "prompt": text, "model": f"model-{m}",
                             "response": render(topic, idea, tmpl, tail)})
    return rows
