"""What was open when TinyStudio was last closed, to offer it again at the next start.

Stored as one JSON value in the settings (``session/last``): the project, or the data file
(with its task and columns) and the model folder. Only what still exists is offered.
"""

from __future__ import annotations

import json
from pathlib import Path

from tinystudio.i18n import tr

KEY = "session/last"


def remember(win) -> None:
    """Store what ``win`` (a MainWindow) has open."""
    text_col, label_col = win.data_panel.columns_choice()
    session = {
        "project": str(win.project.folder) if win.project is not None else None,
        "data": win.data_panel.path if win.data_panel.can_train else None,
        "task": win.data_panel.task,
        "text_column": text_col,
        "label_column": label_col,
        "model": win.model_dir,
    }
    win.settings.setValue(KEY, json.dumps(session))


def read(value) -> dict | None:
    """The stored session's files that still exist (``project``, or ``data``/``model``), or None."""
    try:
        session = json.loads(value or "null")
    except (TypeError, ValueError):
        return None
    if not isinstance(session, dict):
        return None
    project = session.get("project")
    if isinstance(project, str) and (Path(project) / "project.json").is_file():
        return {"project": project}
    data, model = session.get("data"), session.get("model")
    found = {
        "data": data if isinstance(data, str) and Path(data).is_file() else None,
        "model": model if isinstance(model, str) and (Path(model) / "config.json").is_file() else None,
    }
    if not (found["data"] or found["model"]):
        return None
    for key in ("task", "text_column", "label_column"):
        found[key] = session.get(key) if isinstance(session.get(key), str) else None
    return found


def describe(last: dict) -> str:
    """"the file topics.csv and the model 20261129-2345", for the question."""
    if last.get("project"):
        return tr("the project {name}").format(name=Path(last["project"]).name)
    if last["data"] and last["model"]:
        return tr("the file {data} and the model {model}").format(
            data=Path(last["data"]).name, model=Path(last["model"]).name)
    if last["data"]:
        return tr("the file {data}").format(data=Path(last["data"]).name)
    return tr("the model {model}").format(model=Path(last["model"]).name)


def reopen(win, last: dict) -> None:
    """Open in ``win`` what ``last`` (from :func:`read`) names."""
    if last.get("project"):
        win.open_project_from(last["project"])
        return
    if last["data"]:
        task = last["task"] if last["task"] in ("classify", "generate") else None
        win.open_data(last["data"], task, last["text_column"], last["label_column"])
    if last["model"]:
        win.open_model(last["model"])
