"""One time budget for a whole run (training, refit, blend, evaluation), and the estimate printed after epoch 1.

``RunBudget`` is an absolute wall-clock end (``time.time()``, so worker processes share it). ``RunPlan`` says
what the run still has to do after training: with the first epoch's measured times, ``estimate_run`` says how
long the whole run takes on this hardware, and ``member_deadline`` how long a member may train so that the
refit, the blend's weight search and the final evaluation still fit. The parts after training also check the
budget themselves (the refit drops epochs, the weight search stops, comparison rankers are skipped), each with a
log line, so the run ends within the budget even when the estimate was low.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Dict, List, Optional

#: a refit epoch trains on sequences one item longer than a training epoch, and is not validated; measured
#: 1.13-1.23 x a training epoch on Toys, Games and Sports (with 1.15 a member's refit often lost its last epoch)
REFIT_EPOCH_RATIO = 1.25
#: an item-kNN fit (one per matrix), in seconds per interaction (Games: 287k interactions, ~6 s on this CPU)
KNN_FIT_SECONDS_PER_INTERACTION = 2e-5
#: the kNN term of a blended ranker scores at about 30% of the transformer's cost
BLEND_SLOWDOWN = 1.3
#: the least share of its schedule a member trained one after another must get; when the budget leaves less,
#: fewer members train, each longer. A member cut to a few epochs is far from its best (on Sports, three members
#: would have had 4 of 15 epochs each), while a further member adds little (Games: +0.012, then +0.004);
#: at 60% of its schedule a Toys member was within 2% of its best validation NDCG@10.
MIN_MEMBER_SHARE = 0.6


class RunBudget:
    """Seconds a run may take in all, counted from its start (``minutes`` 0 = no limit)."""

    def __init__(self, minutes: float = 0.0, clock: Callable[[], float] = time.time, start: Optional[float] = None):
        self.clock = clock
        self.start = clock() if start is None else float(start)
        self.minutes = float(minutes or 0.0)
        self.end = self.start + self.minutes * 60.0 if self.minutes > 0 else math.inf

    @property
    def limited(self) -> bool:
        return math.isfinite(self.end)

    def elapsed(self) -> float:
        return self.clock() - self.start

    def remaining(self) -> float:
        return self.end - self.clock()

    def allows(self, seconds: float, reserve: float = 0.0) -> bool:
        """Whether ``seconds`` more work still leaves ``reserve`` seconds for what comes after it."""
        return self.clock() + seconds + reserve <= self.end

    def __getstate__(self):  # worker processes get the absolute end, not the clock of the parent's tests
        state = dict(self.__dict__)
        if state["clock"] is not time.time:
            state["clock"] = time.time
        return state


@dataclass(frozen=True)
class EpochCost:
    """What the first epoch measured, in seconds: its training steps, and its validation pass split into the
    model's scoring (one member's; an ensemble scores with every member) and the ranking of the targets among
    the scores (the same whatever the model: most of a pass for a small model and a large catalogue)."""

    train: float
    val_scoring: float = 0.0
    val_ranking: float = 0.0

    @property
    def val(self) -> float:
        return self.val_scoring + self.val_ranking

    def model_pass(self, members: int = 1) -> float:
        """Seconds of one validation pass of a model of ``members`` members."""
        return self.val_scoring * max(members, 1) + self.val_ranking


@dataclass
class RunPlan:
    """The run's shape, for budgeting: members, the parts after training and the evaluation's size."""

    members: int = 1
    parallel: bool = False
    member_index: int = 0  # which member this plan is handed to (sequential members split what is left)
    epochs: int = 200  # the schedule's length in epochs (training may stop earlier)
    refit_epochs: int = 0
    blend_weights: int = 0  # weights the blend tries on validation (0 = no blend)
    knn_fits: int = 0  # item-kNN matrices built after training (blend: 1, +1 after a refit; baseline: 1)
    test_rankers: float = 0.0  # rankers evaluated at the end, in units of one evaluation of the whole model
    test_users: int = 0
    val_users: int = 0
    interactions: int = 0
    #: flags and what they save, for the "how to shorten it" line
    hints: List[str] = field(default_factory=list)

    def for_member(self, index: int) -> "RunPlan":
        return replace(self, member_index=index)


@dataclass
class RunEstimate:
    total_seconds: float
    elapsed_seconds: float
    training_seconds: float  # every member's epochs (validation included) up to the schedule's end
    refit_seconds: float
    after_seconds: float  # item-kNN fits, blend weight search, final evaluation
    cost: EpochCost
    budget_seconds: float
    epochs_in_budget: int  # epochs a member gets within the budget (= the schedule when it fits)
    plan: RunPlan
    #: members that train, one after another, each with at least ``MIN_MEMBER_SHARE`` of the schedule
    members_in_budget: int = 0

    @property
    def epoch_seconds(self) -> float:
        return self.cost.train

    @property
    def val_seconds(self) -> float:
        return self.cost.val

    @property
    def fits(self) -> bool:
        return self.total_seconds <= self.budget_seconds

    def message(self) -> str:
        p = self.plan
        members = f" x {p.members} members" + (" side by side" if p.parallel and p.members > 1 else "") \
            if p.members > 1 else ""
        parts = [f"training {self.training_seconds / 60:.1f} min ({p.epochs} epochs{members} at "
                 f"{self.epoch_seconds:.1f} s + {self.val_seconds:.1f} s validation each)"]
        if p.refit_epochs:
            parts.append(f"refit {self.refit_seconds / 60:.1f} min")
        parts.append(f"kNN, blend and evaluation {self.after_seconds / 60:.1f} min")
        lines = [f"estimate after epoch 1: the whole run needs about {self.total_seconds / 60:.1f} min on this "
                 f"hardware (" + ", ".join(parts) + ")"]
        if math.isfinite(self.budget_seconds):
            if self.fits:
                lines.append(f"budget {self.budget_seconds / 60:.1f} min: it fits; training stops earlier when "
                             "validation stops improving")
            elif self.members_in_budget < p.members:
                lines.append(f"budget {self.budget_seconds / 60:.1f} min: {p.members} members one after another "
                             f"would get too few epochs each; training {self.members_in_budget} "
                             f"member{'s' if self.members_in_budget > 1 else ''} of about {self.epochs_in_budget} "
                             f"epochs so that the whole run ends in time")
            else:
                lines.append(f"budget {self.budget_seconds / 60:.1f} min: training is cut to about "
                             f"{self.epochs_in_budget} epochs per member so that the whole run ends in time")
        lines.append("to shorten it: " + "; ".join(self.hints()))
        return "\n".join(lines)

    def hints(self) -> List[str]:
        """Flags that shorten the run, with what each saves by this estimate."""
        p = self.plan
        parts = after_training_parts(p, self.cost)
        out = ["--max-minutes N (training takes what the other parts leave)"]
        if p.members > 1 and not p.parallel:
            share = (p.members - 1) / p.members
            refit = f", {self.refit_seconds * share / 60:.1f} min less refit" if p.refit_epochs else ""
            out.append(f"--ensemble 1 (≈ {self.training_seconds * share / 60:.1f} min less training{refit})")
        if p.refit_epochs:
            out.append(f"--refit-epochs 0 (≈ {self.refit_seconds / 60:.1f} min)")
        if p.blend_weights:
            out.append(f"--no-knn-blend (≈ {(parts['blend'] + parts['knn']) / 60:.1f} min)")
        if p.test_users > 5000:
            out.append(f"--test-users 5000 (≈ {parts['evaluation'] * (1 - 5000 / p.test_users) / 60:.1f} min)")
        if p.val_users > 2000:
            out.append("--val-users 2000 (faster validation, noisier model selection)")
        return out + p.hints


def after_training_parts(plan: RunPlan, cost: EpochCost) -> Dict[str, float]:
    """Seconds of what follows every member's training and refit: kNN fits, the blend's weight search (the
    model and the kNN score once, every weight ranks) and the final evaluation (each ranker one pass of the
    whole model, scaled from the validation users to the test users)."""
    model_pass = cost.model_pass(plan.members)
    per_user = model_pass / max(plan.val_users, 1)
    blend = 0.0
    if plan.blend_weights:
        blend = cost.val_scoring * max(plan.members, 1) * BLEND_SLOWDOWN + plan.blend_weights * cost.val_ranking
    return {"knn": plan.knn_fits * KNN_FIT_SECONDS_PER_INTERACTION * plan.interactions,
            "blend": blend,
            "evaluation": plan.test_rankers * per_user * plan.test_users}


def after_training_seconds(plan: RunPlan, cost: EpochCost) -> float:
    return sum(after_training_parts(plan, cost).values())


def refit_seconds(plan: RunPlan, epoch_seconds: float) -> float:
    """One member's refit."""
    return plan.refit_epochs * epoch_seconds * REFIT_EPOCH_RATIO


def estimate_run(plan: RunPlan, cost: EpochCost, elapsed_seconds: float,
                 budget_seconds: float = math.inf) -> RunEstimate:
    """The whole run's duration from the first epoch's measured ``cost`` (measured while the other members
    train side by side, when they do). ``elapsed_seconds``: time spent before this estimate (loading, the
    first epoch); ``budget_seconds``: the whole budget. When members train one after another and the budget
    would leave each less than ``MIN_MEMBER_SHARE`` of the schedule, ``members_in_budget`` is the most members
    that keep that share (at least one), and ``epochs_in_budget`` what each of them gets."""
    full = _estimate(plan, cost, elapsed_seconds, budget_seconds)
    full.members_in_budget = plan.members
    if full.fits or plan.parallel:
        return full
    need = max(1, math.ceil(MIN_MEMBER_SHARE * plan.epochs))
    fewer = full
    while fewer.epochs_in_budget < need and full.members_in_budget > 1:
        full.members_in_budget -= 1
        fewer = _estimate(replace(plan, members=full.members_in_budget), cost, elapsed_seconds, budget_seconds)
    full.epochs_in_budget = fewer.epochs_in_budget
    return full


def _estimate(plan: RunPlan, cost: EpochCost, elapsed_seconds: float, budget_seconds: float) -> RunEstimate:
    rounds = 1 if plan.parallel else plan.members  # members trained one after another
    epoch = cost.train + cost.val
    training = rounds * plan.epochs * epoch
    refit = rounds * refit_seconds(plan, cost.train)
    after = after_training_seconds(plan, cost)
    total = elapsed_seconds - epoch + training + refit + after  # the first epoch is part of both
    epochs_in_budget = plan.epochs
    if math.isfinite(budget_seconds) and total > budget_seconds:
        room = budget_seconds - (elapsed_seconds - epoch) - refit - after
        epochs_in_budget = max(1, int(room / rounds / epoch))
    return RunEstimate(total, elapsed_seconds, training, refit, after, cost, budget_seconds,
                       min(epochs_in_budget, plan.epochs), plan)


def member_deadline(budget: RunBudget, plan: RunPlan, member_start: float, cost: EpochCost) -> float:
    """The absolute time by which this member's training epochs must end: what the budget leaves after the
    parts that follow training, shared by the members still to train (sequential) or whole (side by side),
    less this member's own refit."""
    if not budget.limited:
        return math.inf
    share_end = budget.end - after_training_seconds(plan, cost)
    left = 1 if plan.parallel else max(1, plan.members - plan.member_index)
    member_end = member_start + (share_end - member_start) / left
    return member_end - refit_seconds(plan, cost.train)
