"""What each ``tinystudio`` sub-command does (argument parsing lives in ``cli.py``)."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from tinystudio.i18n import fmt_percent, tr

from .core.data import inspect_data
from .core.errors import ConfigError, DataError
from .core.modelio import load_model
from .core.pipeline import evaluate_on_file, load_with_columns, train_on_file
from .core.training.config import TrainConfig
from .core.training.control import RunControl
from .core.training.distributed import is_main_process
from .core.training.events import (
    AutoFinished,
    CandidateFinished,
    CandidateStarted,
    EvalEvent,
    Notice,
    StepEvent,
    TrainFinished,
    TrainStarted,
)
from .interrupt import install_interrupt
from .resources import default_sample


def _emit_json(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=_jsonable))


def _jsonable(obj):
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    raise TypeError(f"not JSON-able: {type(obj).__name__}")


def _fmt_time(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf"):
        return "--:--"
    seconds = int(seconds)
    return f"{seconds // 60:02d}:{seconds % 60:02d}" if seconds < 3600 else f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class ProgressPrinter:
    """Human progress on stderr: a bar with loss, speed and time left; notices on their own line."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last_line = 0.0
        self.last_eval = ""

    def __call__(self, event) -> None:
        if isinstance(event, CandidateStarted):
            self._line(tr("Auto: trying {label} ({n} of {total}, up to {seconds:.0f} s).").format(
                label=event.label, n=event.index + 1, total=event.total, seconds=event.seconds))
        elif isinstance(event, CandidateFinished):
            if event.metric == "macro_f1":
                text = tr("Auto: {label}: validation macro-F1 {score:.1%} in {seconds:.0f} s.")
            else:
                text = tr("Auto: {label}: validation accuracy {score:.1%} in {seconds:.0f} s.")
            lead = tr("  (best so far)") if event.is_best else ""
            self._line(text.format(label=event.label, score=event.score, seconds=event.seconds) + lead)
        elif isinstance(event, AutoFinished):
            self._line(event.reason)
        elif isinstance(event, TrainStarted):
            if event.task == "classify":
                text = tr("Training a {preset} {model_kind} ({params:,} parameters) on {device}: "
                          "{train_items:,} training and {val_items:,} validation examples.")
            else:
                text = tr("Training a {preset} {model_kind} ({params:,} parameters) on {device}: "
                          "{train_items:,} training and {val_items:,} validation tokens.")
            self._line(text.format(preset=event.preset, model_kind=event.model_kind, params=event.params,
                                   device=event.device, train_items=event.train_items,
                                   val_items=event.val_items))
        elif isinstance(event, EvalEvent):
            if event.val_accuracy is not None:
                self.last_eval = tr(" val acc {val_accuracy:.1%}").format(val_accuracy=event.val_accuracy)
            elif event.bits_per_char is not None:
                self.last_eval = tr(" val {bits_per_char:.2f} bits/char").format(bits_per_char=event.bits_per_char)
        elif isinstance(event, StepEvent):
            now = time.monotonic()
            if not self.tty and now - self.last_line < 5 and event.step != event.total_steps:
                return  # logs get a line every 5 s, terminals a live bar
            self.last_line = now
            filled = int(event.progress * 30)
            bar = "#" * filled + "-" * (30 - filled)
            text = (
                tr("[{bar}] {progress:4.0%} step {step} loss {loss:.3f}{last_eval} {items_per_sec:,.0f}/s elapsed {elapsed} left {left}").format(bar=bar, progress=event.progress, step=event.step, loss=event.loss, last_eval=self.last_eval, items_per_sec=event.items_per_sec, elapsed=_fmt_time(event.elapsed), left=_fmt_time(event.eta))
            )
            if self.tty:
                self.stream.write("\r" + text[:160].ljust(120))
                self.stream.flush()
            else:
                self._line(text)
        elif isinstance(event, Notice) and event.kind not in ("checkpoint", "time_up"):
            self._line(event.message)
        elif isinstance(event, TrainFinished):
            self._line(tr("{message} ({steps} steps, {time}).").format(
                message=event.message, steps=event.steps, time=_fmt_time(event.seconds)))

    def _line(self, text: str) -> None:
        if self.tty:
            self.stream.write("\r" + " " * 120 + "\r")
        self.stream.write(text + "\n")
        self.stream.flush()


def _col(value: str | None) -> str | int | None:
    return int(value) if value is not None and value.isdigit() else value


def cmd_train(args) -> int:
    config = TrainConfig(
        task=args.task,
        model_kind=args.model,
        preset=args.preset,
        epochs=args.epochs,
        max_time=args.max_time,
        lr=args.lr,
        batch_size=args.batch_size,
        tokenizer=args.tokenizer,
        vocab_size=args.vocab_size,
        seed=args.seed,
        device=args.device,
        checkpoint_every=args.checkpoint_every,
        init_from=args.init_from,
        freeze_body=args.freeze_body,
        augment=tuple(args.augment),
        compile=args.compile,
    )
    control = RunControl()
    install_interrupt(control)
    outcome = train_on_file(
        args.data,
        config,
        text_col=_col(args.text_col),
        label_col=_col(args.label_col),
        out_dir=args.out,
        on_event=None if (args.json or not is_main_process()) else ProgressPrinter(),
        control=control,
        resume=args.resume,
        sheet=args.sheet,
        encoding=args.encoding,
    )
    res = outcome.result
    if outcome.model_dir is None:  # a secondary process of a torchrun job: rank 0 reports
        return 0
    summary = {
        "model_dir": str(outcome.model_dir),
        "task": config.task,
        "model": res.model.config.kind,
        "preset": res.model.train_config["preset"],
        "params": sum(p.numel() for p in res.model.module.parameters()),
        "train_seconds": round(res.seconds, 3),
        "steps": res.steps,
        "stop_reason": res.stop_reason,
        "message": res.message,
        "validation": res.val_metrics,
        **_public_metrics(outcome.test_metrics),
    }
    if res.auto:
        summary["candidates"] = [
            {"name": c["name"], "validation_score": c["score"], "seconds": c["seconds"]}
            for c in res.auto["candidates"]
        ]
        summary["chosen"] = res.auto["chosen"]
        summary["reason"] = res.auto["reason"]
        summary["budget"] = {
            "seconds": res.auto["budget"], "used": res.auto["seconds"], "ended": res.auto["ended"],
        }
    if args.json:
        _emit_json(summary)
    else:
        if res.auto:
            print(res.auto["reason"])
        _print_metrics(outcome.test_metrics, tr("Test split"))
        print(tr("Model saved in {model_dir}").format(model_dir=outcome.model_dir))
    return 130 if res.stop_reason == "cancelled" else 0


def _public_metrics(metrics: dict) -> dict:
    keys = ("accuracy", "macro_f1", "per_class", "confusion", "labels", "worst_mistakes", "n",
            "val_loss", "perplexity", "bits_per_char", "tokens", "chars", "scored", "unknown_labels")
    return {k: metrics[k] for k in keys if k in metrics}


def _print_metrics(m: dict, title: str) -> None:
    print(tr("{title}:").format(title=title))
    if "accuracy" in m:
        print("  " + tr("accuracy {accuracy}   macro-F1 {macro_f1:.3f}   ({n} texts)").format(
            accuracy=fmt_percent(m["accuracy"]), macro_f1=m["macro_f1"], n=m["n"]))
        print(f"  {tr('label'):<20} {tr('precision'):>9} {tr('recall'):>7} {'F1':>6} {tr('count'):>6}")
        for name, c in m["per_class"].items():
            print(f"  {name[:20]:<20} {c['precision']:>9.3f} {c['recall']:>7.3f} {c['f1']:>6.3f} {c['support']:>6}")
    else:
        print(
            tr("  loss {val_loss:.3f} per token   perplexity {perplexity:.2f}   {bits_per_char:.3f} bits per character").format(val_loss=m['val_loss'], perplexity=m['perplexity'], bits_per_char=m['bits_per_char'])
        )


def cmd_eval(args) -> int:
    model = load_model(args.model_dir)
    metrics = evaluate_on_file(model, args.data, sheet=args.sheet, encoding=args.encoding)
    if args.json:
        _emit_json({"model_dir": args.model_dir, "task": model.task, **_public_metrics(metrics)})
    else:
        scored = tr(metrics["scored"]) if metrics.get("scored") else tr("the file")
        _print_metrics(metrics, tr("Scores on {what}").format(what=scored))
    return 0


def cmd_predict(args) -> int:
    model = load_model(args.model_dir)
    if model.task != "classify":
        raise ConfigError(tr("This model generates text; use 'tinystudio generate' with it."))
    preds = model.predict(args.texts)
    if args.json:
        _emit_json(
            {
                "model_dir": args.model_dir,
                "predictions": [
                    {"text": t, "label": p.label, "confidence": p.confidence, "probabilities": p.probabilities}
                    for t, p in zip(args.texts, preds)
                ],
            }
        )
    else:
        for t, p in zip(args.texts, preds):
            print(f"{p.label}\t{p.confidence:.1%}\t{t}")
    return 0


def cmd_generate(args) -> int:
    model = load_model(args.model_dir)
    if model.task != "generate":
        raise ConfigError(tr("This model classifies text; use 'tinystudio predict' with it."))
    pieces = model.generate(
        args.prompt,
        max_tokens=args.max_tokens,
        temperature=args.temperature,
        top_k=args.top_k,
        top_p=args.top_p,
        seed=args.seed,
    )
    if args.json:
        text = "".join(pieces)
        _emit_json({"model_dir": args.model_dir, "prompt": args.prompt, "text": text})
        return 0
    sys.stdout.write(args.prompt)
    for piece in pieces:  # streamed, as it is generated
        sys.stdout.write(piece)
        sys.stdout.flush()
    sys.stdout.write("\n")
    return 0


def cmd_inspect(args) -> int:
    report = inspect_data(args.data, task=args.task, text_col=_col(args.text_col), label_col=_col(args.label_col),
                          sheet=args.sheet, encoding=args.encoding)
    if args.json:
        _emit_json(report.to_dict())
    else:
        print(f"{report.path}: {report.format.describe()}")
        print(tr("Columns: {columns}").format(columns=', '.join(report.columns)))
        if report.choice.label_column:
            print(tr("Text column: {text_column}; label column: {label_column}").format(
                text_column=report.choice.text_column, label_column=report.choice.label_column))
        else:
            print(tr("Text column: {text_column}").format(text_column=report.choice.text_column))
        for reason in report.choice.reasons:
            print(f"  - {reason}")
        print(tr("Rows read: {rows_read:,}; rows used: {rows_used:,}").format(rows_read=report.rows_read, rows_used=report.rows_used))
        for reason, n in report.dropped.items():
            print("  " + tr("dropped {n:,}: {reason}").format(n=n, reason=reason))
        if report.class_counts:
            print(tr("Labels:"))
            for name, n in report.class_counts.items():
                print(f"  {name:<24} {n:>7,}")
        for prob in report.problems:
            print(f"[{prob.severity}] {prob.message}")
    return 2 if report.fatal else 0


def cmd_demo(args) -> int:
    """Train on the bundled samples, print metrics, answer a sample prompt: all headless."""
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="tinystudio-demo-"))
    control = RunControl()
    install_interrupt(control)
    sample = default_sample("classify")
    if not sample.is_file():
        raise DataError(tr("The bundled sample is missing ({sample}); reinstall TinyStudio.").format(sample=sample))
    print(tr("1. Classify: learning the topic of WordNet definitions from {name}").format(name=sample.name))
    outcome = train_on_file(
        sample,
        TrainConfig(task="classify", max_time=args.max_time / 2),
        out_dir=out / "classify",
        on_event=ProgressPrinter(),
        control=control,
    )
    _print_metrics(outcome.test_metrics, tr("Test split"))
    examples = ["a small furry animal that lives in trees", "a sweet baked food made from flour and sugar"]
    for text, p in zip(examples, outcome.result.model.predict(examples)):
        print(f"  '{text}' -> {p.label} ({p.confidence:.0%})")
    corpus = default_sample("generate")
    print(tr("\n2. Generate: a tiny language model on {name}").format(name=corpus.name))
    outcome = train_on_file(
        corpus,
        TrainConfig(task="generate", max_time=args.max_time / 2),
        out_dir=out / "generate",
        on_event=ProgressPrinter(),
        control=control,
    )
    _print_metrics(outcome.test_metrics, tr("Test split"))
    prompt = "And the LORD said"
    print(f"  {prompt}", end="")
    for piece in outcome.result.model.generate(prompt, max_tokens=160, seed=0):
        print(piece, end="", flush=True)
    print(tr("\n\nModels saved in {out}").format(out=out))
    return 0


def cmd_compress(args) -> int:
    """Compress a model folder and print the measured original and variant side by side."""
    from dataclasses import replace

    from .core.compress import parse_method, run_lab

    steps = []
    for text in args.method:
        step = parse_method(text)
        if step.method in ("prune", "prune-units"):
            step = replace(step, finetune_seconds=args.finetune)
        elif step.method == "distill":
            step = replace(step, seconds=args.distill_time)
        steps.append(step)
    control = RunControl()
    install_interrupt(control)

    def progress(p) -> None:
        if not args.json:
            print(f"[{p.fraction:4.0%}] {p.message}", file=sys.stderr, flush=True)

    result = run_lab(
        args.model_dir, steps, args.out, data_path=args.data, on_progress=progress,
        on_event=None if (args.json or not is_main_process()) else ProgressPrinter(), control=control,
    )
    if args.json:
        out = result.to_dict(with_flips=False)
        out["variant"] = out["variants"][-1]
        _emit_json(out)
        return 0
    print(tr("Measured on the {evaluated_on}; one thread, batch 1 unless noted.").format(evaluated_on=result.evaluated_on))
    _print_lab_table(result)
    for v in result.variants:
        print(f"\n{v.name} ({v.folder}):")
        for note in v.notes:
            print(f"  - {note}")
    return 0


def _print_lab_table(result) -> None:
    base = result.original
    rows = [base, *result.variants]
    q_key = "accuracy" if "accuracy" in base.quality else "bits_per_char"
    print(f"{'variant':<26} {'size':>10} {'ratio':>6} {'p50 ms':>8} {'ratio':>6} {'p95 ms':>8} "
          f"{'batch-32':>12} {q_key:>13} {'changed':>8}")
    for m in rows:
        q = m.quality[q_key]
        q_text = f"{q:.1%}" if q_key == "accuracy" else f"{q:.3f}"
        print(
            f"{m.name[:26]:<26} {m.size_bytes / 1e6:>8.2f}MB {m.size_bytes / base.size_bytes:>6.2f} "
            f"{m.latency_ms_p50:>8.2f} {m.latency_ms_p50 / base.latency_ms_p50:>6.2f} "
            f"{m.latency_ms_p95:>8.2f} {m.throughput:>8.0f} {m.throughput_unit.split('/')[0][:3]}/s "
            f"{q_text:>13} {'' if m.agreement is None else f'{1 - m.agreement:.1%}':>8}"
        )


def cmd_export(args) -> int:
    """Export a model and check it against PyTorch on held-out inputs."""
    from .core.export import export_model

    result = export_model(
        args.model_dir, args.format, args.out,
        on_progress=None if args.json else (lambda m: print(m, file=sys.stderr, flush=True)),
    )
    if args.json:
        _emit_json(result.to_dict())
        return 0
    tol = "" if result.tolerance is None else tr(", largest difference {max_abs_diff:.2g} (allowed {tolerance:g})").format(max_abs_diff=result.max_abs_diff, tolerance=result.tolerance)
    print(
        tr("Exported {format} to {path} ({megabytes:.2f} MB). Checked on {n_checked} held-out inputs: {agreement:.1%} same answers{tol}.").format(format=args.format, path=result.path, megabytes=result.size_bytes / 1e6, n_checked=result.n_checked, agreement=result.agreement, tol=tol)
    )
    print(tr("How to use it: {usage}").format(usage=Path(result.path) / 'USAGE.md'))
    return 0


def cmd_curve(args) -> int:
    """A learning curve: accuracy on --test against labelled examples per class."""
    from dataclasses import replace

    from .core.data import Splits, load_dataset
    from .core.fewlabels import DEFAULT_PER_CLASS, learning_curve

    data = load_dataset(args.data, task="classify", seed=args.seed, sheet=args.sheet, encoding=args.encoding)
    pool = replace(data, splits=Splits(train=tuple(range(len(data.texts))), val=(), test=()))
    choice = data.report.choice
    test = load_with_columns(args.test, "classify", choice.text_column, choice.label_column)
    test_texts = test.texts
    test_labels = [test.label_names[i] for i in test.labels]
    extra: list[str] = []
    if args.unlabelled:
        extra = load_dataset(args.unlabelled, task="generate").texts
    per_class = list(args.per_class) if args.per_class else [*DEFAULT_PER_CLASS, None]
    control = RunControl()
    install_interrupt(control)

    def on_point(p) -> None:
        if not args.json:
            n = "all" if p.per_class is None else p.per_class
            pre = f"{p.pretrained_accuracy:.1%}" if p.pretrained_accuracy is not None else "-"
            print(tr("{n!s:>5} per class ({n_labels:>5} labels): scratch {scratch_accuracy:.1%}  pre-trained {pre}").format(n=n, n_labels=p.n_labels, scratch_accuracy=p.scratch_accuracy, pre=pre), flush=True)
            if p.pretrained_accuracy is not None:
                used = tr("pre-trained") if p.used == "pretrained" else tr("scratch")
                print(tr("      used: {used} (the better start on validation rows)").format(used=used), flush=True)

    if not args.json:
        print(tr("Learning curve on {test} ({n_test_texts} test texts)").format(test=args.test, n_test_texts=len(test_texts)), flush=True)
    result = learning_curve(
        pool,
        test_texts,
        test_labels,
        per_class=per_class,
        extra_texts=extra,
        preset=args.preset,
        max_time=args.max_time,
        epochs=args.epochs,
        pretrain_time=args.pretrain_time,
        pretrain=not args.no_pretrain,
        augment=tuple(args.augment),
        seed=args.seed,
        on_point=on_point,
        control=control,
    )
    if args.json:
        _emit_json(result)
    return 0
