#!/usr/bin/env python3
"""Makes the Fashion-MNIST subset shipped in this folder from the full data set.

The first TRAIN_COUNT training and TEST_COUNT test examples are copied, in their original order, into IDX files of
the same format (ubyte images of rank 3, ubyte labels of rank 1) with the counts in the headers cut to match, each
gzip-compressed at level 9 with a zero timestamp and no stored file name, so running the script again on the same
input gives byte-identical files.

Usage: python3 make-subset.py [SOURCE_FOLDER] [OUTPUT_FOLDER]
  SOURCE_FOLDER  folder holding the four standard .gz files; default /usr/share/datasets/fashion-mnist, where
                 Debian's dataset-fashion-mnist package installs them (apt-get install dataset-fashion-mnist)
  OUTPUT_FOLDER  default: the folder this script is in

Standard library only (gzip, struct). Prints the sizes and class counts that README.md quotes.
"""

import gzip
import os
import struct
import sys

TRAIN_COUNT = 6000
TEST_COUNT = 1000
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

IMAGES_MAGIC = 0x00000803  # type code 0x08 (unsigned byte), rank 3: count, rows, columns
LABELS_MAGIC = 0x00000801  # type code 0x08 (unsigned byte), rank 1: count


def read_idx(path, expected_magic):
    """Returns (dimensions, data bytes) of a gzip-compressed IDX file, checking the magic and the length."""
    with gzip.open(path, "rb") as stream:
        content = stream.read()
    magic, = struct.unpack(">I", content[:4])
    if magic != expected_magic:
        sys.exit(f"{path}: magic number 0x{magic:08X}, expected 0x{expected_magic:08X}")
    rank = magic & 0xFF
    dimensions = list(struct.unpack(f">{rank}I", content[4:4 + 4 * rank]))
    data = content[4 + 4 * rank:]
    expected_length = 1
    for dimension in dimensions:
        expected_length *= dimension
    if len(data) != expected_length:
        sys.exit(f"{path}: {len(data)} data bytes, expected {expected_length} for dimensions {dimensions}")
    return dimensions, data


def write_idx(path, magic, dimensions, data):
    header = struct.pack(f">I{len(dimensions)}I", magic, *dimensions)
    with open(path, "wb") as output:
        # GzipFile rather than gzip.compress so that no file name is stored in the header either.
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=output, mtime=0) as stream:
            stream.write(header + data)


def make_split(source, output, prefix, count):
    images_name = f"{prefix}-images-idx3-ubyte.gz"
    labels_name = f"{prefix}-labels-idx1-ubyte.gz"
    (total, rows, columns), images = read_idx(os.path.join(source, images_name), IMAGES_MAGIC)
    (label_total,), labels = read_idx(os.path.join(source, labels_name), LABELS_MAGIC)
    if label_total != total:
        sys.exit(f"{source}: {total} {prefix} images but {label_total} labels")
    if count > total:
        sys.exit(f"{source}: asked for {count} {prefix} examples, the file has {total}")

    image_length = rows * columns
    write_idx(os.path.join(output, images_name), IMAGES_MAGIC, [count, rows, columns], images[:count * image_length])
    write_idx(os.path.join(output, labels_name), LABELS_MAGIC, [count], labels[:count])

    class_counts = [0] * len(CLASS_NAMES)
    for label in labels[:count]:
        class_counts[label] += 1
    print(f"{prefix}: {count} of {total} examples, {rows}x{columns}")
    for name in (images_name, labels_name):
        print(f"  {name}: {os.path.getsize(os.path.join(output, name)):,} bytes")
    for label, (name, class_count) in enumerate(zip(CLASS_NAMES, class_counts)):
        print(f"  {label} {name:<12} {class_count:>5}")


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    make_split(source, output, "train", TRAIN_COUNT)
    make_split(source, output, "t10k", TEST_COUNT)


if __name__ == "__main__":
    main()
