"""The draw-a-digit page in a real headless Chromium, served by the real server: mouse
strokes of a 1 and a 7 are read right, the page frames a drawing as ``predict`` does,
every served model answers the same drawing side by side, and a 400 from the server is
shown, not waited on."""

import base64
import json
import os
import shutil

import numpy as np
import pytest

from mnist_keras.serving import images as images_lib
from test_serve import start_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Set by .ci/run, which installs Chromium: there a missing browser fails these tests.
REQUIRE_BROWSER = os.environ.get("MNIST_KERAS_REQUIRE_BROWSER") == "1"
if not os.path.exists(CHROMIUM) and not REQUIRE_BROWSER:
    pytest.skip("no Chromium: `sudo apt-get install chromium` (Debian) runs the page's "
                "tests in a real browser", allow_module_level=True)
# Chromium as root in a closed network: no sandbox, nothing fetched in the background.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The page computes in the browser's float64, images.py in float32 (tf.image.resize):
# measured, the two 28x28 images differ by at most 6e-7.
FRAMING_TOLERANCE = 1e-4
ONE = [[(140, 40), (142, 240)]]
SEVEN = [[(70, 60), (215, 60), (130, 245)]]


# The shared stage-5 model under the name the tests draw for, then as four more rungs of
# a ladder (the same model: what is tested is the page showing every model's answer).
LADDER = ["digits", "stage2", "stage5", "stage8", "stage9"]


@pytest.fixture(scope="module")
def url(stage5_run):
    """A server of the shared stage-5 model (an epoch on the 55,000 images)."""
    models = [f"--model={name}={stage5_run['export_root']}/stage5" for name in LADDER]
    proc, base = start_server(models)
    yield base
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, url):
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    page.goto(url + "/")
    page.wait_for_function("document.getElementById('model').options.length > 0")
    yield page
    page.close()


def draw(page, strokes):
    """Mouse strokes on the pad, in its pixels; the page predicts when a stroke ends."""
    box = page.locator("#pad").bounding_box()
    for stroke in strokes:
        (x, y), rest = stroke[0], stroke[1:]
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.mouse.down()
        for x1, y1 in rest:
            page.mouse.move(box["x"] + x1, box["y"] + y1, steps=25)
        page.mouse.up()


def predicted(page, strokes):
    """(the digit shown, the 28x28 instance the page sent)."""
    with page.expect_request("**/v1/models/digits:predict") as request:
        draw(page, strokes)
    page.wait_for_function("document.getElementById('status').textContent"
                           ".startsWith('digits: ')", timeout=30000)
    instance = json.loads(request.value.post_data)["instances"][0]
    return page.locator("#digit").text_content(), np.array(instance, np.float32)


@pytest.mark.parametrize("strokes, digit", [(ONE, "1"), (SEVEN, "7")], ids=["1", "7"])
def test_a_drawn_digit_is_read(page, strokes, digit):
    shown, instance = predicted(page, strokes)
    assert shown == digit
    assert len(page.locator("#bars .bar").all()) == 10
    assert instance.shape == (28, 28) and 0.9 < instance.max() <= 1.0


def test_the_page_frames_a_drawing_as_predict_does(page, tmp_path):
    _, instance = predicted(page, SEVEN)
    data_url = page.evaluate("document.getElementById('pad').toDataURL('image/png')")
    (tmp_path / "drawing.png").write_bytes(base64.b64decode(data_url.split(",", 1)[1]))
    ours = images_lib.to_mnist(images_lib.read_image(str(tmp_path / "drawing.png")))
    assert np.abs(ours - instance).max() <= FRAMING_TOLERANCE


def test_a_400_is_shown_not_waited_on(page):
    page.route("**/*:predict", lambda route: route.continue_(post_data="{not json"))
    draw(page, ONE)
    page.wait_for_function("document.getElementById('status').className === 'error'",
                           timeout=15000)
    assert page.locator("#status").text_content().startswith("error: JSON Parse error")


def test_every_model_reads_the_same_drawing_side_by_side(page):
    page.select_option("#model", label="every model, side by side")
    with page.expect_request("**/v1/models/stage9:predict"):
        draw(page, SEVEN)
    page.wait_for_function("document.querySelectorAll('#ladder .rung').length === 5",
                           timeout=30000)
    rungs = page.locator("#ladder .rung")
    assert [rungs.nth(i).get_attribute("data-model") for i in range(5)] == LADDER
    assert [rungs.nth(i).locator(".answer").text_content() for i in range(5)] == ["7"] * 5
    assert all(len(rungs.nth(i).locator(".bar").all()) == 10 for i in range(5))
    assert page.locator("#status").text_content() == ", ".join(f"{m}: 7" for m in LADDER)
