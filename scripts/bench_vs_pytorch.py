#!/usr/bin/env python3
"""The harness (mvn digits:bench) against the seed's PyTorch recipe at its best, side by side on this machine.

Run from the repository root after `mvn -B install -DskipTests`:

    python3 scripts/bench_vs_pytorch.py --repeats 3 --batches 1000 mlp-baseline mlp-128-leakyrelu multi-digit-mlp
    python3 scripts/bench_vs_pytorch.py --repeats 3 --batches 400 --warmup-seconds 60 cnn multi-digit-cnn

The anchor is PyTorch as fast as it runs here, never a handicapped one:
- Debian's python3-torch links the system libblas.so.3. Unless an optimised BLAS is installed that is the netlib
  reference BLAS, and every nn.Linear then runs several times slower than PyTorch's users see. The script finds
  the BLAS torch really loads (/proc/self/maps) and refuses to compare against the reference one:
  `apt-get install libopenblas0-pthread` switches the libblas.so.3 alternative to OpenBLAS.
- pip and conda wheels (which bring MKL, PyTorch's usual CPU BLAS on x86) cannot be installed on this project's
  machines: only Debian's packages can. On an Intel CPU MKL's sgemm is often faster than OpenBLAS's at these
  sizes, so a figure against Debian's torch + OpenBLAS is an anchor for PyTorch as Debian ships it; a user of a
  pip wheel may see a faster PyTorch. Convolutions run on oneDNN in both builds.
- torch.set_num_threads() does not reach OpenBLAS's own thread pool, so every combination of torch (OpenMP) threads
  and OpenBLAS threads from 1 to the number of cores is tried, and the fastest is kept, for training and for test
  evaluation separately. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which some machines here set to keep old OpenBLAS
  builds safe, are removed for the PyTorch process (they would pin an older kernel); the kernel OpenBLAS picked is
  printed.
- Both sides get the same warm-up (at least --warmup batches and --warmup-seconds seconds), the same number of
  timed batches, taken from the same place in the shuffled training set, and one untimed pass over the test set
  before five timed ones, whose median counts. PyTorch's step is the recipe's own (`run_epoch`: forward,
  cross-entropy, the accuracy read back with .item(), backward, SGD step). Its test set is timed at the recipe's
  batch size, at 500 images and at the whole test set in one batch (the harness takes up to 16,384 images at
  once where they fit in 64 MiB of activations, 500 for the CNNs), and the fastest counts.
- Runs alternate (harness, then every PyTorch configuration, repeat), so drift on a noisy machine hits both alike;
  medians are reported.

It prints the machine (CPU model and vector extensions), torch's version, BLAS and kernel, the harness's backend
and threads, every PyTorch configuration's medians, and one Markdown row per experiment; --json FILE writes it all.
"""
import argparse
import ctypes
import datetime
import itertools
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_RECIPE = os.path.join(ROOT, "..", "shared", "reference", "pytorch_seed_recipes.py")
ALL = ["mlp-baseline", "mlp-128-leakyrelu", "cnn", "multi-digit-mlp", "multi-digit-cnn"]
VECTOR_FLAGS = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
                "amx_tile"]
EVAL_CHUNK = 500  # the harness's smallest evaluation chunk (DirectStep.inferenceBatch, Evaluation.CHUNK)
TEST_PASSES = 5  # timed passes over the test set on each side (digits.bench.Benchmark.TEST_PASSES)


def machine():
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                info.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    flags = info.get("flags", "").split()
    # virtual machines often report a bare "AMD EPYC": family and model say which generation it is
    model = "%s (family %s, model %s)" % (info.get("model name", "unknown"), info.get("cpu family", "?"),
                                          info.get("model", "?"))
    return dict(cpu=model, vector=[f for f in VECTOR_FLAGS if f in flags], cores=os.cpu_count(),
                openblas_env={k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ})


# ---------------------------------------------------------------- the PyTorch side (runs under a Python with torch)

def loaded_blas():
    """The BLAS libraries mapped into this process, and OpenBLAS's own report where it is one of them."""
    paths = []
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            name = os.path.basename(path).lower()
            if path.startswith("/") and ("blas" in name or "mkl" in name or "blis" in name) and path not in paths:
                paths.append(path)
    info = dict(paths=[os.path.realpath(p) for p in paths], kind="none found")
    for p in paths:
        real = os.path.realpath(p)
        if "mkl" in real:
            info["kind"] = "MKL"
        elif "blis" in real:
            info["kind"] = "BLIS"
        elif "openblas" in real:
            info["kind"] = "OpenBLAS"
            try:
                lib = ctypes.CDLL(p)
                lib.openblas_get_corename.restype = ctypes.c_char_p
                lib.openblas_get_config.restype = ctypes.c_char_p
                info["openblas_core"] = lib.openblas_get_corename().decode()
                info["openblas_config"] = lib.openblas_get_config().decode()
                info["_lib"] = lib
            except (OSError, AttributeError):
                pass
        elif info["kind"] == "none found" and "/blas/" in real:
            info["kind"] = "reference (netlib)"
    return info


def torch_capability(torch):
    """The CPU kernel torch dispatches to (its "CPU capability usage": AVX2, AVX512, NO AVX)."""
    return next((l.split(":", 1)[1].strip() for l in torch.__config__.show().splitlines()
                 if "CPU capability usage" in l), None)


def torch_worker(args):
    import importlib.util
    import numpy as np
    import torch

    spec = importlib.util.spec_from_file_location("recipe", args.recipe)
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)

    torch.set_num_threads(args.torch_threads)
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # loads the BLAS
    blas = loaded_blas()
    lib = blas.pop("_lib", None)
    if lib is not None:
        lib.openblas_set_num_threads(args.blas_threads)
        blas["openblas_threads"] = lib.openblas_get_num_threads()

    # The recipe's data preparation (its main() does this inline): the same images, split and shuffle.
    np.random.seed(12321)
    torch.manual_seed(12321)
    train_x = recipe.read_images(f"{args.data}/train-images-idx3-ubyte")
    train_y = recipe.read_labels(f"{args.data}/train-labels-idx1-ubyte")
    test_x = recipe.read_images(f"{args.data}/t10k-images-idx3-ubyte")
    test_y = recipe.read_labels(f"{args.data}/t10k-labels-idx1-ubyte")
    heads = 2 if args.torch_worker.startswith("multi-digit") else 1
    if heads == 2:
        rng = np.random.default_rng(12321)
        train_x, train_y = recipe.two_digit_images(train_x, train_y, 40000, rng)
        test_x, test_y = recipe.two_digit_images(test_x, test_y, 4000, rng)
    train_x = (train_x.astype(np.float32) / 255)[:, None]
    test_x = (test_x.astype(np.float32) / 255)[:, None]
    split = int(9 * len(train_x) / 10)
    train_x, train_y = train_x[:split], train_y[:split]
    order = np.random.permutation(len(train_x))
    train_x, train_y = train_x[order], train_y[order]

    model, sgd, batch_size = recipe.build(args.torch_worker)
    optimizer = torch.optim.SGD(model.parameters(), **sgd)
    train_b = recipe.batches(train_x, train_y, batch_size)
    model.train()
    step = 0
    warm_end = time.perf_counter() + args.warmup_seconds
    while step < args.warmup or time.perf_counter() < warm_end:
        recipe.run_epoch(model, [train_b[step % len(train_b)]], optimizer, heads)
        step += 1
    warmed = step
    timed = [train_b[(step + i) % len(train_b)] for i in range(args.batches)]
    start = time.perf_counter()
    recipe.run_epoch(model, timed, optimizer, heads)
    train_seconds = time.perf_counter() - start

    model.eval()
    test = {}
    with torch.no_grad():
        for size in (batch_size, EVAL_CHUNK, len(test_x)):
            test_b = recipe.batches(test_x, test_y, size)
            recipe.run_epoch(model, test_b, None, heads)  # untimed, as the harness's first evaluation
            passes = []
            for _ in range(TEST_PASSES):  # the median of five, as digits:bench takes
                start = time.perf_counter()
                recipe.run_epoch(model, test_b, None, heads)
                passes.append(time.perf_counter() - start)
            test[str(size)] = statistics.median(passes)
    print(json.dumps(dict(torch=torch.__version__, capability=torch_capability(torch), blas=blas, torch_threads=torch.get_num_threads(),
                          blas_threads=args.blas_threads, batch_size=batch_size, warmup_batches=warmed,
                          batches=args.batches, train_seconds=train_seconds,
                          train_images_per_s=args.batches * batch_size / train_seconds,
                          test_images=len(test_x), test_seconds=test)))


# ---------------------------------------------------------------- the driver

def dl4j(args, experiment):
    cmd = ["mvn", "-q", "-B", "digits:bench", "-Dexperiment=" + experiment, "-Ddigits.bench.batches=%d" % args.batches,
           "-Ddigits.bench.warmup=%d" % args.warmup, "-Ddigits.bench.warmupSeconds=%g" % args.warmup_seconds]
    if args.dl4j_threads:
        cmd.append("-Ddigits.threads=%d" % args.dl4j_threads)
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(ROOT, "reports", "bench", experiment, "latest", "bench.json")) as f:
        return json.load(f)


def pytorch(args, experiment, torch_threads, blas_threads):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env.update(OMP_NUM_THREADS=str(torch_threads), OPENBLAS_NUM_THREADS=str(blas_threads))
    out = subprocess.run([args.python, os.path.abspath(__file__), "--torch-worker", experiment,
                          "--torch-threads", str(torch_threads), "--blas-threads", str(blas_threads),
                          "--data", args.data, "--recipe", args.recipe, "--batches", str(args.batches),
                          "--warmup", str(args.warmup), "--warmup-seconds", str(args.warmup_seconds)],
                         check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def check_blas(r):
    kind = r["blas"]["kind"]
    if kind in ("OpenBLAS", "MKL", "BLIS"):
        return
    sys.exit("PyTorch here runs on %s BLAS (%s): a comparison against it would flatter the harness several times "
             "over. Install OpenBLAS, which switches the libblas.so.3 alternative:\n"
             "    apt-get install libopenblas0-pthread\n"
             "(check with: update-alternatives --display libblas.so.3-x86_64-linux-gnu)"
             % (kind, ", ".join(r["blas"]["paths"]) or "no BLAS library mapped"))


def add_recipe_arguments(ap):
    """--python, --recipe, --data: where the recipe, a torch to run it and MNIST are (shared with parity_vs_pytorch)."""
    ap.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable,
                    help="a Python that has torch (default: Debian's /usr/bin/python3)")
    ap.add_argument("--recipe", default=DEFAULT_RECIPE, help="pytorch_seed_recipes.py")
    ap.add_argument("--data", default=os.path.join(ROOT, "data", "mnist"), help="the four raw MNIST files")


def parse_recipe_arguments(ap):
    args = ap.parse_args()
    args.recipe = os.path.abspath(args.recipe)
    args.data = os.path.abspath(args.data)
    return args


def check_recipe_arguments(args):
    if not os.path.isfile(args.recipe):
        sys.exit("no PyTorch recipe at %s; pass --recipe" % args.recipe)
    for name in ("train-images-idx3-ubyte", "t10k-images-idx3-ubyte"):
        if not os.path.isfile(os.path.join(args.data, name)):
            sys.exit("no %s in %s: run `mvn digits:fetch-data` first, or pass --data" % (name, args.data))


def write_json(path, value):
    """Written to a temporary name, then renamed: never half a file."""
    with open(path + ".tmp", "w") as f:
        json.dump(value, f, indent=1)
    os.replace(path + ".tmp", path)


def fmt(x, digits=0):
    return format(round(x, digits) if digits else round(x), ",")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("experiments", nargs="*", default=ALL)
    ap.add_argument("--repeats", type=int, default=3, help="runs of each side and configuration (default 3)")
    ap.add_argument("--batches", type=int, default=200, help="training batches timed on each side (default 200)")
    ap.add_argument("--warmup", type=int, default=20, help="untimed training batches first, at least (default 20)")
    ap.add_argument("--warmup-seconds", type=float, default=10,
                    help="untimed seconds of training first, at least (default 10; the CNNs' Java loops need about "
                         "60 to reach full speed)")
    ap.add_argument("--threads", help="thread counts to try for PyTorch, comma-separated (default: 1 to the number "
                                      "of cores, for torch's threads and OpenBLAS's alike)")
    ap.add_argument("--dl4j-threads", type=int, help="-Ddigits.threads for the harness (default: its own, one)")
    add_recipe_arguments(ap)
    ap.add_argument("--json", help="also write every measurement to this file")
    # worker mode (the script runs itself under the torch Python)
    ap.add_argument("--torch-worker", help=argparse.SUPPRESS)
    ap.add_argument("--torch-threads", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--blas-threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parse_recipe_arguments(ap)
    if args.torch_worker:
        torch_worker(args)
        return
    check_recipe_arguments(args)
    counts = [int(t) for t in args.threads.split(",")] if args.threads else list(range(1, os.cpu_count() + 1))
    configs = list(itertools.product(counts, counts))  # (torch threads, OpenBLAS threads)

    host = machine()
    print("Machine: %s, %d cores, %s%s" % (host["cpu"], host["cores"], " ".join(host["vector"]),
                                            "; environment " + str(host["openblas_env"]) if host["openblas_env"] else ""))
    print("Timed: %d training batches after at least %d batches and %g s of warm-up, each side; median of %d runs"
          % (args.batches, args.warmup, args.warmup_seconds, args.repeats), flush=True)
    results = dict(date=datetime.datetime.now().isoformat(timespec="seconds"), machine=host, batches=args.batches,
                   warmup=args.warmup, warmup_seconds=args.warmup_seconds, repeats=args.repeats, experiments={})
    rows = []
    for experiment in args.experiments:
        d, p = [], {c: [] for c in configs}
        for _ in range(args.repeats):  # interleaved, so drift on a noisy machine hits both alike
            d.append(dl4j(args, experiment))
            for c in configs:
                r = pytorch(args, experiment, *c)
                check_blas(r)
                p[c].append(r)
        first = p[configs[0]][0]
        if experiment == args.experiments[0]:
            env = d[0]["environment"]
            print("PyTorch %s (CPU capability %s), BLAS: %s %s%s" % (
                first["torch"], first["capability"], first["blas"]["kind"], first["blas"].get("openblas_core", ""),
                " (" + first["blas"]["paths"][0] + ")" if first["blas"]["paths"] else ""))
            print("Harness: %s backend, nd4j-native%s, %s BLAS, %s ND4J/OpenMP threads, %s layer threads" % (
                env.get("backend"), env.get("nativeVariant") or "", env.get("blas"), env.get("ompThreads"),
                env.get("layerThreads")), flush=True)
        per_config = {}
        for c in configs:
            per_config["%d/%d" % c] = dict(
                train_images_per_s=statistics.median(r["train_images_per_s"] for r in p[c]),
                test_seconds={k: statistics.median(r["test_seconds"][k] for r in p[c]) for k in first["test_seconds"]})
        best_train = max(per_config, key=lambda k: per_config[k]["train_images_per_s"])
        best_test = min(((k, size) for k in per_config for size in first["test_seconds"]),
                        key=lambda ks: per_config[ks[0]]["test_seconds"][ks[1]])
        d_train = statistics.median(r["trainImagesPerSecond"] for r in d)
        d_test = statistics.median(r["testSeconds"] for r in d)
        p_train = per_config[best_train]["train_images_per_s"]
        p_test = per_config[best_test[0]]["test_seconds"][best_test[1]]
        rss = max(r.get("peakResidentBytes") or 0 for r in d) >> 20
        print("%s, PyTorch by threads (torch/OpenBLAS): %s" % (experiment, "; ".join(
            "%s %s img/s, test %s s" % (k, fmt(v["train_images_per_s"]), "/".join(
                "%.3g" % v["test_seconds"][s] for s in v["test_seconds"])) for k, v in per_config.items())),
              flush=True)
        rows.append("| %s | %s | %s (%s) | %.2f | %.3g | %.3g (%s, batch %s) | %.2f | %s |" % (
            experiment, fmt(d_train), fmt(p_train), best_train, d_train / p_train, d_test, p_test, best_test[0],
            best_test[1], p_test / d_test, fmt(rss)))
        results["experiments"][experiment] = dict(
            harness=d, harness_train_images_per_s=d_train, harness_test_seconds=d_test,
            pytorch={"%d/%d" % c: p[c] for c in configs}, pytorch_medians=per_config,
            pytorch_best_train=best_train, pytorch_best_test=list(best_test), train_ratio=d_train / p_train,
            test_ratio=p_test / d_test)
    print()
    print("| spec | harness train img/s | PyTorch train img/s (threads torch/BLAS) | ratio | harness test s "
          "| PyTorch test s (threads, batch) | test ratio | harness peak RSS MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(row)
    print("(ratio: harness / PyTorch images/s; test ratio: PyTorch seconds / harness seconds; above 1 the harness "
          "is faster)")
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
