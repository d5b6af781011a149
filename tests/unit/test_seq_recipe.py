"""The settings chooser: data shapes and hardware -> settings, and the automatic full / sampled softmax choice."""
import math

import numpy as np


from recommender.seq.recipe import (CPU_FLOOR_GFLOPS_PER_THREAD, SAMPLED_NEGATIVES, DataShape, Hardware,
                                    choose_loss, choose_settings)

CPU2 = Hardware("cpu", cores=2, memory_bytes=24 << 30, softmax_gflops=80.0)
H200 = Hardware("cuda", cores=16, memory_bytes=139 << 30, softmax_gflops=20000.0)
BUDGET = 20 * 60


def amazon_like(users=31013, items=23715):
    """Short sequences (median 6), 12 interactions per item: the shape of Amazon Games / Toys / Sports."""
    rng = np.random.default_rng(0)
    lengths = np.clip(rng.geometric(1 / 8, users) + 4, 5, 400)
    return DataShape(users, items, int(lengths.sum()), lengths)


def movielens_like():
    rng = np.random.default_rng(0)
    lengths = np.clip(rng.lognormal(4.2, 0.9, 943).astype(int), 20, 737)
    return DataShape(943, 1682, int(lengths.sum()), lengths)


def test_sparse_short_sequences_get_the_ensemble_the_refit_and_full_softmax():
    r = choose_settings(amazon_like(), CPU2, BUDGET)
    s = r.settings
    assert s["ensemble"] == 3 and s["dropout"] == s["emb_dropout"] == 0.3
    assert s["refit_epochs"] == 5 and s["refit_lr"] == s["lr"] == 2e-3
    assert s["max_len"] == 50 and s["batch_size"] == 128 and s["schedule"] == "cosine" and s["knn_blend"]
    assert s["loss"] == "ce" and r.loss.threshold_items > 23715
    assert s["num_threads"] == 2 and s["val_users"] == 5000 and s["patience"] == 10
    assert 10 <= s["epochs"] <= 25  # ~4,000 steps at ~240 steps an epoch
    assert any("ensemble of 3" in line for line in r.reasons)


def test_dense_long_sequences_get_one_model_long_context_and_small_batches():
    s = choose_settings(movielens_like(), CPU2, BUDGET, primary="full").settings
    assert s["ensemble"] == 1 and s["dropout"] == 0.2 and s["refit_epochs"] == 0
    assert s["max_len"] == 200 and s["batch_size"] == 64 and s["epochs"] == 60 and s["patience"] == 20
    assert s["loss"] == "ce" and s["val_protocol"] == "full" and s["val_users"] == 0
    assert s["num_threads"] == 1, "a small model runs on half the cores"


def test_settings_follow_the_shape_not_the_name():
    a, b = amazon_like(), amazon_like()
    assert choose_settings(a, CPU2, BUDGET).settings == choose_settings(b, CPU2, BUDGET).settings
    longer = DataShape.synthetic(5000, 3000, [120, 150, 200, 90])
    assert choose_settings(longer, CPU2, BUDGET).settings["max_len"] == 200
    mid = DataShape.synthetic(5000, 3000, [60, 80, 100, 40])
    assert choose_settings(mid, CPU2, BUDGET).settings["max_len"] == 100


def test_full_softmax_up_to_the_threshold_then_sampled_with_many_negatives():
    shape = amazon_like()
    targets = shape.train_targets(50)
    small = choose_loss(20000, targets, 900, 64, CPU2, member_seconds=300)
    assert small.loss == "ce" and small.threshold_items > 20000
    big = choose_loss(2_000_000, targets, 900, 64, CPU2, member_seconds=300)
    assert big.loss == "sampled" and big.negatives == SAMPLED_NEGATIVES
    assert big.threshold_items == small.threshold_items, "the threshold depends on data and hardware, not items"
    assert "above" in big.reason and "fewer than 8 epochs" in big.reason
    # the threshold: where one full-softmax epoch leaves room for 8 epochs in the member's time
    per_item_epoch = 6 * targets * 64 / (80e9)
    assert small.threshold_items == int(300 / 8 / per_item_epoch)
    # more time or a faster device moves it up
    assert choose_loss(20000, targets, 900, 64, CPU2, member_seconds=3000).threshold_items > small.threshold_items * 9


def test_on_a_gpu_memory_binds_before_time():
    targets = amazon_like().train_targets(50)
    choice = choose_loss(400_000, targets, 6400, 64, H200, member_seconds=300)
    limit = 139 * 2 ** 30 * 0.25 / (6400 * 10)
    assert choice.threshold_items == int(limit) and choice.loss == "ce"
    huge = choose_loss(1_000_000, targets, 6400, 64, H200, member_seconds=300)
    assert huge.loss == "sampled" and "memory" in huge.reason


def test_no_budget_means_full_softmax_on_cpu():
    assert choose_loss(5_000_000, 10**6, 900, 64, CPU2).loss == "ce"


def test_huge_catalogue_on_this_cpu_chooses_sampled_softmax_automatically():
    shape = DataShape.synthetic(200_000, 1_000_000, [5, 8, 12, 30])
    r = choose_settings(shape, CPU2, BUDGET)
    assert r.settings["loss"] == "sampled" and r.settings["negatives"] == SAMPLED_NEGATIVES


def test_hardware_probe_reads_at_least_the_floor():
    hw = Hardware.detect("cpu", threads=1, probe=True)
    assert hw.device == "cpu" and hw.cores >= 1 and hw.memory_bytes > 0
    assert hw.softmax_gflops >= CPU_FLOOR_GFLOPS_PER_THREAD
    assert math.isfinite(hw.softmax_gflops)


def test_shape_from_data_counts_training_targets():
    from tests.unit.test_seq_model import cyclic_data

    shape = DataShape.from_data(cyclic_data(n_users=10, length=8))
    assert (shape.users, shape.items, shape.interactions) == (10, 24, 80)
    assert shape.train_targets(50) == 10 * (8 - 2 - 1) and shape.train_targets(3) == 30


def test_a_short_budget_shrinks_the_ensemble_before_it_changes_the_loss():
    """Toys' shape with 3 minutes: three members one after another would each have too little time for full
    softmax, but the budget trains fewer members first (down to one), so the loss is chosen for one model with
    the whole training share and stays full softmax; sampled softmax comes only where even that is too short."""
    toys = amazon_like(users=19412, items=11924)
    short = choose_settings(toys, CPU2, 3 * 60)
    assert short.settings["ensemble"] == 3 and short.settings["loss"] == "ce"
    targets = toys.train_targets(50)
    one_model = choose_loss(11924, targets, 900, 64, CPU2, member_seconds=3 * 60 * 0.75)
    assert short.loss.threshold_items == one_model.threshold_items
    assert choose_settings(toys, CPU2, 20).settings["loss"] == "sampled", "20 seconds: not even one model fits"


def test_members_side_by_side_each_have_the_whole_share_with_their_part_of_the_threads():
    cpu4 = Hardware("cpu", cores=4, memory_bytes=24 << 30, softmax_gflops=160.0, threads=4)
    r = choose_settings(amazon_like(), cpu4, BUDGET)
    targets = amazon_like().train_targets(50)
    one_thread = Hardware("cpu", cores=4, memory_bytes=24 << 30, softmax_gflops=cpu4.rate_with(1), threads=1)
    assert r.loss.threshold_items == choose_loss(23715, targets, 900, 64, one_thread, BUDGET * 0.75).threshold_items
