"""The models a server serves: each a base path of numbered versions, the highest loaded.

As TensorFlow Serving does with its default version policy, a model serves its highest
version and a poller loads a newer one when its folder appears; an export renames a
version into place whole (``exporter``), so a half-written one is never seen. Only
SavedModels under the configured base paths are ever loaded: no request names a file.
"""

from __future__ import annotations

import dataclasses
import os
import threading

import tensorflow as tf
from google.protobuf import json_format
from tensorflow.core.protobuf import saved_model_pb2

from mnist_keras.errors import InputError

DEFAULT_SIGNATURE = "serving_default"
SAVED_MODEL_FILE = "saved_model.pb"


class NotFound(InputError):
    """No such model, version or route: HTTP 404, in TensorFlow Serving's words."""


@dataclasses.dataclass(frozen=True)
class Servable:
    """One loaded version of a model."""

    name: str
    version: int
    signatures: dict  # signature name -> concrete function
    signature_defs: dict  # signature name -> SignatureDef (the protocol buffer)
    loaded: object  # keeps the SavedModel's variables alive


def versions(base_path: str) -> list[int]:
    """The complete versions under ``base_path``: integer folders with a SavedModel."""
    try:
        names = os.listdir(base_path)
    except OSError:
        return []
    return sorted(int(n) for n in names if n.isdigit()
                  and os.path.isfile(os.path.join(base_path, n, SAVED_MODEL_FILE)))


def signature_defs(version_dir: str) -> dict:
    """The SignatureDefs of a SavedModel, by name (not the internal ``__saved_model_*``)."""
    saved = saved_model_pb2.SavedModel()
    with open(os.path.join(version_dir, SAVED_MODEL_FILE), "rb") as f:
        saved.ParseFromString(f.read())
    defs = saved.meta_graphs[0].signature_def
    return {name: defs[name] for name in sorted(defs) if not name.startswith("__")}


def as_json(message) -> dict:
    """A protocol buffer as TF Serving's REST API writes it."""
    return json_format.MessageToDict(message, preserving_proto_field_name=True,
                                     always_print_fields_with_no_presence=True)


def load(name: str, base_path: str, version: int) -> Servable:
    """Loads one version of a model."""
    version_dir = os.path.join(base_path, str(version))
    loaded = tf.saved_model.load(version_dir)
    return Servable(name, version, dict(loaded.signatures), signature_defs(version_dir),
                    loaded)


class ModelStore:
    """The served models, each at its highest version, refreshed by :meth:`poll`."""

    def __init__(self, base_paths: dict[str, str]):
        self.base_paths = dict(base_paths)
        self._servables: dict[str, Servable] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def poll(self) -> None:
        """Loads every model's highest version if it is newer than the one served."""
        for name, base_path in self.base_paths.items():
            found = versions(base_path)
            current = self._servables.get(name)
            if found and (current is None or found[-1] > current.version):
                servable = load(name, base_path, found[-1])
                with self._lock:
                    self._servables[name] = servable

    def start_polling(self, seconds: float) -> threading.Thread:
        """Polls every ``seconds`` in a daemon thread (TF Serving's
        ``--file_system_poll_wait_seconds``)."""
        def loop():
            while not self._stop.wait(seconds):
                self.poll()

        thread = threading.Thread(target=loop, name="model-poller", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

    def names(self) -> list[str]:
        """The served models in the order they were configured (a ladder's, say)."""
        return list(self.base_paths)

    def get(self, name: str, version: int | None = None) -> Servable:
        """The servable for a request; TF Serving's 404 message when there is none."""
        with self._lock:
            servable = self._servables.get(name)
        if servable is None or (version is not None and version != servable.version):
            wanted = f"Latest({name})" if version is None else f"Specific({name}, {version})"
            raise NotFound(f"Servable not found for request: {wanted}")
        return servable

    def status(self, name: str, version: int | None = None) -> dict:
        """TF Serving's ``GetModelStatusResponse`` as JSON."""
        servable = self.get(name, version)
        return {"model_version_status": [{
            "version": str(servable.version), "state": "AVAILABLE",
            "status": {"error_code": "OK", "error_message": ""}}]}

    def metadata(self, name: str, version: int | None = None) -> dict:
        """TF Serving's ``GetModelMetadataResponse`` as JSON."""
        servable = self.get(name, version)
        return {"model_spec": {"name": name, "signature_name": "",
                               "version": str(servable.version)},
                "metadata": {"signature_def": {"signature_def": {
                    name: as_json(d) for name, d in servable.signature_defs.items()}}}}

