"""Stitching: the split never leaks a far pair into training; the far-pair ranking is right."""
import dataclasses
import math
from collections import deque

import numpy as np
import pytest
import torch

from neurips25.deep_crl.analysis import q_matrix, ranking_accuracy
from neurips25.deep_crl.arms import run_stitch_arm
from neurips25.deep_crl.envs.maze import LAYOUTS, MazeSpec, PointMaze
from neurips25.deep_crl.stitch_data import StitchSpec, cell_distances, make_pairs
from neurips25.deep_crl.stitch_train import StitchArm, arm_from_dict, evaluate_critic, train_stitch

# U4 maze as a hand-written corridor: the free cells in walking order (row, col)
U4_PATH = [(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (2, 5), (3, 5), (3, 4), (3, 3), (3, 2), (3, 1)]


def _grid_bfs(rows, src):
    """Independent BFS over the layout's characters (not the package's bfs_distances)."""
    dist = {src: 0}
    todo = deque([src])
    while todo:
        r, c = todo.popleft()
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if rows[nr][nc] != "#" and (nr, nc) not in dist:
                dist[(nr, nc)] = dist[(r, c)] + 1
                todo.append((nr, nc))
    return dist


@pytest.mark.parametrize("layout", ["u4", "large"])
def test_split_never_leaks_a_far_pair_into_training(layout):
    spec = StitchSpec(layout=layout, near_max=2, episodes=128, episode_length=40, gamma=0.97)
    pairs, stats = make_pairs(spec, seed=5)
    assert stats["far_dropped"] > 0  # the raw relabelled pairs did include far ones
    assert stats["cell_coverage"] == 1.0
    env = PointMaze(spec.maze())
    # decode positions back from the normalised observations and goals, then check every pair
    s_pos = (pairs.obs[:, :2] + 1) / 2 * env.scale
    g_pos = (pairs.goal + 1) / 2 * env.scale
    rows = LAYOUTS[layout]
    from_cell = {}
    far = 0
    for sp, gp in zip(s_pos.tolist(), g_pos.tolist(), strict=True):
        s_cell = (int(math.floor(sp[1])), int(math.floor(sp[0])))
        g_cell = (int(math.floor(gp[1])), int(math.floor(gp[0])))
        if s_cell not in from_cell:
            from_cell[s_cell] = _grid_bfs(rows, s_cell)
        far += from_cell[s_cell][g_cell] > spec.near_max
    assert far == 0 and len(pairs) > 1000


def test_held_out_buffer_is_another_draw():
    a, _ = make_pairs(StitchSpec(episodes=64), seed=0)
    b, _ = make_pairs(StitchSpec(episodes=64), seed=1)
    a2, _ = make_pairs(StitchSpec(episodes=64), seed=0)
    assert torch.equal(a.obs, a2.obs) and not torch.equal(a.obs[:100], b.obs[:100])


def _u4_cells_and_dist():
    walls = np.array([[ch == "#" for ch in row] for row in LAYOUTS["u4"]])
    return cell_distances(walls)


def test_cell_distances_match_the_corridor():
    cells, dist = _u4_cells_and_dist()
    index = {tuple(c): i for i, c in enumerate(cells.tolist())}
    for i, a in enumerate(U4_PATH):
        for j, b in enumerate(U4_PATH):
            assert dist[index[a], index[b]] == abs(i - j)


def test_geodesic_critic_ranks_every_far_pair_right():
    cells, dist = _u4_cells_and_dist()
    assert ranking_accuracy(-dist, dist, dist > 3) == 1.0
    assert ranking_accuracy(np.zeros_like(dist), dist, dist > 3) == 0.5  # constant: all ties
    assert ranking_accuracy(dist, dist, dist > 3) == 0.0  # reversed


def test_euclidean_critic_on_u4_scores_what_it_should():
    # expected value by hand-rolled enumeration over the corridor: start s, goals a nearer than b
    # along the maze, both more than 3 cells away; right if a is also nearer in straight line
    right = total = 0.0
    for s, sc in enumerate(U4_PATH):
        for a, ac in enumerate(U4_PATH):
            for b, bc in enumerate(U4_PATH):
                if 3 < abs(s - a) < abs(s - b):
                    ea, eb = math.dist(sc, ac), math.dist(sc, bc)
                    total += 1
                    right += 1.0 if ea < eb else 0.5 if ea == eb else 0.0
    expected = right / total
    assert (right, total) == (45.0, 118.0)  # the wall makes straight lines mostly wrong here
    cells, dist = _u4_cells_and_dist()
    eu = np.linalg.norm(cells[:, None, :] - cells[None, :, :], axis=-1)
    assert ranking_accuracy(-eu, dist, dist > 3) == pytest.approx(expected)


class PlantedGeodesic(torch.nn.Module):
    """A 'critic' whose Q is minus the exact maze distance between the cells of s and g."""

    def __init__(self, env):
        super().__init__()
        self.env = env
        self.cells, self.dist = cell_distances(env.walls_np)
        self.index = {tuple(c): i for i, c in enumerate(self.cells.tolist())}
        self.anchor = torch.nn.Parameter(torch.zeros(()))

    def _cells(self, normalised):
        pos = (normalised[:, :2] + 1) / 2 * self.env.scale
        return [self.index[(int(y), int(x))] for x, y in pos.floor().tolist()]

    def forward(self, obs, action, goal):
        s, g = self._cells(obs), self._cells(goal)
        q = [-float(self.dist[i, j]) for i, j in zip(s, g, strict=True)]
        return torch.tensor(q) + self.anchor


def test_planted_critic_scores_one_through_the_evaluation_path():
    env = PointMaze(MazeSpec("u4"))
    planted = PlantedGeodesic(env)
    q = q_matrix(planted, env, planted.cells)
    assert np.array_equal(q, -planted.dist)
    scores = evaluate_critic(planted, env, near_max=3)
    assert scores["far_accuracy"] == 1.0 and scores["near_accuracy"] == 1.0
    assert scores["topology"]["score"] > 0.5  # Q follows the corridor, not the straight line


TINY = StitchArm(StitchSpec(layout="u4", episodes=32, episode_length=16), width=8, depth=4, steps=6,
                 batch_size=16, seed=2)


def test_stitch_arm_is_deterministic_and_reports_its_scores():
    a, b = train_stitch(TINY), train_stitch(TINY)
    for key in ("far_accuracy", "near_accuracy", "val_loss", "loss_curve"):
        assert a[key] == b[key]
    assert 0.0 <= a["far_accuracy"] <= 1.0 and not a["diverged"] and a["params"] > 0
    assert arm_from_dict(dataclasses.asdict(TINY)) == TINY


def test_finished_stitch_arm_is_reused_and_a_changed_one_is_not(tmp_path):
    first = run_stitch_arm(dataclasses.asdict(TINY), str(tmp_path))
    path = tmp_path / "arms" / f"{TINY.name}.json"
    stamp = path.stat().st_mtime_ns
    same = dataclasses.replace(TINY, device="cpu")
    again = run_stitch_arm(dataclasses.asdict(same), str(tmp_path))
    assert path.stat().st_mtime_ns == stamp and again["far_accuracy"] == first["far_accuracy"]
    # the saved identity no longer matches: the arm is retrained
    path.write_text(path.read_text().replace('"steps": 6', '"steps": 7'))
    run_stitch_arm(dataclasses.asdict(TINY), str(tmp_path))
    assert path.stat().st_mtime_ns != stamp


def test_diverging_critic_is_marked_and_ranks_nothing(monkeypatch):
    import neurips25.deep_crl.stitch_train as st

    real = st.critic_loss
    calls = []

    def blows_up(logits, *args):
        calls.append(1)
        loss = real(logits, *args)
        return loss * float("nan") if len(calls) > 3 else loss

    monkeypatch.setattr(st, "critic_loss", blows_up)
    r = train_stitch(dataclasses.replace(TINY, residual=False, layer_norm=False))
    assert r["diverged"] and r["kind"] == "plain"
    assert r["far_accuracy"] == 0.5 and r["topology"]["flat"]  # every pair a tie, Q not ranked


def test_bad_stitch_settings_are_clear_errors():
    with pytest.raises(ValueError, match="near_max"):
        StitchSpec(near_max=0)
    with pytest.raises(ValueError, match="steps"):
        StitchArm(steps=0)
    with pytest.raises(ValueError, match="device"):
        train_stitch(dataclasses.replace(TINY, device="tpu"))


def test_sweep_status_lists_finished_arms(tmp_path, capsys):
    from neurips25.deep_crl.sweep import main

    run_stitch_arm(dataclasses.asdict(TINY), str(tmp_path))
    assert main(["--status", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert TINY.name in out and "1 arms done" in out
    with pytest.raises(SystemExit) as exc:
        main(["--part", "nope", "--out", str(tmp_path)])
    assert exc.value.code == 2


def test_held_out_pairs_are_observed_through_the_training_lifting():
    spec = StitchSpec(episodes=32, obs_dim=6)
    train, _ = make_pairs(spec, seed=3)
    val, _ = make_pairs(spec, seed=99, lift_seed=3)
    env = PointMaze(spec.maze(lift_seed=3))
    for pairs in (train, val):
        pos = (pairs.obs[:, :2] + 1) / 2 * env.scale
        torch.testing.assert_close(env.observe(pos), pairs.obs, atol=1e-5, rtol=1e-5)
    other = PointMaze(spec.maze(lift_seed=99))
    pos = (val.obs[:, :2] + 1) / 2 * env.scale
    assert not torch.allclose(other.observe(pos), val.obs, atol=1e-3)  # a new lifting would differ


def test_a_critic_trained_on_near_pairs_orders_far_pairs_it_never_saw():
    """The direction stitching rests on: far-pair ranking learnt from near pairs alone, well
    above the untrained critic (~0.5-0.6 on the large maze) and chance (0.5)."""
    spec = StitchSpec(layout="large", episodes=128, episode_length=32)
    arm = StitchArm(spec, width=32, depth=4, steps=150, batch_size=64, lr=1e-3, seed=1)
    trained, start = train_stitch(arm), train_stitch(dataclasses.replace(arm, steps=1))
    assert trained["far_accuracy"] > max(0.75, start["far_accuracy"] + 0.15), (trained, start)
    assert trained["near_accuracy"] > 0.75
    assert trained["val_loss"] < start["val_loss"] - 1.0 < math.log(64)
