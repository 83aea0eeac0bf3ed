#!/usr/bin/env python3
"""SHA-256 of the seed-sized two-digit MNIST as the PyTorch recipe draws it, written in the harness's IDX layout.

These are the values MultiDigitMnistTest pins. Run with the Python that has the recipe's numpy and torch
(Debian's /usr/bin/python3 with python3-torch):

    /usr/bin/python3 scripts/two_digit_sha256.py --data data/mnist \
        --recipe ../shared/reference/pytorch_seed_recipes.py

The arrays come from the recipe's own two_digit_images(), with numpy's default_rng(12321): 40,000 images from
MNIST's training set, then 4,000 from its test set. Images: magic 0x00000803, count, 42, 28, then the pixels;
labels: magic 0x00000802, count, 2, then (top, bottom) per image.
"""
import argparse
import hashlib
import importlib.util
import struct

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="folder of the four raw MNIST IDX files")
    ap.add_argument("--recipe", required=True, help="path of pytorch_seed_recipes.py")
    args = ap.parse_args()
    spec = importlib.util.spec_from_file_location("recipe", args.recipe)
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)

    rng = np.random.default_rng(12321)
    for part, count in (("train", 40000), ("t10k", 4000)):
        x, y = recipe.two_digit_images(recipe.read_images(f"{args.data}/{part}-images-idx3-ubyte"),
                                       recipe.read_labels(f"{args.data}/{part}-labels-idx1-ubyte"), count, rng)
        images = struct.pack(">IIII", 0x803, count, 42, 28) + x.astype(np.uint8).tobytes()
        labels = struct.pack(">III", 0x802, count, 2) + y.astype(np.uint8).tobytes()
        print(f"{part}-images-idx3-ubyte {hashlib.sha256(images).hexdigest()}")
        print(f"{part}-labels-idx2-ubyte {hashlib.sha256(labels).hexdigest()}")


if __name__ == "__main__":
    main()
