"""core.memo.ProcessMemo: built once per key, None keys never kept, bounded."""

from core.memo import ProcessMemo


def test_a_value_is_built_once_per_key_and_none_keys_are_not_kept():
    memo, calls = ProcessMemo(), []

    def build(value):
        calls.append(value)
        return value

    assert memo.get("a", lambda: build(1)) == 1
    assert memo.get("a", lambda: build(2)) == 1
    assert memo.get(None, lambda: build(3)) == 3
    assert memo.get(None, lambda: build(4)) == 4
    assert calls == [1, 3, 4]


def test_past_its_limit_a_memo_starts_over():
    memo = ProcessMemo(limit=2)
    memo.get(1, lambda: "one")
    memo.get(2, lambda: "two")
    memo.get(3, lambda: "three")  # the third key clears the first two
    assert memo.get(1, lambda: "again") == "again"
    assert memo.get(3, lambda: "new") == "three"
