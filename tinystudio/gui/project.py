"""Project folders (``name.tinystudio/``): the data reference, the settings and the models.

Layout::

    my-project.tinystudio/
        project.json     format name + version, data path, task, columns (and a workbook's sheet,
                         a chosen text encoding), training settings
        model/           the model in use (config.json, weights, training_log.jsonl)
        models/          every other model trained on the data, kept to compare and switch to
        data/            a copy of the data file, when the user asked for one

No Qt here: the main window calls these functions and shows the errors.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tinystudio.core.errors import TinyStudioError
from tinystudio.core.fileio import atomic_write_json
from tinystudio.i18n import tr

FORMAT_NAME = "tinystudio-project"
FORMAT_VERSION = 1
SUFFIX = ".tinystudio"


class ProjectError(TinyStudioError):
    """A project folder that cannot be opened or written."""


@dataclass
class Project:
    folder: Path
    data_path: str | None = None
    task: str = "classify"
    text_column: str | None = None
    label_column: str | None = None
    settings: dict = field(default_factory=dict)
    sheet: str | None = None  # the workbook's sheet the data is on (None: not a workbook)
    encoding: str | None = None  # a text encoding the user chose (None: detected)
    models: list[str] = field(default_factory=list)  # folder names under models/

    @property
    def model_dir(self) -> Path:
        return self.folder / "model"

    @property
    def models_dir(self) -> Path:
        return self.folder / "models"

    @property
    def has_model(self) -> bool:
        return (self.model_dir / "config.json").is_file()


def normalise(folder: str | Path) -> Path:
    """Add the ``.tinystudio`` suffix when missing."""
    folder = Path(folder)
    return folder if folder.name.endswith(SUFFIX) else folder.with_name(folder.name + SUFFIX)


def save_project(
    project: Project, model_dir: str | Path | None = None, copy_data: bool = False, other_models=()
) -> Path:
    """Write ``project``: copy ``model_dir`` (the model in use) into ``model/`` and each of
    ``other_models`` into ``models/`` (unless already there); a model that was in ``model/``
    before is kept in ``models/``, never overwritten."""
    folder = project.folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _keep_models(project, model_dir, other_models)
        if model_dir is not None and Path(model_dir).resolve() != project.model_dir.resolve():
            tmp = folder / "model.saving"
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(model_dir, tmp, ignore=shutil.ignore_patterns(".checkpoint"))
            shutil.rmtree(project.model_dir, ignore_errors=True)
            tmp.rename(project.model_dir)
        data_path = project.data_path
        if copy_data and data_path and Path(data_path).is_file():
            (folder / "data").mkdir(exist_ok=True)
            target = folder / "data" / Path(data_path).name
            if Path(data_path).resolve() != target.resolve():
                shutil.copy2(data_path, target)
            data_path = str(Path("data") / Path(data_path).name)
        atomic_write_json(
            folder / "project.json",
            {
                "format": FORMAT_NAME,
                "format_version": FORMAT_VERSION,
                "data_path": data_path,
                "task": project.task,
                "text_column": project.text_column,
                "label_column": project.label_column,
                "sheet": project.sheet,
                "encoding": project.encoding,
                "settings": project.settings,
                "models": project.models,
            },
        )
    except OSError as exc:
        raise ProjectError(tr("The project could not be saved in '{folder}': {strerror}.").format(folder=folder, strerror=exc.strerror or exc), details=str(exc)) from exc
    return folder


def open_project(folder: str | Path) -> Project:
    """Read and check ``project.json``; the data path comes back absolute."""
    folder = Path(folder)
    if folder.is_file() and folder.name == "project.json":
        folder = folder.parent
    path = folder / "project.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProjectError(tr("'{name}' is not a TinyStudio project (it has no project.json).").format(name=folder.name)) from exc
    except (OSError, ValueError) as exc:
        raise ProjectError(tr("The project file is damaged and cannot be read."), details=str(exc)) from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT_NAME:
        raise ProjectError(tr("'{name}' is not a TinyStudio project.").format(name=folder.name))
    if not isinstance(raw.get("format_version"), int) or raw["format_version"] > FORMAT_VERSION:
        raise ProjectError(tr("This project was saved by a newer TinyStudio. Update TinyStudio to open it."))
    data_path = raw.get("data_path")
    if isinstance(data_path, str) and data_path and not Path(data_path).is_absolute():
        data_path = str(folder / data_path)
    settings = raw.get("settings") if isinstance(raw.get("settings"), dict) else {}
    task = raw.get("task") if raw.get("task") in ("classify", "generate") else "classify"
    models = [m for m in raw.get("models") or [] if isinstance(m, str) and "/" not in m and "\\" not in m and m not in ("", ".", "..")]
    return Project(
        models=models,
        folder=folder,
        data_path=data_path if isinstance(data_path, str) else None,
        task=task,
        text_column=raw.get("text_column"),
        label_column=raw.get("label_column"),
        settings=settings,
        # Optional keys (older project files have none): read as written, strings only.
        sheet=raw.get("sheet") if isinstance(raw.get("sheet"), str) else None,
        encoding=raw.get("encoding") if isinstance(raw.get("encoding"), str) else None,
    )


def _keep_models(project: Project, model_dir, other_models) -> None:
    """Copy the other models into ``models/``; move a replaced ``model/`` there first."""
    models = project.models_dir
    current = project.model_dir
    replacing = model_dir is not None and current.is_dir() and Path(model_dir).resolve() != current.resolve()
    wanted = [Path(m) for m in other_models if Path(m).resolve() != Path(model_dir or "").resolve()]
    if replacing:
        wanted.insert(0, current)
    for src in wanted:
        if not (src / "config.json").is_file() or src.resolve().parent == models.resolve():
            continue
        if models.is_dir() and any(_same_model(src, kept) for kept in models.iterdir()):
            continue  # already kept (the same model file)
        models.mkdir(exist_ok=True)
        name = src.name if src != current else "previous-" + _stamp(src)
        target = models / name
        n = 1
        while target.exists():
            target = models / f"{name}_{n}"
            n += 1
        if src == current:
            src.rename(target)  # the model in use before: kept, never overwritten
        else:
            shutil.copytree(src, target, ignore=shutil.ignore_patterns(".checkpoint"))
    project.models = sorted(p.name for p in models.iterdir() if (p / "config.json").is_file()) if models.is_dir() else []


def _stamp(folder: Path) -> str:
    try:
        saved = json.loads((folder / "config.json").read_text(encoding="utf-8")).get("saved_at", "")
    except (OSError, ValueError):
        saved = ""
    return "".join(ch for ch in str(saved)[:19] if ch.isalnum()) or "model"


def _same_model(a: Path, b: Path) -> bool:
    try:
        return (a / "config.json").read_bytes() == (b / "config.json").read_bytes()
    except OSError:
        return False
