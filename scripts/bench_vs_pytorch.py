#!/usr/bin/env python3
"""DL4J (mvn digits:bench) and the seed's PyTorch recipe, in turn on this machine, several times each.

Prints one Markdown row per experiment: median training images/s of each, their ratio (DL4J / PyTorch),
median test-evaluation time of each, and DL4J's peak resident memory. Run from the repository root after
`mvn -B install -DskipTests`; PyTorch comes from Debian's python3-torch.

    python3 scripts/bench_vs_pytorch.py --repeats 3 --batches 200 cnn mlp-baseline
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_RECIPE = os.path.join(ROOT, "..", "shared", "reference", "pytorch_seed_recipes.py")
ALL = ["mlp-baseline", "mlp-128-leakyrelu", "cnn", "multi-digit-mlp", "multi-digit-cnn"]


def dl4j(experiment, batches, warmup, warmup_seconds, threads):
    cmd = ["mvn", "-q", "-B", "digits:bench", "-Dexperiment=" + experiment, "-Ddigits.bench.batches=%d" % batches,
           "-Ddigits.bench.warmup=%d" % warmup, "-Ddigits.bench.warmupSeconds=%d" % warmup_seconds]
    if threads:
        cmd.append("-Ddigits.threads=%d" % threads)
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(ROOT, "reports", "bench", experiment, "latest", "bench.json")) as f:
        return json.load(f)


def pytorch(python, recipe, experiment, batches, threads):
    out = subprocess.run([python, recipe, "--data", os.path.join(ROOT, "data", "mnist"),
                          "--experiment", experiment, "--epochs", "1", "--max-batches", str(batches),
                          "--threads", str(threads)], check=True, capture_output=True, text=True).stdout
    lines = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    epoch = next(l for l in lines if "train_images_per_s" in l)
    test = next(l for l in lines if "test_seconds" in l)
    return epoch["train_images_per_s"], test["test_seconds"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("experiments", nargs="*", default=ALL)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batches", type=int, default=200, help="training batches timed (default 200)")
    ap.add_argument("--warmup", type=int, default=20, help="DL4J batches run before timing (default 20)")
    ap.add_argument("--warmup-seconds", type=int, default=10,
                    help="DL4J seconds run before timing, at least (default 10; the CNNs' Java loops need about 60 "
                         "to reach full speed)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="PyTorch threads (default: all cores)")
    ap.add_argument("--dl4j-threads", type=int, help="-Ddigits.threads for DL4J (default: ND4J's own)")
    ap.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable,
                    help="a Python that has torch (default: Debian's /usr/bin/python3)")
    ap.add_argument("--recipe", default=DEFAULT_RECIPE, help="pytorch_seed_recipes.py")
    args = ap.parse_args()
    if not os.path.isfile(args.recipe):
        sys.exit("no PyTorch recipe at %s; pass --recipe" % args.recipe)

    print("DL4J threads: %s; PyTorch threads: %d; %d batches timed, median of %d runs each" % (
        args.dl4j_threads or "harness default (one thread)", args.threads, args.batches, args.repeats))
    print("| experiment | DL4J train img/s | PyTorch train img/s | ratio | DL4J test s | PyTorch test s "
          "| test ratio | DL4J peak RSS MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for experiment in args.experiments:
        d, p = [], []
        for _ in range(args.repeats):  # interleaved, so drift on a noisy machine hits both alike
            d.append(dl4j(experiment, args.batches, args.warmup, args.warmup_seconds, args.dl4j_threads))
            p.append(pytorch(args.python, args.recipe, experiment, args.batches, args.threads))
        d_train = statistics.median(r["trainImagesPerSecond"] for r in d)
        d_test = statistics.median(r["testSeconds"] for r in d)
        p_train = statistics.median(r[0] for r in p)
        p_test = statistics.median(r[1] for r in p)
        rss = max(r.get("peakResidentBytes") or 0 for r in d) >> 20
        print("| %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %s |" % (
            experiment, format(round(d_train), ","), format(round(p_train), ","), d_train / p_train, d_test, p_test,
            p_test / d_test, format(rss, ",")), flush=True)


if __name__ == "__main__":
    main()
