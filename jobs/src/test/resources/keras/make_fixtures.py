#!/usr/bin/env python3
"""Writes the Keras- and NumPy-format fixtures that jobs' tests read. Keras itself cannot be installed here, so
this reproduces Keras' on-disk layouts with h5py and numpy (Debian: python3-h5py, python3-numpy), following
Keras' sources:

  * keras/src/legacy/saving/legacy_h5_format.py (Keras 2 / tf.keras hdf5_format.py): save_weights_to_hdf5_group
    writes root attrs layer_names, backend, keras_version (utf8 bytes); one group per layer (created in name
    order) with attr weight_names; each weight a dataset named after its weight name *inside* that group, so
    'conv1d/kernel:0' lands at /conv1d/conv1d/kernel:0. model.save('x.h5') puts the same under /model_weights
    next to root attrs model_config, keras_version, backend.
  * keras/src/saving/saving_lib.py (Keras 3): H5IOStore / H5Entry make a 'vars' group per saveable path; a
    Sequential's layers sit under 'layers/<snake_case class name>[_<n>]/vars' with datasets '0', '1', ... (kernel,
    bias); the model's own (empty) 'vars' group is at the root. A .keras file is a zip of metadata.json,
    config.json and model.weights.h5.

Run from this directory: /usr/bin/python3 make_fixtures.py  (writes into . and ../npy). The outputs are committed;
the tests do not run this script.
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
NPY = os.path.join(HERE, "..", "npy")


def kernel(k, c, f, scale=0.1, offset=-1.0, dtype=np.float32):
    # value at [t, ci, fi] = offset + scale * (t*c*f + ci*f + fi): easy to check from Java
    return (offset + scale * np.arange(k * c * f, dtype=np.float64)).reshape(k, c, f).astype(dtype)


def bias(f, dtype=np.float32):
    return (0.5 - 0.25 * np.arange(f, dtype=np.float64)).astype(dtype)


K_A, B_A = kernel(3, 2, 4), bias(4)                              # conv1d: (3, 2, 4) + bias
K_B = kernel(2, 4, 3, scale=0.05, offset=0.25, dtype=np.float64)  # conv1d_1: (2, 4, 3) float64, no bias
D_K, D_B = np.ones((3, 5), np.float32), np.zeros((5,), np.float32)  # dense: 2-D kernel, not a conv1d


def legacy_weights(f, layers):
    """legacy_h5_format.save_weights_to_hdf5_group: layers = [(name, [(weight_name, value)])]."""
    f.attrs["layer_names"] = [name.encode("utf8") for name, _ in layers]
    f.attrs["backend"] = "tensorflow".encode("utf8")
    f.attrs["keras_version"] = "2.15.0".encode("utf8")
    for name, weights in sorted(layers, key=lambda x: x[0]):
        g = f.create_group(name)
        g.attrs["weight_names"] = [w.encode("utf8") for w, _ in weights]
        for w, val in weights:
            d = g.create_dataset(w, val.shape, dtype=val.dtype)
            d[:] = val


LEGACY_LAYERS = [
    ("conv1d", [("conv1d/kernel:0", K_A), ("conv1d/bias:0", B_A)]),
    ("conv1d_1", [("conv1d_1/kernel:0", K_B)]),
    ("dense", [("dense/kernel:0", D_K), ("dense/bias:0", D_B)]),
]


def keras3_store(f, layers):
    """saving_lib.H5IOStore for a Sequential: root vars, then layers/<path>/vars/<i>."""
    f.create_group("vars")
    for path, values in layers:
        g = f.create_group("layers/" + path).create_group("vars")
        for i, v in enumerate(values):
            g[str(i)] = v


def conv_config(name, filters, k, padding, activation, use_bias, dilation=1, strides=1):
    return {
        "module": "keras.layers", "class_name": "Conv1D", "registered_name": None,
        "config": {
            "name": name, "trainable": True,
            "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                      "registered_name": None},
            "filters": filters, "kernel_size": [k], "strides": [strides], "padding": padding,
            "data_format": "channels_last", "dilation_rate": [dilation], "groups": 1, "activation": activation,
            "use_bias": use_bias,
            "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                   "config": {"seed": None}, "registered_name": None},
            "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                                 "registered_name": None},
            "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
            "kernel_constraint": None, "bias_constraint": None,
        },
    }


def main():
    os.makedirs(NPY, exist_ok=True)

    # Keras 2 / tf.keras model.save_weights("keras2_weights.h5")
    with h5py.File(os.path.join(HERE, "keras2_weights.h5"), "w") as f:
        legacy_weights(f, LEGACY_LAYERS)

    # Keras 2 model.save("keras2_model.h5"): weights under /model_weights
    with h5py.File(os.path.join(HERE, "keras2_model.h5"), "w") as f:
        f.attrs["keras_version"] = "2.15.0".encode("utf8")
        f.attrs["backend"] = "tensorflow".encode("utf8")
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"name": "sequential",
            "layers": [conv_config("conv1d", 4, 3, "valid", "linear", True)]}}).encode("utf8")
        legacy_weights(f.create_group("model_weights"), LEGACY_LAYERS[:1])

    # Keras 3 model.save_weights("keras3.weights.h5")
    with h5py.File(os.path.join(HERE, "keras3.weights.h5"), "w") as f:
        keras3_store(f, [("conv1d", [K_A, B_A]), ("conv1d_1", [K_B]), ("dense", [D_K, D_B])])

    # Keras 3 model.save("keras3_model.keras"): layers named 'encoder' and 'head', stored as conv1d, conv1d_1
    config = {
        "module": "keras", "class_name": "Sequential", "registered_name": None,
        "config": {"name": "sequential", "trainable": True, "layers": [
            {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
             "config": {"batch_shape": [None, None, 2], "dtype": "float32", "sparse": False, "name": "input_layer"}},
            conv_config("encoder", 4, 3, "same", "relu", True),
            conv_config("head", 3, 2, "causal", "linear", False, dilation=2),
        ], "build_input_shape": [None, None, 2]},
        "build_config": {"input_shape": [None, None, 2]},
    }
    weights = io.BytesIO()
    with h5py.File(weights, "w") as f:
        keras3_store(f, [("conv1d", [K_A, B_A]), ("conv1d_1", [K_B])])
    with zipfile.ZipFile(os.path.join(HERE, "keras3_model.keras"), "w") as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.6.0", "date_saved": "2026-11-25@12:00:00"}))
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("model.weights.h5", weights.getvalue())

    # NumPy: what np.save / np.savez / np.savez_compressed write
    np.save(os.path.join(NPY, "kernel.npy"), K_A)
    np.save(os.path.join(NPY, "kernel_bias.npy"), B_A)
    np.save(os.path.join(NPY, "kernel_f64_big_endian.npy"), K_A.astype(">f8"))
    with open(os.path.join(NPY, "kernel_v2.npy"), "wb") as fh:
        np.lib.format.write_array(fh, K_A, version=(2, 0))
    np.savez(os.path.join(NPY, "weights.npz"), kernel=K_A, bias=B_A)
    np.savez_compressed(os.path.join(NPY, "weights_compressed.npz"), w=K_B)
    np.save(os.path.join(NPY, "scalar.npy"), np.float32(2.5))
    np.save(os.path.join(NPY, "int32.npy"), np.arange(6, dtype=np.int32))
    np.save(os.path.join(NPY, "fortran.npy"), np.asfortranarray(np.ones((2, 3), np.float32)))


if __name__ == "__main__":
    main()
