#!/usr/bin/env python3
"""Plots and a Markdown report for the demo's training variants.

usage: demo_report.py OUT_DIR NAME=metrics.csv [NAME=metrics.csv ...]
         [--rewrite-report NAME=report.txt ...] [--title TEXT]

Each CSV has the columns the executables' `train --log` writes:
epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,images_per_s.
Writes OUT_DIR/loss.png, OUT_DIR/accuracy.png (all variants on shared axes,
train dashed, validation solid; drawn by gnuplot) and OUT_DIR/report.md.
"""
import argparse
import csv
import os
import subprocess
import sys

COLUMNS = ["epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy",
           "seconds", "images_per_s"]


def read_metrics(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        sys.exit(f"demo_report: {path}: {e.strerror}")
    if not rows:
        sys.exit(f"demo_report: {path}: no epochs logged")
    missing = [c for c in COLUMNS if c not in rows[0]]
    if missing:
        sys.exit(f"demo_report: {path}: missing columns {', '.join(missing)}")
    try:
        return [{k: float(r[k]) for k in COLUMNS} for r in rows]
    except ValueError as e:
        sys.exit(f"demo_report: {path}: {e}")


def plot(out_dir, variants, metric, ylabel):
    png = os.path.join(out_dir, f"{metric}.png")
    lines = []
    for i, (name, path) in enumerate(variants):
        col_train = COLUMNS.index(f"train_{metric}") + 1
        col_val = COLUMNS.index(f"val_{metric}") + 1
        lines.append(f"'{path}' using 1:{col_train} with linespoints dt 2 lc {i + 1} "
                     f"title '{name} (train)'")
        lines.append(f"'{path}' using 1:{col_val} with linespoints dt 1 lc {i + 1} "
                     f"title '{name} (validation)'")
    script = f"""
set terminal pngcairo size 900,560 font ',11'
set output '{png}'
set datafile separator ','
set key outside right
set grid
set xtics 1
set xlabel 'epoch'
set ylabel '{ylabel}'
set title '{ylabel} per epoch'
plot {', '.join(lines)}
"""
    # The first CSV line is the header.
    script = script.replace("using", "skip 1 using")
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return png


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("variants", nargs="+", help="NAME=metrics.csv")
    p.add_argument("--rewrite-report", action="append", default=[],
                   help="NAME=report.txt")
    p.add_argument("--title", default="netrewrite demo")
    p.add_argument("--command", default="", help="the command that produced the run")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    variants = []
    for v in a.variants:
        name, sep, path = v.partition("=")
        if not sep:
            sys.exit(f"demo_report: '{v}': expected NAME=metrics.csv")
        variants.append((name, path))
    metrics = {name: read_metrics(path) for name, path in variants}
    plot(a.out, variants, "loss", "loss")
    plot(a.out, variants, "accuracy", "accuracy")

    md = [f"# {a.title}", ""]
    if a.command:
        md += ["Command:", "", "```", a.command, "```", ""]
    md += ["| variant | epochs | train acc | val acc | overfitting gap | val loss | s/epoch | img/s |",
           "|---|---|---|---|---|---|---|---|"]
    for name, rows in metrics.items():
        last = rows[-1]
        gap = last["train_accuracy"] - last["val_accuracy"]
        sec = sum(r["seconds"] for r in rows) / len(rows)
        md.append(f"| {name} | {len(rows)} | {last['train_accuracy']:.4f} | "
                  f"{last['val_accuracy']:.4f} | {gap:+.4f} | {last['val_loss']:.4f} | "
                  f"{sec:.1f} | {last['images_per_s']:.1f} |")
    md += ["", "Overfitting gap = final train accuracy - final validation accuracy.", "",
           "![loss](loss.png)", "", "![accuracy](accuracy.png)", ""]
    for r in a.rewrite_report:
        name, _, path = r.partition("=")
        md += [f"## Rewrite report: {name}", "", "```", open(path).read().rstrip(), "```", ""]
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write("\n".join(md))
    print(f"wrote {a.out}/report.md, loss.png, accuracy.png")


if __name__ == "__main__":
    main()
