"""QApplication set-up and :func:`run_app`, what ``tinystudio`` (no sub-command) runs."""

from __future__ import annotations

import os
import signal
import sys

ORGANIZATION = "TinyStudio"
APPLICATION = "TinyStudio"


def make_app(argv: list[str] | None = None):
    """The QApplication (created once), with the names QSettings uses, speaking the user's
    language (:func:`install_language`)."""
    # Before torch is imported anywhere (workers import it later): passive OpenMP waiting,
    # or torch's threads starve the event loop (shared/PLATFORM.md).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    # Qt follows the system's light/dark palette by itself; Fusion draws it the same everywhere.
    app.setStyle("Fusion")
    from PySide6.QtGui import QIcon

    from tinystudio.resources import resources_dir

    icon = resources_dir() / "icons" / "tinystudio.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True)
    collect_garbage_on_gui_thread(app)
    install_language(app)
    return app


def install_language(app, settings=None) -> str:
    """Choose the interface language and install it: ``--lang``/``TINYSTUDIO_LANG`` > the
    View > Language choice saved in ``settings`` > the system's language. Loads our catalogue
    (:mod:`tinystudio.i18n`), Qt's own translations (the buttons of file and message dialogs)
    and the locale numbers and dates follow. Returns the language installed."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator

    from tinystudio import i18n

    if settings is None:
        settings = QSettings(ORGANIZATION, APPLICATION)
    saved = settings.value("language")
    system = QLocale.system().name()
    lang = i18n.set_language(i18n.choose_language(str(saved) if saved else None, system))
    for old in getattr(app, "_tinystudio_translators", []):
        app.removeTranslator(old)
    app._tinystudio_translators = []
    if lang != i18n.ENGLISH:
        for name in ("qtbase", "qt"):
            for folder in _qt_translation_folders(QLibraryInfo):
                translator = QTranslator(app)
                if translator.load(f"{name}_{lang}", folder):
                    app.installTranslator(translator)
                    app._tinystudio_translators.append(translator)
                    break
    QLocale.setDefault(QLocale(lang if lang != i18n.ENGLISH else "en_US"))
    return lang


def _qt_translation_folders(QLibraryInfo) -> list[str]:
    """Where Qt's own .qm files are: Qt's configured folder, else PySide6's (frozen bundles)."""
    import PySide6

    base = os.path.dirname(PySide6.__file__)
    return [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
            os.path.join(base, "Qt", "translations"), os.path.join(base, "translations")]


def collect_garbage_on_gui_thread(app) -> None:
    """Python's cycle collector runs on whichever thread happens to allocate; on a training
    thread it can delete a window's Qt objects found in a cycle, and that deadlocks with the
    GUI thread (seen in the GUI tests: ~QObject waiting for the GIL on the worker while the GUI
    thread waited for Qt's lock). pyqtgraph's GarbageCollector turns automatic collection off
    and collects on a timer, on the GUI thread only."""
    if getattr(app, "_tinystudio_gc", None) is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        app._tinystudio_gc = GarbageCollector(interval=1.0)


def stop_gui_garbage_collection(app) -> None:
    """Undo :func:`collect_garbage_on_gui_thread` (tests: code without an event loop runs next)."""
    import gc

    collector = getattr(app, "_tinystudio_gc", None)
    if collector is not None:
        collector.timer.stop()
        app._tinystudio_gc = None
    gc.enable()
    gc.collect()


def open_main_window(argv: list[str] | None = None, settings=None, workspace=None):
    """The window ``tinystudio`` shows: the file given opens at once, else the last project
    or file (after asking), else the bundled sample.

    ``settings`` and ``workspace`` default to the user's own (tests pass temporary ones).
    """
    make_app(argv)
    from PySide6.QtCore import QTimer

    from .main_window import MainWindow

    win = MainWindow(settings=settings, workspace=workspace)
    win.show()
    args = [a for a in (argv or [])[1:] if not a.startswith("-")]
    if args:
        QTimer.singleShot(0, lambda: _open_arg(win, args[0]))
    else:
        QTimer.singleShot(0, win.reopen_last_or_sample)
    return win


def run_app(argv: list[str] | None = None) -> int:
    """Open the main window with the bundled sample (or the file given) and run the event loop."""
    app = make_app(argv)
    from PySide6.QtCore import QTimer

    win = open_main_window(argv)
    # Ctrl+C in the terminal closes the window the normal way (stopping training first).
    signal.signal(signal.SIGINT, lambda *_: QTimer.singleShot(0, win.close))
    return app.exec()


def _open_arg(win, path: str) -> None:
    from .menus import _open_any

    _open_any(win, path)
