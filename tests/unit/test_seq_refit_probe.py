"""The refit probe's shifted split: the validation item becomes the test item; the real test item is gone."""
import numpy as np

from recommender.seq.data import leave_one_out
from tests.unit.test_seq_model import cyclic_data
from research.seq_refit_probe import parse_variants, without_test_items


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
    assert parse_variants("2x3e-4,3x6e-4,4x2e-3cos") == [(2, 3e-4, "constant"), (3, 6e-4, "constant"),
                                                       (4, 2e-3, "cosine")]


def test_shifted_line_file_reloads_as_the_shifted_split(tmp_path):
    from recommender.seq.data import load_sasrec_lines
    from research.seq_shifted_split import write_lines

    path = tmp_path / "shifted.txt"
    (tmp_path / "full.txt").write_text("".join(f"{u} {i}\n" for u in (1, 2) for i in (10, 11, 12, 13)) + "3 10\n3 11\n")
    full = load_sasrec_lines(tmp_path / "full.txt")
    assert write_lines(without_test_items(full), str(path)) == 3 + 3 + 2
    text = path.read_text()
    assert "1 13\n" not in text and "2 13\n" not in text, "evaluated users lose their last (test) item"
    assert text.endswith("3 10\n3 11\n"), "a user too short to be evaluated keeps every item"
    ids = lambda data: [[data.item_ids[int(i) - 1] for i in seq] for seq in data.items]  # noqa: E731
    assert ids(load_sasrec_lines(path)) == ids(without_test_items(full))


def test_refit_is_public_and_starts_from_the_trained_state():
    """The probe's refits go through ``train.refit`` (no private function patched)."""
    from recommender.seq.train import refit, train
    from tests.unit.test_seq_model import TINY

    split = leave_one_out(cyclic_data(n_users=30))
    res = train(split, TINY.updated(epochs=1), progress=False)
    before = {k: v.clone() for k, v in res.model.state_dict().items()}
    rows = refit(res, split, res.config.updated(refit_epochs=2, refit_lr=1e-3))
    assert [r["refit_epoch"] for r in rows] == [1, 2]
    assert any(not np.array_equal(before[k].numpy(), v.numpy()) for k, v in res.model.state_dict().items())
