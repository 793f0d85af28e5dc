"""wagecase.core.bulk: the pieces the COPY paths stand on."""
import json

import pytest

from wagecase.core.bulk import CopyStream, _json, copy_value, next_ids


def read_all(stream, size):
    pieces = []
    while True:
        piece = stream.read(size)
        if not piece:
            return pieces
        pieces.append(piece)


@pytest.mark.parametrize("size", [1, 7, 64, 10_000])
def test_copy_stream_gives_back_every_line_in_pieces_of_at_most_size(size):
    lines = [f"{i}\t名字{i}\t{'x' * (i % 50)}\n" for i in range(300)]
    pieces = read_all(CopyStream(iter(lines)), size)
    assert "".join(pieces) == "".join(lines)
    assert all(0 < len(piece) <= size for piece in pieces)
    assert all(len(piece) == size for piece in pieces[:-1])  # only the last one is short


def test_copy_stream_formats_lazily_and_ends_empty():
    made = []

    def lines():
        for i in range(3):
            made.append(i)
            yield f"{i}\n"

    stream = CopyStream(lines())
    assert made == []
    assert stream.read(2) == "0\n" and made == [0]
    assert stream.read() == "1\n2\n"
    assert stream.read() == "" and stream.read(5) == ""
    assert CopyStream(iter([])).read() == ""


def test_change_record_json_is_the_same_document_as_json_dumps():
    value = {"name": "王\t伟\\", "wage": "408.00", "day": "2025-08-03", "team_id": None, "ok": True,
             "nested": {"a": [1, 2]}, "huge": 2 ** 70}  # beyond 64 bits: the json.dumps fallback
    text = _json(value)
    assert "\t" not in text  # escaped for COPY's text format
    unescaped = text.replace("\\\\", "\x00").replace("\\t", "\t").replace("\x00", "\\")
    assert json.loads(unescaped) == value
    assert copy_value({"a": "b"}) == _json({"a": "b"})


@pytest.mark.django_db
def test_next_ids_are_new_distinct_and_ascending():
    from django.db import connection

    from projects.models import Worker

    if connection.vendor != "postgresql":
        pytest.skip("ids from the sequence: PostgreSQL only")
    first = next_ids(Worker, 5)
    second = next_ids(Worker, 3)  # the sequence's name comes from the cache now
    assert len(set(first + second)) == 8
    assert first == sorted(first) and min(second) > max(first)
