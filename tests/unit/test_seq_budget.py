"""One time budget for the whole run, the estimate printed after epoch 1, and the parts that honour it."""
import math
import pickle
from dataclasses import replace

import numpy as np
import pytest


from recommender.seq.budget import (EpochCost, RunBudget, RunPlan, after_training_parts, after_training_seconds,
                                    estimate_run, member_deadline, refit_seconds)
from recommender.seq.data import leave_one_out
from recommender.seq.train import train

from tests.unit.test_seq_model import TINY, cyclic_data

GAMES_PLAN = RunPlan(members=3, epochs=17, refit_epochs=3, blend_weights=8, knn_fits=2, test_rankers=4.5,
                     test_users=30901, val_users=5000, interactions=287107)
#: 18 s an epoch, and a validation pass of 2 s: 0.8 s one member's scoring, 1.2 s ranking the targets
GAMES_COST = EpochCost(18.0, 0.8, 1.2)


class FakeClock:
    """Advances by ``step`` seconds each time it is read."""

    def __init__(self, step=0.0, start=1000.0):
        self.t, self.step = start, step

    def __call__(self):
        self.t += self.step
        return self.t


def test_estimate_adds_every_part_of_the_run():
    e = estimate_run(GAMES_PLAN, GAMES_COST, elapsed_seconds=25.0, budget_seconds=20 * 60)
    training = 3 * 17 * 20.0
    refit = 3 * refit_seconds(GAMES_PLAN, 18.0)
    after = after_training_seconds(GAMES_PLAN, GAMES_COST)
    assert e.training_seconds == training and e.refit_seconds == refit and e.after_seconds == after
    assert e.total_seconds == pytest.approx(25.0 - 20.0 + training + refit + after)
    assert not e.fits and e.epochs_in_budget < 17
    msg = e.message()
    assert "whole run needs about" in msg and "cut to about" in msg
    assert "--ensemble 1" in msg and "--refit-epochs 0" in msg and "--max-minutes" in msg
    roomy = estimate_run(GAMES_PLAN, GAMES_COST, 25.0, budget_seconds=60 * 60)
    assert roomy.fits and roomy.epochs_in_budget == 17 and "it fits" in roomy.message()


SPORTS_PLAN = RunPlan(members=3, epochs=15, refit_epochs=5, blend_weights=8, knn_fits=2, test_rankers=4.5,
                      test_users=35598, val_users=5000, interactions=296337)


def test_fewer_members_train_when_the_budget_would_starve_each_of_them():
    # Sports on this CPU: 26.7 s an epoch + 2.2 s validation; three members would get about 4 of 15 epochs each
    cost = EpochCost(26.7, 1.0, 1.2)
    e = estimate_run(SPORTS_PLAN, cost, elapsed_seconds=40.0, budget_seconds=20 * 60)
    assert not e.fits and e.members_in_budget == 2
    assert e.epochs_in_budget >= math.ceil(0.6 * 15)
    three = estimate_run(SPORTS_PLAN, cost, 40.0, math.inf)
    assert three.members_in_budget == 3, "without a budget every member trains"
    msg = e.message()
    assert "training 2 members of about" in msg and "3 members one after another would get too few" in msg
    # when even one member cannot get its share, one member trains with what there is
    slow = estimate_run(SPORTS_PLAN, EpochCost(120.0, 4.0, 6.0), elapsed_seconds=40.0, budget_seconds=20 * 60)
    assert slow.members_in_budget == 1 and "training 1 member of about" in slow.message()
    # Games at 18 + 2 s keeps its three members (cut to fewer epochs, but above the share)
    games = estimate_run(GAMES_PLAN, GAMES_COST, 25.0, budget_seconds=20 * 60)
    assert games.members_in_budget == 3 and games.epochs_in_budget >= math.ceil(0.6 * 17)


def test_an_ensemble_trains_the_members_the_estimate_found_room_for(monkeypatch, capsys):
    """The decision above is tested on figures; here the training loop honours it: with an estimate that finds
    room for 2 of 3 members, two train, each with half of what the budget leaves, and the model has two."""
    import recommender.seq.train as train_module

    real = train_module.estimate_run

    def room_for_two(plan, *args, **kwargs):
        est = real(plan, *args, **kwargs)
        est.members_in_budget = 2
        return est

    monkeypatch.setattr("recommender.seq.train.os.cpu_count", lambda: 1)  # members one after another
    monkeypatch.setattr(train_module, "estimate_run", room_for_two)
    split = leave_one_out(cyclic_data(n_users=40))
    res = train(split, TINY.updated(epochs=3, ensemble=3), progress=False, budget=RunBudget(10))
    assert "ensemble of 2 instead of 3" in capsys.readouterr().err
    assert res.config.ensemble == 2 and len(res.model.members) == 2
    assert {r["member"] for r in res.history if "member" in r} == {0, 1}


def test_members_one_after_another_share_what_the_budget_leaves():
    b = RunBudget(20, clock=FakeClock(), start=0.0)
    after = after_training_seconds(GAMES_PLAN, GAMES_COST)
    refit = refit_seconds(GAMES_PLAN, 18.0)
    d0 = member_deadline(b, GAMES_PLAN.for_member(0), member_start=30.0, cost=GAMES_COST)
    assert d0 == pytest.approx(30.0 + (1200 - after - 30.0) / 3 - refit)
    d2 = member_deadline(b, GAMES_PLAN.for_member(2), member_start=800.0, cost=GAMES_COST)
    assert d2 == pytest.approx(1200 - after - refit), "the last member gets all that is left"
    side_by_side = member_deadline(b, RunPlan(members=2, parallel=True, val_users=1), 30.0, EpochCost(10.0, 0.5, 0.5))
    assert side_by_side == pytest.approx(1200), "members side by side each get the whole share"
    assert member_deadline(RunBudget(0), GAMES_PLAN, 0.0, EpochCost(1.0, 0.5, 0.5)) == math.inf


def test_what_follows_training_scales_the_models_scoring_with_its_members_not_the_ranking():
    """An ensemble of 3 scores with 3 members, but ranks the targets among the scores once: a validation pass
    of 0.8 s scoring + 1.2 s ranking costs 3.6 s for three members, not 6 s."""
    parts = after_training_parts(GAMES_PLAN, GAMES_COST)
    per_test_user = (3 * 0.8 + 1.2) / 5000
    assert parts["evaluation"] == pytest.approx(4.5 * per_test_user * 30901)
    # the weight search: the model and the kNN score once, each of the 8 weights ranks
    assert parts["blend"] == pytest.approx(3 * 0.8 * 1.3 + 8 * 1.2)
    assert parts["knn"] == pytest.approx(2 * 2e-5 * 287107)
    one = after_training_parts(replace(GAMES_PLAN, members=1), GAMES_COST)
    assert one["evaluation"] < parts["evaluation"] < 3 * one["evaluation"]


def test_budget_is_absolute_and_travels_to_worker_processes():
    b = RunBudget(1, clock=FakeClock(step=1.0, start=0.0), start=0.0)
    assert b.end == 60.0 and b.limited and not RunBudget(0).limited
    assert b.allows(10) and not b.allows(100)
    copy = pickle.loads(pickle.dumps(b))
    assert copy.end == b.end and copy.clock is __import__("time").time


def test_training_stops_when_its_share_of_the_budget_is_spent_and_prints_the_estimate(capsys):
    split = leave_one_out(cyclic_data(n_users=40))
    clock = FakeClock(step=0.0)
    budget = RunBudget(1, clock=clock)  # 60 s in all
    cfg = TINY.updated(epochs=30, patience=30)
    plan = RunPlan(members=1, epochs=30, val_users=len(split.eval_users("valid")), interactions=320)
    clock.step = 2.0  # every clock read advances 2 s: a slow machine
    res = train(split, cfg, progress=False, budget=budget, plan=plan)
    err = capsys.readouterr().err
    assert "estimate after epoch 1: the whole run needs about" in err and "to shorten it" in err
    assert len(res.history) < 30, "the budget ended training before the schedule"
    assert res.estimate is not None and res.estimate.budget_seconds == 60
    assert clock.t - budget.start <= 60 + 2 * 50, "stopped within a step or so of the budget"


def test_refit_and_blend_search_give_way_to_the_budget(capsys):
    split = leave_one_out(cyclic_data(n_users=40))
    budget = RunBudget(1e-4)  # already spent after the first epoch
    plan = RunPlan(members=1, epochs=3, refit_epochs=2, blend_weights=8, knn_fits=2, val_users=10, interactions=320)
    res = train(split, TINY.updated(epochs=3, refit_epochs=2, knn_blend=True, knn_neighbours=5), progress=False,
                budget=budget, plan=plan)
    err = capsys.readouterr().err
    assert "refit stopped after 0 of 2 epochs" in err
    grid = [r for r in res.history if "knn_weight" in r]
    assert 1 <= len(grid) < 8, "the weight search stopped early"


def test_run_command_keeps_the_whole_budget(tmp_path, capsys):
    """`run` on a small line file within a 0.5-minute budget: it ends in time and reports what it spent."""
    import json

    from recommender.seq.cli import main

    rng = np.random.default_rng(0)
    lines = []
    for u in range(1, 61):  # one line per user, next item = previous + 1 (mod 30)
        start = int(rng.integers(1, 31))
        lines.append(" ".join([str(u)] + [str((start + k) % 30 + 1) for k in range(8)]))
    path = tmp_path / "cyclic.txt"
    path.write_text("\n".join(lines) + "\n")
    code = main(["run", str(path), "--max-minutes", "0.5", "--quiet", "--hidden", "16", "--layers", "1",
                 "--ensemble", "1", "--report-dir", str(tmp_path / "report"), "--threads", "1"])
    out = capsys.readouterr()
    summary = json.loads(out.out.strip().splitlines()[-1])
    assert code == 0 and summary["run_seconds"] <= 30 + 5
    assert summary["budget_minutes"] == 0.5 and summary["estimate_minutes"] is not None
    assert "settings chosen from the data and the hardware" in out.err and "user-lines" in out.err


def test_an_ensemble_trained_one_member_after_another_stops_adding_members_out_of_time(monkeypatch, capsys):
    monkeypatch.setattr("recommender.seq.train.os.cpu_count", lambda: 1)  # members one after another
    split = leave_one_out(cyclic_data(n_users=40))
    budget = RunBudget(1e-4)
    res = train(split, TINY.updated(epochs=3, ensemble=3), progress=False, budget=budget)
    err = capsys.readouterr().err
    assert "ensemble of 1 instead of 3" in err or "ensemble cut to 1 of 3 members" in err
    assert res.config.ensemble == 1 and not hasattr(res.model, "members")
