#!/usr/bin/env python3
"""Writes layers.json: PyTorch reference values for the pooling and dense layers.

Run from this directory with a Python that has torch (on Debian: `apt-get install python3-torch`, then
`/usr/bin/python3 make_layers.py`). The output is deterministic for a given torch version: every input comes from
numpy's seeded generator, and the file records the torch version it was made with.

Format: {"format": "layers-reference/1", "torch": version, "maxPool2D": [...], "avgPool2D": [...], "dense": [...]}.

Pooling cases (maxPool2D and avgPool2D):
  name, batch, channels, inHeight, inWidth, size, stride, padding, outHeight, outWidth
  input       N,C,H,W      float32-exact inputs
  outputGrad  N,C,Ho,Wo    float32-exact dLoss/dOutput fed to the backward pass
  output      N,C,Ho,Wo    forward result
  argMax      N,C,Ho,Wo    (max only) index of each maximum within its sample, c*H*W + y*W + x. PyTorch's own indices
                           are within the channel plane (y*W + x); the channel term is added here.
  inputGrad   N,C,H,W      dLoss/dInput
  `stride` is the stride actually used (never 0). Semantics are nn.MaxPool2d / nn.AvgPool2d with ceil_mode=False and,
  for average pooling, count_include_pad=True (padded cells are zeros counted in the size*size divisor). Max-pooling
  inputs are quantised to multiples of 1/4 so that windows hold ties (PyTorch keeps the first maximum in row-major
  window order); one case is all negative, so that padding taken as 0 instead of -inf would win and be caught.

Dense cases:
  name, batch, inputs, outputs
  input N,I; weights O,I (nn.Linear's layout); bias O; outputGrad N,O; output N,O; inputGrad N,I;
  weightGrad O,I and biasGrad O, summed over the batch.

Everything is computed in float64 from the float32-exact inputs and written with 9 significant digits, so a float32
implementation lands within a few float32 roundings of the values (max pooling and its arg-max exactly, since they
copy inputs).
"""

import json

import numpy as np
import torch
import torch.nn.functional as F

RNG = np.random.default_rng(20261122)


def f32(shape, low=-1.0, high=1.0, quantum=None):
    values = RNG.uniform(low, high, size=shape)
    if quantum is not None:
        values = np.round(values / quantum) * quantum
    return values.astype(np.float32)


def numbers(array):
    return [float("%.9g" % v) for v in np.asarray(array, dtype=np.float64).ravel()]


def pool_case(kind, name, batch, channels, height, width, size, stride=0, padding=0, low=-1.0, high=1.0):
    stride_used = stride or size
    quantum = 0.25 if kind == "max" else None
    x = torch.tensor(f32((batch, channels, height, width), low, high, quantum), dtype=torch.float64, requires_grad=True)
    if kind == "max":
        y, indices = F.max_pool2d(x, size, stride_used, padding, return_indices=True)
    else:
        y = F.avg_pool2d(x, size, stride_used, padding, ceil_mode=False, count_include_pad=True)
    g = torch.tensor(f32(tuple(y.shape)), dtype=torch.float64)
    y.backward(g)
    case = {
        "name": name,
        "batch": batch,
        "channels": channels,
        "inHeight": height,
        "inWidth": width,
        "size": size,
        "stride": stride_used,
        "padding": padding,
        "outHeight": y.shape[2],
        "outWidth": y.shape[3],
        "input": numbers(x.detach().numpy()),
        "outputGrad": numbers(g.numpy()),
        "output": numbers(y.detach().numpy()),
    }
    if kind == "max":
        plane = indices.numpy() + (np.arange(channels) * height * width)[None, :, None, None]
        case["argMax"] = [int(i) for i in plane.ravel()]
    case["inputGrad"] = numbers(x.grad.numpy())
    return case


def dense_case(name, batch, inputs, outputs):
    x = torch.tensor(f32((batch, inputs)), dtype=torch.float64, requires_grad=True)
    w = torch.tensor(f32((outputs, inputs)), dtype=torch.float64, requires_grad=True)
    b = torch.tensor(f32((outputs,)), dtype=torch.float64, requires_grad=True)
    y = F.linear(x, w, b)
    g = torch.tensor(f32(tuple(y.shape)), dtype=torch.float64)
    y.backward(g)
    return {
        "name": name,
        "batch": batch,
        "inputs": inputs,
        "outputs": outputs,
        "input": numbers(x.detach().numpy()),
        "weights": numbers(w.detach().numpy()),
        "bias": numbers(b.detach().numpy()),
        "outputGrad": numbers(g.numpy()),
        "output": numbers(y.detach().numpy()),
        "inputGrad": numbers(x.grad.numpy()),
        "weightGrad": numbers(w.grad.numpy()),
        "biasGrad": numbers(b.grad.numpy()),
    }


def main():
    max_pool = [
        pool_case("max", "lenet-pool1", 2, 6, 24, 24, 2),
        pool_case("max", "lenet-pool2", 2, 16, 8, 8, 2),
        pool_case("max", "overlap-k3-s2", 2, 3, 13, 11, 3, stride=2),
        pool_case("max", "overlap-k2-s1", 1, 2, 7, 9, 2, stride=1),
        pool_case("max", "padded-k3-s2-p1-negative", 2, 2, 9, 10, 3, stride=2, padding=1, low=-2.0, high=-0.25),
        pool_case("max", "padded-k4-s3-p2", 3, 1, 20, 19, 4, stride=3, padding=2),
        pool_case("max", "wide-rows-k2", 1, 2, 5, 42, 2),
        pool_case("max", "global-k12", 2, 2, 12, 12, 12),
        pool_case("max", "single-cell", 1, 1, 1, 1, 1),
    ]
    avg_pool = [
        pool_case("avg", "lenet-avg1", 2, 6, 28, 28, 2),
        pool_case("avg", "avg-k3-s2-p1", 2, 3, 11, 9, 3, stride=2, padding=1),
        pool_case("avg", "avg-k3-s1", 1, 2, 8, 10, 3, stride=1),
        pool_case("avg", "avg-k2-s3-gaps", 2, 2, 10, 10, 2, stride=3),
        pool_case("avg", "avg-global-k9", 1, 4, 9, 9, 9),
    ]
    dense = [
        dense_case("lenet-fc1", 3, 256, 120),
        dense_case("lenet-fc2", 3, 120, 84),
        dense_case("lenet-fc3", 3, 84, 10),
        dense_case("narrow-5x3", 2, 5, 3),
        dense_case("tail-13x7", 5, 13, 7),
        dense_case("single-output-8x1", 4, 8, 1),
        dense_case("odd-100x33", 9, 100, 33),
    ]
    document = {
        "format": "layers-reference/1",
        "torch": torch.__version__,
        "maxPool2D": max_pool,
        "avgPool2D": avg_pool,
        "dense": dense,
    }
    with open("layers.json", "w", encoding="utf-8") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
