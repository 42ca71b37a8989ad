"""The desktop app (PySide6 + pyqtgraph). The only package that imports Qt.

Modules, one job each:

- :mod:`.app`           — QApplication set-up and :func:`run_app`
- :mod:`.main_window`   — the window: tabs, menus, shortcuts, drag-and-drop, settings
- :mod:`.data_panel`    — open a file, pick columns, see the data report and tokens
- :mod:`.train_panel`   — presets, settings, start/pause/stop, live plots
- :mod:`.evaluate_panel`— test scores, confusion matrix, mistakes
- :mod:`.try_panel`     — the prompt box: classify as you type, stream generated text
- :mod:`.worker`        — QThread + worker object running a job, adapting it to signals
- :mod:`.jobs`          — the heavy work (plain functions run by the worker; torch lives here)
- :mod:`.plots`         — pyqtgraph widgets (live training curves, bar chart)
- :mod:`.table_model`   — the virtual table model behind the data preview
- :mod:`.project`       — ``*.tinystudio`` project folders
- :mod:`.menus`         — menus, toolbar, shortcuts and file dialogs
- :mod:`.icons`         — the style's standard icons
- :mod:`.help_texts`    — plain-word explanations of technical terms (tooltips)
"""
