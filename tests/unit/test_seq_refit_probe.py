"""The refit probe's shifted split: the validation item becomes the test item; the real test item is gone."""
import numpy as np

from recommender.seq.data import leave_one_out
from tests.unit.test_seq_model import cyclic_data
from tools.seq_refit_probe import parse_variants, without_test_items


def test_shifted_split_tests_on_validation_items_and_never_sees_test_items():
    data = cyclic_data(n_users=30)
    before = leave_one_out(data)
    after = leave_one_out(without_test_items(data))
    for u in before.eval_users("test"):
        u = int(u)
        old_valid = before.eval_case(u, "valid")
        new_test = after.eval_case(u, "test")
        assert new_test[2] == old_valid[2] and np.array_equal(new_test[0], old_valid[0])
        assert len(after.data.items[u]) == before.test_pos[u], "the test item and anything after it are dropped"


def test_variants_parse():
    assert parse_variants("2x3e-4,3x6e-4") == [(2, 3e-4), (3, 6e-4)]
