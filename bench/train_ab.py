#!/usr/bin/python3
"""Back-to-back comparison of training executables of the same model.

  /usr/bin/python3 bench/train_ab.py THREADS ROUNDS NAME=EXE [NAME=EXE ...]

Runs each EXE (a `netrewrite-compile --train --optimizer=rmsprop` executable,
e.g. DIR/model.train as bench/train_bench.py --out DIR writes it) in turn,
ROUNDS times, exactly as bench/train_bench.py runs ours (two epochs of 10
batches of 32 Fashion-MNIST images, RMSProp, lr 1e-4, seed 1), and prints
per run and as medians: images/s of the second (warm) epoch, the CPU time
of the whole run (user + system, both epochs and start-up: on a machine
shared with other jobs the robust figure) and both epochs' mean losses
(equal losses: the same computation).
"""
import os, resource, statistics, subprocess, sys, tempfile

if len(sys.argv) < 4:
    sys.exit(__doc__)
threads, rounds = int(sys.argv[1]), int(sys.argv[2])
exes = [a.split("=", 1) for a in sys.argv[3:]]
results = {name: [] for name, _ in exes}
for r in range(rounds):
    for name, exe in exes:
        d = tempfile.mkdtemp(prefix="train-ab-")
        log = os.path.join(d, "log.csv")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([exe, "train", "--data=/usr/share/datasets/fashion-mnist",
                        "--limit=320", "--epochs=2", "--batch=32", "--optimizer=rmsprop",
                        "--lr=1e-4", "--seed=1", "--threads=%d" % threads, "--log=" + log,
                        "--checkpoint=" + os.path.join(d, "ab.ckpt")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rows = [line.strip().split(",") for line in open(log)][1:]
        ips, losses = float(rows[-1][-1]), [row[1] for row in rows]
        results[name].append((ips, cpu))
        print("round %d %-10s %6.1f img/s %7.2f CPU s  losses %s" % (
            r, name, ips, cpu, ", ".join(losses)), flush=True)
for name, runs in results.items():
    print("%-10s median %6.1f img/s %7.2f CPU s" % (
        name, statistics.median(x[0] for x in runs), statistics.median(x[1] for x in runs)))
