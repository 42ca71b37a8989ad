"""The parts on their own: the worker, the huge-table model, projects, help texts."""

from __future__ import annotations

import time

import pytest

from tinystudio.gui import help_texts, worker
from tinystudio.gui.project import Project, ProjectError, open_project, save_project
from tinystudio.gui.table_model import RowsTableModel, tune_view


def _boom(task):
    raise RuntimeError("kaput")


def _count(task, n):
    for i in range(n):
        task.report(i)
    return n


def test_worker_reports_progress_then_result(qtbot):
    seen = []
    h = worker.start("count", _count, 5)
    h.progress.connect(seen.append)
    with qtbot.waitSignal(h.finished, timeout=30_000) as blocker:
        pass
    assert blocker.args == [5] and seen == [0, 1, 2, 3, 4]
    assert not h.is_running() and not worker.active_handles()


def test_worker_exception_becomes_failed_with_details(qtbot):
    h = worker.start("boom", _boom)
    with qtbot.waitSignal(h.failed, timeout=30_000) as blocker:
        pass
    message, details = blocker.args
    assert "kaput" in message and "bug" in message
    assert "Traceback" in details and "RuntimeError" in details
    assert not worker.active_handles()


def test_table_model_scrolls_a_million_rows(qtbot):
    from PySide6.QtWidgets import QTableView

    rows = [(f"text number {i}", str(i % 7)) for i in range(1_000_000)]
    model = RowsTableModel()
    model.set_rows(["text", "label"], rows)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    tune_view(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    start = time.perf_counter()
    for frac in (0.25, 0.5, 0.75, 1.0):
        view.verticalScrollBar().setValue(int(view.verticalScrollBar().maximum() * frac))
        view.viewport().repaint()
    elapsed = time.perf_counter() - start
    assert model.rowCount() == 1_000_000
    assert model.headerData(999_999, pytest.importorskip("PySide6.QtCore").Qt.Orientation.Vertical) == "1000000"
    assert elapsed < 2.0, f"scrolling took {elapsed:.2f}s"


def test_project_round_trip(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("text,label\na,b\n", encoding="utf-8")
    model = tmp_path / "m"
    model.mkdir()
    (model / "config.json").write_text("{}", encoding="utf-8")
    p = Project(folder=tmp_path / "p.tinystudio", data_path=str(data), task="classify",
                text_column="text", label_column="label", settings={"preset": "tiny"})
    save_project(p, model, copy_data=True)
    back = open_project(tmp_path / "p.tinystudio")
    assert back.has_model and back.settings == {"preset": "tiny"}
    assert back.data_path == str(tmp_path / "p.tinystudio" / "data" / "d.csv")
    assert (back.sheet, back.encoding) == (None, None)
    p.sheet, p.encoding = "Reviews", "gb18030"
    save_project(p, model)
    assert (open_project(p.folder).sheet, open_project(p.folder).encoding) == ("Reviews", "gb18030")
    with pytest.raises(ProjectError):
        open_project(tmp_path)


def test_every_term_has_a_plain_tooltip():
    for key in help_texts.TERMS:
        assert help_texts.tip(key).startswith("<b>")
    for needed in ("epoch", "loss", "validation", "quantization", "parameters"):
        assert needed in help_texts.TERMS


def test_a_stopped_size_estimate_still_gives_every_size(small_classify_csv):
    """Starting training stops the estimate job: sizes keep their parameter counts."""
    from tinystudio.core.data import load_dataset
    from tinystudio.gui import jobs

    class Stopped:
        def should_stop(self) -> bool:
            return True

    data = load_dataset(small_classify_csv, task="classify", seed=0)
    out = jobs.estimate_params(Stopped(), "classify", None, len(data.label_names), data)
    assert sorted(out) == ["base", "small", "tiny"]
    assert all(v["params"] > 0 and "step_seconds" not in v for v in out.values())


def test_the_cycle_collector_runs_on_the_gui_thread_only(qtbot):
    """Automatic collection could delete Qt objects on a training thread (a deadlock)."""
    import gc
    import weakref

    from tinystudio.gui.app import make_app, stop_gui_garbage_collection

    class Node:
        pass

    app = make_app()
    try:
        assert not gc.isenabled()
        nodes = [Node() for _ in range(5000)]
        for n in nodes:
            n.me = n  # cycles: only the collector frees them
        probe = weakref.ref(nodes[0])
        del nodes, n
        assert probe() is not None
        qtbot.waitUntil(lambda: probe() is None, timeout=5000)  # the timer collected them
    finally:
        stop_gui_garbage_collection(app)
    assert gc.isenabled()
