"""TensorFlow Serving's REST API (``api_rest.md``), on Starlette, and the drawing page.

  GET  /v1/models/NAME[/versions/N]              model_version_status
  GET  /v1/models/NAME[/versions/N]/metadata     the signature_def of every signature
  POST /v1/models/NAME[/versions/N]:predict      instances (row) or inputs (columnar)
  GET  /                                         the draw-a-digit page
  GET  /v1/models                                the served names (for the page; not TF
                                                 Serving's)

Errors are ``{"error": "..."}`` with TF Serving's codes: 400 for a bad argument or a
malformed request (a GET on ``:predict`` too), 404 for an unknown model, version or
route. A request that fails never takes the server down: it gets its error, and the
next request is served.
"""

from __future__ import annotations

import importlib.resources
import json

import orjson

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from mnist_keras.errors import InputError
from mnist_keras.serving import predict_request
from mnist_keras.serving.model_store import ModelStore, NotFound
from mnist_keras.serving.predict_request import BadRequest

PAGE = "index.html"  # in the package's page/ folder


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def parse_json(body: bytes):
    """A request body's JSON: orjson (a 1.6 MB batch of 100 images in a few ms, where
    Python's ``json`` takes tens), and Python's ``json`` for what orjson refuses but TF
    Serving's JSON accepts (``NaN`` and ``Infinity`` tokens), which the input check then
    answers."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as e:
        raise BadRequest(f"JSON Parse error: {e}") from None


def _json(content: dict) -> Response:
    """A 200 answer, NumPy arrays written by orjson as they are."""
    return Response(orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY),
                    media_type="application/json")


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused once it passes ``limit`` bytes (however it is sent)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadRequest(f"the request body is over the server's limit of {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadRequest(f"the request body is over the server's limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _version(request: Request) -> int | None:
    version = request.path_params.get("version")
    return None if version is None else int(version)


class Handlers:
    """The endpoints over one :class:`ModelStore`, with the server's limits."""

    def __init__(self, store: ModelStore, max_body_bytes: int, max_batch: int):
        self.store, self.max_body_bytes, self.max_batch = store, max_body_bytes, max_batch
        self.page = importlib.resources.files("mnist_keras.serving").joinpath(
            "page", PAGE).read_text()

    async def status(self, request: Request):
        return JSONResponse(self.store.status(request.path_params["name"], _version(request)))

    async def metadata(self, request: Request):
        return JSONResponse(self.store.metadata(request.path_params["name"],
                                                _version(request)))

    async def predict(self, request: Request):
        if request.method != "POST":
            raise BadRequest("use POST for :predict (with 'instances' or 'inputs')")
        servable = self.store.get(request.path_params["name"], _version(request))
        payload = parse_json(await _body(request, self.max_body_bytes))
        return _json(await run_in_threadpool(predict_request.answer, servable, payload,
                                             self.max_batch))

    async def models(self, request: Request):
        return JSONResponse({"models": self.store.names()})

    async def index(self, request: Request):
        return HTMLResponse(self.page)


def create_app(store: ModelStore, *, max_body_bytes: int, max_batch: int,
               allow_origin: str | None = None) -> Starlette:
    """The REST API over ``store``'s models, with the page at ``/``.

    Args:
      max_body_bytes: a request body over this is refused (400).
      max_batch: a request of more instances is refused (400).
      allow_origin: the one origin CORS lets in; None: CORS off.
    """
    h = Handlers(store, max_body_bytes, max_batch)
    model = "/v1/models/{name}"
    version = model + "/versions/{version:int}"
    routes = [Route(model + ":predict", h.predict, methods=["GET", "POST"]),
              Route(version + ":predict", h.predict, methods=["GET", "POST"]),
              Route(model + "/metadata", h.metadata), Route(version + "/metadata", h.metadata),
              Route(version, h.status), Route(model, h.status),
              Route("/v1/models", h.models), Route("/", h.index)]
    middleware = [] if allow_origin is None else [Middleware(
        CORSMiddleware, allow_origins=[allow_origin], allow_methods=["GET", "POST"],
        allow_headers=["content-type"])]
    return Starlette(routes=routes, middleware=middleware, exception_handlers={
        NotFound: lambda request, e: _error(str(e), 404),
        InputError: lambda request, e: _error(str(e), 400),
        HTTPException: lambda request, e: _error(e.detail, e.status_code),
        Exception: lambda request, e: _error(f"internal error: {type(e).__name__}: {e}",
                                             500)})
