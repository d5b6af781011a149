"""Data loaders, id mapping and the leave-one-out split of the sequential scorer."""
import pytest


from recommender.seq.data import (EVENT_INDEX, from_interaction_rows, leave_one_out, load_any,
                                  load_interactions_csv, load_movielens, load_sasrec_lines, popularity,
                                  train_sequences)


def test_sasrec_lines(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("1 5\n1 3\n2 3\n1 7\n2 9\n10 5\n")
    d = load_sasrec_lines(p)
    assert d.users == ["1", "2", "10"]
    assert d.item_ids == ["3", "5", "7", "9"]  # numeric order
    idx = d.item_index()
    assert [d.item_ids[i - 1] for i in d.items[0]] == ["5", "3", "7"]  # file order kept per user
    assert idx["9"] == 4 and d.n_interactions == 6
    assert load_any(p).item_ids == d.item_ids


def test_movielens_udata_sorted_by_time_with_meta(tmp_path):
    (tmp_path / "u.data").write_text("1\t10\t5\t300\n1\t20\t3\t100\n2\t10\t4\t50\n1\t30\t1\t200\n")
    (tmp_path / "u.genre").write_text("Action|0\nComedy|1\n\n")
    (tmp_path / "u.item").write_text("10|Film A (1995)|x||url|1|0\n20|Film B (1996)|x||url|0|1\n")
    d = load_movielens(tmp_path)
    assert [d.item_ids[i - 1] for i in d.items[0]] == ["20", "30", "10"]
    assert d.titles["10"] == "Film A (1995)" and d.genres["20"] == ["Comedy"]
    assert int(d.events[0][0]) == EVENT_INDEX["rating"]


def test_movielens_ratings_dat(tmp_path):
    (tmp_path / "ratings.dat").write_text("1::7::5::20\n1::8::5::10\n")
    (tmp_path / "movies.dat").write_text("7::Seven (1995)::Crime|Thriller\n")
    d = load_movielens(tmp_path / "ratings.dat")
    assert [d.item_ids[i - 1] for i in d.items[0]] == ["8", "7"]
    assert d.genres["7"] == ["Crime", "Thriller"]


def test_interactions_csv_orders_and_marks_dislikes(tmp_path):
    p = tmp_path / "log.csv"
    p.write_text("user_id,item_id,event,value,timestamp,source\n"
                 "u1,b,dislike,,2024-01-01T00:00:02+00:00,demo\n"
                 "u1,a,view,,2024-01-01T00:00:01+00:00,demo\n"
                 "u1,c,rating,2,2024-01-01T00:00:03+00:00,demo\n"
                 "u1,d,purchase,,2024-01-01T00:00:04+00:00,demo\n")
    d = load_interactions_csv(p, item_ids=["a", "b", "c", "d", "e"])
    assert d.item_ids == ["a", "b", "c", "d", "e"]  # the catalogue fixes the vocabulary
    assert [d.item_ids[i - 1] for i in d.items[0]] == ["a", "b", "c", "d"]
    assert d.positive[0].tolist() == [True, False, False, True]  # dislike and a 2-star rating are not targets
    assert load_any(p).n_users == 1


def test_rows_with_datetimes():
    from datetime import datetime, timezone
    rows = [{"user_id": "u", "item_id": "x", "event": "view", "timestamp": datetime(2024, 1, 2, tzinfo=timezone.utc)},
            {"user_id": "u", "item_id": "y", "event": "view", "timestamp": datetime(2024, 1, 1, tzinfo=timezone.utc)}]
    d = from_interaction_rows(rows)
    assert [d.item_ids[i - 1] for i in d.items[0]] == ["y", "x"]


def test_leave_one_out_split(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("".join(f"1 {i}\n" for i in (1, 2, 3, 4, 5)) + "2 1\n2 2\n")
    d = load_sasrec_lines(p)
    s = leave_one_out(d)
    assert s.valid_pos.tolist() == [3, -1] and s.test_pos.tolist() == [4, -1]
    items, _, target = s.eval_case(0, "valid")
    assert items.tolist() == [1, 2, 3] and target == 4
    items, _, target = s.eval_case(0, "test")
    assert items.tolist() == [1, 2, 3, 4] and target == 5
    assert s.eval_users("test").tolist() == [0]
    tr = train_sequences(s)
    assert [t[0].tolist() for t in tr] == [[1, 2, 3], [1, 2]]  # short users train only
    pop = popularity(s)
    assert pop.tolist() == [0, 2, 2, 1, 0, 0]


def test_split_skips_non_positive_targets():
    rows = [{"user_id": "u", "item_id": it, "event": ev, "timestamp": t}
            for t, (it, ev) in enumerate([("a", "view"), ("b", "view"), ("c", "purchase"), ("d", "dislike")])]
    s = leave_one_out(from_interaction_rows(rows))
    assert s.test_pos.tolist() == [2] and s.valid_pos.tolist() == [1]


def test_one_line_per_user_is_detected_and_every_item_is_read(tmp_path):
    """ICLRec's Amazon files: `user item item ...`; the loader used to keep only the first item of each line."""
    from recommender.seq.data import detect_format, detect_line_layout

    p = tmp_path / "Toys.txt"
    p.write_text("1 1 2 3 4 5\n2 4 5 6\n10 7 4\n3 9\n")
    assert detect_line_layout(p) == "user-lines" and detect_format(p) == "user-lines"
    d = load_any(p)
    assert d.source_format == "user-lines"
    assert d.users == ["1", "2", "3", "10"]
    assert d.n_interactions == 5 + 3 + 2 + 1, "every item of every line"
    assert d.item_ids == [str(i) for i in (1, 2, 3, 4, 5, 6, 7, 9)]
    assert [d.item_ids[i - 1] for i in d.items[d.users.index("10")]] == ["7", "4"], "time order kept"
    split = leave_one_out(d)
    assert split.eval_users("test").tolist() == [0, 1], "users with 3+ items are evaluated on their last"
    assert "user-lines" in d.summary()


def test_pair_lines_still_read_as_sasrec(tmp_path):
    from recommender.seq.data import detect_line_layout

    p = tmp_path / "Video.txt"
    p.write_text("1 5\n1 3\n2 3\n")
    assert detect_line_layout(p) == "sasrec" and load_any(p).n_interactions == 3


def test_ambiguous_or_mismatched_line_files_are_refused_not_misread(tmp_path):
    from recommender.seq.data import LineFormatError, load_item_lines

    wide_and_repeated = tmp_path / "ts.txt"  # `user item timestamp`? never read it as items
    wide_and_repeated.write_text("1 5 100\n1 6 200\n")
    with pytest.raises(LineFormatError, match="line 1 has 3 fields"):
        load_any(wide_and_repeated)
    per_user = tmp_path / "u.txt"
    per_user.write_text("1 5 6 7\n")
    with pytest.raises(LineFormatError, match="line 1 has 4 fields"):
        load_any(per_user, "sasrec")
    pairs = tmp_path / "p.txt"
    pairs.write_text("1 5\n1 6\n")
    with pytest.raises(LineFormatError, match="second line"):
        load_item_lines(pairs, "user-lines")


def test_user_line_without_items_is_reported(tmp_path, caplog):
    import logging

    p = tmp_path / "u.txt"
    p.write_text("1 5 6 7\n2\n3 5 6\n")
    with caplog.at_level(logging.WARNING):
        d = load_any(p)
    assert d.users == ["1", "3"] and d.n_interactions == 5
    assert "1 user line(s) without items" in caplog.text
