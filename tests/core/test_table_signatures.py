"""django-tables2 asks for the parameters of a cell's render function once per function, not once per
cell (wagecase.core.tables.cache_cell_signatures, installed at start-up): the same answers as the
library's, closures and other callables left to it."""
import functools

from django_tables2 import utils


class Column:
    def render(self, value, record):
        return value

    def render_all(self, **kwargs):
        return kwargs


def plain(value, *args, bound_column=None, **rest):
    return value


def test_the_installed_signature_answers_as_the_librarys_and_asks_once_per_function(monkeypatch):
    original = utils.signature.__wrapped__
    assert utils.signature is not original  # installed by CoreConfig.ready()

    def closure_maker():
        captured = object()

        def render(value, table):
            return captured

        return render

    cases = [Column().render, Column().render_all, plain, closure_maker(), functools.partial(plain, 1), Column]
    for fn in cases:
        assert utils.signature(fn) == original(fn), fn
    assert utils.signature(Column().render) == (("value", "record"), None)  # self left out
    assert utils.call_with_appropriate(Column().render, {"value": 7, "record": None, "table": None}) == 7

    calls = []

    def counting(fn):
        calls.append(fn)
        return original(fn)

    monkeypatch.setattr(utils.signature, "__wrapped__", counting)  # not consulted again: cached
    from wagecase.core.tables import cache_cell_signatures

    monkeypatch.setattr(utils, "signature", utils.signature)  # restored after the test
    cache_cell_signatures()  # a fresh cache over `counting`
    for _ in range(3):
        for column in (Column(), Column()):
            utils.signature(column.render)
        utils.signature(plain)
        closure = closure_maker()
        utils.signature(closure)
    assert [getattr(fn, "__name__", fn) for fn in calls].count("render") == 1 + 3  # once cached, closures each time
    assert [getattr(fn, "__name__", fn) for fn in calls].count("plain") == 1
