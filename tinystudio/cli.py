"""The ``tinystudio`` command: the same core as the app, for scripts and headless machines.

Exit codes: 0 ok, 2 bad input (a plain message, no traceback), 1 internal error,
130 stopped by the user (Ctrl+C; the best model so far is still saved).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback

from tinystudio.i18n import tr, tr_noop

from . import __version__

# Beside a GUI event loop torch's default of one busy-waiting OpenMP thread per core slows
# training many times over (shared/PLATFORM.md); passive waiting costs nothing here.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tinystudio",
        description=tr("Train, test and shrink tiny text models on your own CSV file. "
        "Run without a command to open the app."),
    )
    p.add_argument("--version", action="version", version=f"TinyStudio {__version__}")
    p.add_argument(
        "--lang", metavar="LANG",
        help=tr("interface language, e.g. zh_CN or en (default: the saved choice, else the system's)"),
    )
    p.add_argument(
        "--selftest",
        action="store_true",
        help=tr("headless check that this installation works: train, shrink and export a tiny "
        "model on the bundled sample, print one line of JSON, exit 0 if all went well"),
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    t = sub.add_parser("train", help=tr("train a model on a CSV or .txt file"))
    t.add_argument("data", help=tr("CSV file or workbook (or .txt for --task generate)"))
    t.add_argument("--task", choices=["classify", "generate"], default="classify")
    t.add_argument("--text-col", help=tr("name or 0-based number of the text column"))
    t.add_argument("--label-col", help=tr("name or 0-based number of the label column"))
    _data_options(t)
    t.add_argument("--model", choices=["fasttext", "transformer", "lstm"], help=tr("model kind"))
    t.add_argument("--preset", choices=["tiny", "small", "base"], help=tr("model size (default: base for fastText, small for the other classifiers, tiny to generate)"))
    t.add_argument("--epochs", type=int, help=tr("passes over the training data"))
    t.add_argument("--max-time", type=float, help=tr("time budget in seconds"))
    t.add_argument("--lr", type=float, help=tr("peak learning rate"))
    t.add_argument("--batch-size", type=int)
    t.add_argument("--tokenizer", choices=["char", "bpe"])
    t.add_argument("--vocab-size", type=int)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--device", default="auto", help=tr("auto, cpu, cuda or mps"))
    t.add_argument("--compile", choices=["auto", "on", "off"], default="auto", help=tr("torch.compile the Transformer language model (auto: on a CUDA card, when the run is long enough to pay; it does not on a CPU)"))
    t.add_argument("--resume", action="store_true", help=tr("continue from the checkpoint in --out"))
    t.add_argument("--init-from", help=tr("start from the weights of this model folder"))
    t.add_argument("--freeze-body", action="store_true", help=tr("with --init-from: train only the output layer"))
    t.add_argument("--augment", nargs="+", default=[], choices=["word_dropout", "word_swap", "char_noise", "subword"], help="classify: make varied copies of training texts")
    t.add_argument(
        "--checkpoint-every", type=float, default=60.0, help=tr("seconds between checkpoints (0: none)")
    )
    t.add_argument("--out", required=True, help=tr("model folder to write"))
    t.add_argument("--json", action="store_true", help=tr("print one JSON object on stdout"))

    e = sub.add_parser("eval", help=tr("score a model on a data file"))
    e.add_argument("model_dir")
    e.add_argument("data")
    _data_options(e)
    e.add_argument("--json", action="store_true")

    pr = sub.add_parser("predict", help=tr("label texts with a classify model"))
    pr.add_argument("model_dir")
    pr.add_argument("texts", nargs="+", metavar="TEXT")
    pr.add_argument("--json", action="store_true")

    g = sub.add_parser("generate", help=tr("continue a prompt with a generate model"))
    g.add_argument("model_dir")
    g.add_argument("--prompt", required=True)
    g.add_argument("--max-tokens", type=int, default=200)
    g.add_argument("--temperature", type=float, default=0.8)
    g.add_argument("--top-k", type=int)
    g.add_argument("--top-p", type=float)
    g.add_argument("--seed", type=int)
    g.add_argument("--json", action="store_true")

    i = sub.add_parser("inspect", help=tr("check a data file and show what TinyStudio sees in it"))
    i.add_argument("data")
    i.add_argument("--task", choices=["classify", "generate"], default="classify")
    i.add_argument("--text-col")
    i.add_argument("--label-col")
    _data_options(i)
    i.add_argument("--json", action="store_true")

    c = sub.add_parser(
        "curve", help=tr("accuracy against the number of labels, with and without pre-training")
    )
    c.add_argument("data", help=tr("CSV with labelled (and optionally unlabelled) rows"))
    c.add_argument("--test", required=True, help=tr("labelled CSV to score on"))
    _data_options(c)
    c.add_argument("--per-class", type=int, nargs="+", help=tr("labelled examples per class (default 10 20 50 100 200 and all)"))
    c.add_argument("--max-time", type=float, help=tr("time cap per training run (seconds)"))
    c.add_argument("--epochs", type=int, default=40, help=tr("epochs per training run"))
    c.add_argument("--pretrain-time", type=float, default=120.0, help=tr("pre-training budget (seconds)"))
    c.add_argument("--no-pretrain", action="store_true", help=tr("only train from scratch"))
    c.add_argument("--unlabelled", help=tr("a .txt or CSV of extra text for pre-training"))
    c.add_argument("--preset", choices=["tiny", "small", "base"], default="small")
    c.add_argument("--augment", nargs="+", choices=["word_dropout", "word_swap", "char_noise", "subword"], default=[])
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--json", action="store_true")

    d = sub.add_parser("demo", help=tr("headless demo: train on the bundled sample and try it"))
    d.add_argument("--max-time", type=float, default=60.0)
    d.add_argument("--out", help=tr("where to keep the demo model (default: a temporary folder)"))

    c = sub.add_parser("compress", help=tr("make a smaller/faster variant of a model and measure both"))
    c.add_argument("model_dir")
    c.add_argument(
        "--method", action="append", required=True, metavar="METHOD",
        help=tr("int8 | fp16 | bf16 | prune:SPARSITY | prune-units:FRACTION | distill:PRESET "
        "(repeat to stack: prune -> distill -> fp16/bf16 -> int8)"),
    )
    c.add_argument("--data", help=tr("data to measure on (default: the model's training file)"))
    c.add_argument("--out", required=True, help=tr("folder for the variant model folder(s)"))
    c.add_argument("--finetune", type=float, default=0.0, help=tr("seconds of fine-tuning after pruning"))
    c.add_argument("--distill-time", type=float, default=60.0, help=tr("seconds to train a distilled student"))
    c.add_argument("--json", action="store_true", help=tr("print one JSON object on stdout"))

    ln = sub.add_parser("label-next", help=tr("the rows whose labels would teach a model most (rows without a label)"))
    ln.add_argument("data", help=tr("CSV with a text column; rows with an empty label (or no label column) are candidates"))
    ln.add_argument("--n", type=int, default=10, help=tr("how many rows (default 10)"))
    ln.add_argument("--mode", choices=["smart", "order", "random"], default="smart", help=tr("smart: least sure and varied (default); order: file order; random"))
    ln.add_argument("--text-col")
    ln.add_argument("--label-col")
    ln.add_argument("--seed", type=int, default=0)
    ln.add_argument("--json", action="store_true")
    _data_options(ln)

    cl = sub.add_parser("check-labels", help=tr("labels a model trained without them strongly disagrees with"))
    cl.add_argument("data", help=tr("CSV with texts and labels"))
    cl.add_argument("--text-col")
    cl.add_argument("--label-col")
    cl.add_argument("--seed", type=int, default=0)
    cl.add_argument("--json", action="store_true")
    _data_options(cl)

    x = sub.add_parser("export", help=tr("export a model (ONNX or safetensors), verified against PyTorch"))
    x.add_argument("model_dir")
    x.add_argument("--format", required=True, choices=["onnx", "onnx-int8", "safetensors", "safetensors-fp16"])
    x.add_argument("--out", required=True, help=tr("folder to create for the export"))
    x.add_argument("--json", action="store_true")
    return p


def _data_options(parser: argparse.ArgumentParser) -> None:
    """Where the data is read from, for the commands that read a data file."""
    parser.add_argument(
        "--sheet", metavar="NAME|INDEX",
        help=tr("for a workbook (.xlsx, .xlsm, .xls, .ods): the sheet to read, by name or "
                "0-based number (default: the first sheet with data)"),
    )  # fmt: skip
    parser.add_argument(
        "--encoding", metavar="CODEC",
        help=tr("the text encoding of a CSV/TXT file, e.g. gb18030, cp932, cp1251 (default: "
                "detected)"),
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    from . import i18n

    lang = _lang_arg(sys.argv[1:] if argv is None else argv)
    if lang:
        i18n.force_language(lang)
    i18n.setup_cli_language()  # before the parser, so that its help is translated too
    _translate_argparse()
    args = build_parser().parse_args(argv)
    if args.selftest:
        from .selftest import run_selftest

        return run_selftest()
    if args.command is None:
        from .launch import launch_gui

        return launch_gui()
    from .core.errors import TinyStudioError

    try:
        if args.command in ("label-next", "check-labels"):
            from . import label_commands as commands
        else:
            from . import commands
        return getattr(commands, f"cmd_{args.command.replace('-', '_')}")(args)
    except TinyStudioError as exc:
        _print_error(exc.message, getattr(args, "json", False), exc.code or type(exc).__name__)
        return exc.exit_code
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        _print_error(tr("Stopped."), getattr(args, "json", False), "interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        _print_error(
            tr("Internal error: {name}: {exc}. This is a bug in TinyStudio; please report it with the details below.").format(name=type(exc).__name__, exc=exc),
            getattr(args, "json", False),
            "internal_error",
        )
        traceback.print_exc(file=sys.stderr)
        return 1


# argparse's own words ("usage:", "error:", ...), which it looks up with gettext at run time.
ARGPARSE_WORDS = (
    tr_noop("usage: "), tr_noop("options"), tr_noop("positional arguments"),
    tr_noop("show this help message and exit"), tr_noop("%(prog)s: error: %(message)s\n"),
    tr_noop("the following arguments are required: %s"), tr_noop("unrecognized arguments: %s"),
    tr_noop("invalid choice: %(value)r (choose from %(choices)s)"),
    tr_noop("argument %(argument_name)s: %(message)s"), tr_noop("expected one argument"),
    tr_noop("invalid %(type)s value: %(value)r"),
    tr_noop("ambiguous option: %(option)s could match %(matches)s"),
)


def _translate_argparse() -> None:
    argparse._ = tr  # argparse calls its module-level gettext alias `_` when it formats


def _lang_arg(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _print_error(message: str, as_json: bool, code: str) -> None:
    if as_json:
        print(json.dumps({"error": message, "code": code}))
    print(f"tinystudio: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
