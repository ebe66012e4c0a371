"""The synthetic language, the tokenizer, loss masking, taxonomy and planted pools."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from neurips25.common.threads import threads
from neurips25.hivemind.lm import LMSpec, WordTokenizer, make_batch, sample_responses, train_lm
from neurips25.hivemind.synthetic import planted_pool
from neurips25.hivemind.taxonomy import TAXONOMY, prompt_rows, top_categories
from neurips25.hivemind.textgen import PROMPTS, Corpus, IdeaReward, parse, render, vocabulary


def test_every_corpus_answer_parses_back_to_its_idea():
    c = Corpus(3)
    for pid, _text, topic in PROMPTS[:4]:
        for idea in c.ideas(pid):
            for tmpl in range(4):
                for tail in (None, 0, 7):
                    assert parse(render(topic, idea, tmpl, tail), topic) == idea
    assert parse("time is a a river .", "time") is None
    assert parse("time is a quiet river that steals the stars", "time") is None  # no full stop


def test_corpora_with_different_seeds_have_different_ideas():
    a, b = Corpus(1), Corpus(2)
    assert a.ideas("time") == Corpus(1).ideas("time")
    assert a.ideas("time") != b.ideas("time")


def test_tokenizer_round_trip_and_loss_mask():
    tok = WordTokenizer(vocabulary())
    text = Corpus(1).sample("time", "time", 1, np.random.default_rng(0))[0]
    assert tok.decode(tok.encode(text) + [tok.eos_id, 5]) == text
    x, y = make_batch(tok, [(PROMPTS[0][1], text)], 32)
    n_prompt = len(tok.prompt_ids(PROMPTS[0][1]))
    scored = (y[0] != -100).nonzero().flatten().tolist()
    assert scored[0] == n_prompt - 1  # the first scored position predicts the first answer word
    assert len(scored) == len(text.split()) + 1  # answer words + EOS, never the prompt
    with pytest.raises(ValueError, match="not in the vocabulary"):
        tok.encode("time is a spaceship")


def test_reward_scores_ideas_and_punishes_malformed_answers():
    reward = IdeaReward(0)
    idea = Corpus(1).ideas("time")[0]
    good = render("time", idea, 0, None)
    assert reward(PROMPTS[0][1], good) == pytest.approx(reward.score_idea(idea))
    # style-blind: another rendering of the same idea earns the same reward
    assert reward(PROMPTS[0][1], render("time", idea, 2, 3)) == reward(PROMPTS[0][1], good)
    assert reward(PROMPTS[0][1], "time is a spaceship .") == -2.0
    assert reward(PROMPTS[0][1], good, finished=False) == -2.0


def test_training_learns_the_language():
    tok = WordTokenizer(vocabulary())
    rng = np.random.default_rng(0)
    pid, text, topic = PROMPTS[0]
    pairs = [(text, r) for r in Corpus(1).sample(pid, topic, 100, rng)]
    x, y = make_batch(tok, pairs, 32)
    with threads(1):
        model = train_lm(tok, pairs, LMSpec(n_layer=1, n_embd=32, steps=200, batch=32,
                                            block_size=32), seed=0)
        untrained = train_lm(tok, pairs, LMSpec(n_layer=1, n_embd=32, steps=1, batch=32,
                                                block_size=32), seed=0)
    with torch.no_grad():
        assert model.loss(x, y).item() < 0.5 * np.log(len(tok))  # far below a uniform guess
    ideas = set(Corpus(1).ideas(pid))

    def shares(m):
        samples, _ = sample_responses(m, tok, text, 40, generator=torch.Generator().manual_seed(0))
        parsed = [parse(s, topic) for s in samples]
        return (np.mean([p is not None for p in parsed]), np.mean([p in ideas for p in parsed]))

    well_formed, from_corpus = shares(model)
    assert well_formed >= 0.25 and from_corpus >= 0.1  # 200 steps: the language and its ideas
    assert shares(untrained) == (0.0, 0.0)  # an untrained model writes no well-formed answer


def test_taxonomy_shape_and_original_prompts():
    assert len(top_categories()) == 6 and len(TAXONOMY) == 17
    rows = prompt_rows()
    assert all(len(c.prompts) >= 3 for c in TAXONOMY)
    assert len({r["prompt_id"] for r in rows}) == len(rows) == sum(len(c.prompts) for c in TAXONOMY)


def test_planted_pool_validates_and_is_deterministic():
    assert planted_pool(0.5, 0.5, seed=1) == planted_pool(0.5, 0.5, seed=1)
    full = planted_pool(0.0, 1.0, n_models=2, n_prompts=1, per_model=5)
    assert len({parse(r["response"], "time") for r in full}) == 1  # one hive idea
    with pytest.raises(ValueError, match="sharing"):
        planted_pool(0.0, 1.5)


def test_training_on_cut_batches_equals_training_on_full_blocks():
    """train_lm cuts each batch after its last scored column; a plain loop over full
    32-wide blocks (the padding kept) must reach the same weights."""
    from neurips25.common.tiny_gpt import GPTConfig, TinyGPT

    tok = WordTokenizer(vocabulary())
    rng = np.random.default_rng(1)
    pairs = [(text, r) for pid, text, topic in PROMPTS[:3]
             for r in Corpus(1).sample(pid, topic, 30, rng)]
    spec = LMSpec(n_layer=1, n_embd=16, n_head=2, steps=15, batch=8, lr=3e-3, block_size=32)
    with threads(1):
        cut = train_lm(tok, pairs, spec, seed=3)
        torch.manual_seed(3)
        ref = TinyGPT(GPTConfig(len(tok), 32, 1, 2, 16))
        x, y = make_batch(tok, pairs, 32)
        opt = torch.optim.AdamW(ref.parameters(), lr=spec.lr, weight_decay=0.01)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, spec.steps)
        gen = torch.Generator().manual_seed(3)
        for _ in range(spec.steps):
            idx = torch.randint(0, len(pairs), (spec.batch,), generator=gen)
            loss = ref.loss(x[idx], y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(ref.parameters(), 1.0)
            opt.step()
            sched.step()
    assert int((y != -100).sum(0).nonzero().max()) < 31  # there was padding to cut
    for (name, a), b in zip(cut.state_dict().items(), ref.state_dict().values(), strict=True):
        assert torch.allclose(a, b, atol=1e-5), name


@pytest.mark.parametrize("top_p", [0.9, 1.0])
def test_cached_sampling_draws_the_same_tokens_as_tinygpt_sample(top_p):
    from neurips25.hivemind.lm import cached_sample

    tok = WordTokenizer(vocabulary())
    rng = np.random.default_rng(2)
    pairs = [(text, r) for pid, text, topic in PROMPTS[:2]
             for r in Corpus(2).sample(pid, topic, 40, rng)]
    with threads(1):
        model = train_lm(tok, pairs, LMSpec(n_layer=2, n_embd=16, n_head=2, steps=40, batch=16,
                                            block_size=32), seed=0)
        for _pid, text, _topic in PROMPTS[:2]:
            prompt = torch.tensor([tok.prompt_ids(text)] * 12)
            n_new = 32 - prompt.shape[1]
            ref, _ = model.sample(prompt, n_new, 1.0, top_p, torch.Generator().manual_seed(7),
                                  eos_id=tok.eos_id)
            got = cached_sample(model, prompt, n_new, 1.0, top_p,
                                torch.Generator().manual_seed(7), tok.eos_id)
            assert torch.equal(got, ref)
    with pytest.raises(ValueError, match="block size"):
        cached_sample(model, prompt, 33, 1.0, top_p, None, tok.eos_id)


def test_prompts_of_one_length_share_a_group_in_first_seen_order():
    from neurips25.hivemind.lm import _by_length

    tok = WordTokenizer(vocabulary())
    prompts = [t for _p, t, _tp in PROMPTS]
    chosen = [0, 3, 2, 1, 15]
    groups = _by_length(tok, prompts, chosen)
    assert sorted(i for g in groups for i in g) == sorted(chosen)
    for g in groups:
        assert len({len(tok.prompt_ids(prompts[i])) for i in g}) == 1
    firsts = [g[0] for g in groups]
    assert firsts == [i for i in chosen if i in firsts]


def test_batched_group_loss_equals_the_sum_of_per_prompt_losses(monkeypatch):
    """One sampling call and one forward for several same-length prompts give the loss
    and gradient of the per-prompt GRPO terms (advantages normalised within each prompt)."""
    from neurips25.common.tiny_gpt import GPTConfig, TinyGPT
    from neurips25.hivemind import lm

    tok = WordTokenizer(vocabulary())
    prompts = [t for _p, t, _tp in PROMPTS]
    length = len(tok.prompt_ids(prompts[0]))
    idx = [i for i, p in enumerate(prompts) if len(tok.prompt_ids(p)) == length][:3]
    torch.manual_seed(0)
    model = TinyGPT(GPTConfig(len(tok), 32, 2, 4, 32))
    group, width = 5, 9
    ids = torch.randint(2, len(tok), (len(idx) * group, width), generator=torch.Generator()
                        .manual_seed(1))
    ids[::2, 4] = tok.eos_id  # some rows finish early
    monkeypatch.setattr(lm, "cached_sample", lambda *a, **k: ids)
    reward = IdeaReward(0)
    got = lm._group_loss(model, tok, prompts, idx, reward, group, None)
    g_got = torch.autograd.grad(got, list(model.parameters()))
    want = torch.zeros(())
    for k, i in enumerate(idx):
        rows = ids[k * group:(k + 1) * group]
        p_ids = torch.tensor([tok.prompt_ids(prompts[i])] * group)
        finished = (rows == tok.eos_id).any(1).tolist()
        r = torch.tensor([reward(prompts[i], tok.decode(row), f)
                          for row, f in zip(rows.tolist(), finished, strict=True)])
        adv = (r - r.mean()) / (r.std() + 1e-6)
        want = want - (adv * lm._response_logprob(model, p_ids, rows, tok.eos_id)).mean()
    g_want = torch.autograd.grad(want, list(model.parameters()))
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    for a, b in zip(g_got, g_want, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
