"""The toy's task, sampler and RL pieces; a seeded small run checks the finding's direction."""
import numpy as np
import pytest
import torch

from neurips25.rlvr_passk.toy import task, train
from neurips25.rlvr_passk.toy.sampling import sample_completions, sequence_logprobs


def test_task_strategies():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 1000, 2000), rng.integers(0, 1000, 2000)
    c_ans = task.answers(a, b, "C")
    assert np.array_equal((c_ans * 10 ** np.arange(4)).sum(1), a + b)
    s_ans = task.answers(a, b, "S")
    same = (s_ans == c_ans).all(1)
    assert np.array_equal(same, ~task.has_carry(a, b))  # shortcut right iff no carry
    ea, eb = task.random_problems(rng, 50, carry=False)
    assert not task.has_carry(ea, eb).any()
    assert len(task.random_problems(rng, 0, carry=True)[0]) == 0
    assert task.decode(task.traces(np.array([123]), np.array([456]), 1.0, 0.0, rng)[0]) == "321+654=C9750"


def test_reward_checks_answer_not_tag():
    a, b = np.array([123, 999]), np.array([456, 1])
    p = task.prompts(a, b)
    good = task.traces(a, b, 1.0, 0.0, np.random.default_rng(0))[:, task.PROMPT_LEN:]
    assert p.shape == (2, task.PROMPT_LEN)
    gen = torch.stack([good, good.clone()], 1)
    gen[:, 1, 0] = task.TAG_S  # tag swapped, answer still right
    gen[1, 1, 2] = (gen[1, 1, 2] + 1) % 10  # a wrong digit
    assert task.reward(a, b, gen).tolist() == [[1.0, 1.0], [1.0, 0.0]]


def test_prefix_sharing_sampler_matches_model_distribution():
    torch.manual_seed(0)
    model = train.new_model(n_layer=1, n_embd=16, n_head=2)
    prompt = task.prompts(np.array([12]), np.array([34]))
    toks, lps = sample_completions(model, prompt, 20_000, 2, torch.Generator().manual_seed(0))
    with torch.no_grad():
        probs = torch.softmax(model(prompt)[:, -1], -1)[0]
    freq = torch.bincount(toks[0, :, 0], minlength=task.VOCAB_SIZE).float() / 20_000
    assert torch.allclose(freq, probs, atol=0.015)
    # the returned log-probs equal a teacher-forced rescoring
    seqs = torch.cat([prompt.repeat(50, 1), toks[0, :50]], 1)
    assert torch.allclose(sequence_logprobs(model, seqs, task.PROMPT_LEN), lps[0, :50], atol=1e-5)
    again, _ = sample_completions(model, prompt, 64, 2, torch.Generator().manual_seed(1))
    same, _ = sample_completions(model, prompt, 64, 2, torch.Generator().manual_seed(1))
    assert torch.equal(again, same)


def test_advantages():
    r = torch.tensor([[1.0, 0.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0]])
    g = train.advantages(r, "grpo")
    assert torch.allclose(g.mean(1), torch.zeros(2), atol=1e-6) and torch.all(g[1] == 0)
    loo = train.advantages(r, "rloo")
    assert loo[0].tolist() == pytest.approx([1 - 1 / 3, -2 / 3, -2 / 3, 1 - 1 / 3])
    with pytest.raises(ValueError):
        train.advantages(r, "ppo")


def test_rlvr_options_run_and_leave_base_untouched():
    torch.manual_seed(0)
    base = train.new_model(n_layer=1, n_embd=16, n_head=2)
    before = [p.clone() for p in base.parameters()]
    cfg = train.RLConfig(steps=2, prompts_per_step=4, group_size=4, advantage="rloo",
                         kl_coef=0.1, carry_fraction=0.5)
    policy, snaps, rewards = train.rlvr(base, cfg, np.random.default_rng(0),
                                        torch.Generator().manual_seed(0), checkpoints=(1,))
    assert len(rewards) == 2 and set(snaps) == {1}
    assert all(torch.equal(a, b) for a, b in zip(before, base.parameters(), strict=True))
    assert policy is not base and snaps[1] is not policy
    # an untrained model earns no reward: zero advantages and KL(pi || pi) = 0 give no update
    assert rewards == [0.0, 0.0]
    assert all(torch.equal(a, b) for a, b in zip(before, policy.parameters(), strict=True))


@pytest.mark.slow
def test_small_run_shows_the_crossover(tmp_path):
    """Seeded small run: RL raises pass@1, lowers pass@K, and solves nothing base cannot."""
    from neurips25.common.progress import NullProgress
    from neurips25.rlvr_passk import STUDY
    from neurips25.rlvr_passk.experiment import Config, run

    metrics = run(Config.tiny(), tmp_path, NullProgress())
    main = metrics["main"]
    assert main["rl_pass1"] > main["base_pass1"]
    assert main["rl_passK"] < main["base_passK"]
    assert main["k_star"] is not None
    assert main["coverage"]["rl_only"] <= 1
    assert (tmp_path / "passk_curves.png").is_file() and (tmp_path / "samples_rl.jsonl").is_file()
    rows = STUDY.check_claims(metrics)
    assert all("check failed" not in r["reason"] for r in rows)
