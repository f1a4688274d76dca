"""The playground picture (`train --animate`): each unit's heat-map is that unit's activation over
the plane (numpy, written here, with the frame's weights), edges grow with |w| and show its sign
by colour and dash, the GIF has the frames promised and ends on the trained network, the page
plays offline in headless Chromium, and refusals come before any training. The README's playground
command runs with the README's other training commands (``test_training``), which checks its GIF and page."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from click.testing import CliRunner

from gradviz.cli import cli
from gradviz.errors import GradvizError
from gradviz.networks.playground import FRAME_SIZE, NEGATIVE, POSITIVE, check_playground
from gradviz.nn import XOR_DATA, fit, param_name, playground, quadrants, write_playground
from tools import browser

ACTIVATIONS = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}


def forward(layers, values, activation, x1, x2) -> dict[str, np.ndarray]:
    """Every unit's value at (x1, x2) with weights ``values``, by the unit's name, in numpy."""
    g = ACTIVATIONS[activation]
    out, previous = {}, [x1, x2]
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    for layer in range(1, len(layers)):
        last = layer == len(layers) - 1
        current = []
        for j in range(1, layers[layer] + 1):
            z = values[param_name("b", layer, j)] + sum(values[param_name("w", layer, j, i)] * h
                                                         for i, h in enumerate(previous, start=1))
            h = 1 / (1 + np.exp(-z)) if last else g(z)  # a bce network's output is a sigmoid
            out[("ŷ" if last else f"h{str(layer).translate(sup)}") + str(j).translate(sub)] = h
            current.append(h)
        previous = current
    return out


@pytest.fixture(scope="module")
def small():
    """A 2-3-2-1 tanh network trained briefly on the quadrants, and its picture in five frames."""
    done = fit((2, 3, 2, 1), quadrants(), activation="tanh", lr=0.5, steps=60)
    return done, playground(done, 5, heading="test")


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_each_heat_map_is_its_units_activation_over_the_plane(activation) -> None:
    done = fit((2, 3, 2, 1), quadrants(), activation=activation, lr=0.3, steps=30)
    pg = playground(done, 3)
    X, Y = pg.unit_plane
    for k, frame in enumerate(pg.frames):
        expected = forward((2, 3, 2, 1), frame.values, activation, X, Y)
        assert set(expected) | {"x₁", "x₂"} == set(frame.units)
        for name, array in expected.items():
            np.testing.assert_allclose(frame.units[name], array, rtol=1e-9, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(frame.output, forward((2, 3, 2, 1), frame.values, activation, *pg.plane)["ŷ₁"],
                                   rtol=1e-9, atol=1e-12)
    # and the figure shows exactly those arrays in the units' squares
    images = {im.get_gid(): im for im in pg.figure(2).axes[0].images}
    for name in ("h¹₃", "h²₂", "ŷ₁"):
        np.testing.assert_allclose(np.asarray(images[f"unit:{name}"].get_array()), pg.frames[2].units[name])
    assert [f.step for f in pg.frames] == [0, 15, 30]
    assert pg.frames[0].values == done.run.history[0].values and pg.frames[-1].values == done.run.final


@pytest.mark.slow
def test_edges_grow_with_the_weight_and_show_its_sign(small) -> None:
    from matplotlib.colors import to_hex

    _, pg = small
    for k in (0, len(pg.frames) - 1):
        values = pg.frames[k].values
        edges = [line for line in pg.figure(k).axes[0].lines if str(line.get_gid()).startswith("edge:")]
        assert len(edges) == 2 * 3 + 3 * 2 + 2 * 1
        weights = [values[line.get_gid()[5:]] for line in edges]
        order = np.argsort(np.abs(weights))
        widths = [edges[i].get_linewidth() for i in order]
        assert all(a <= b for a, b in zip(widths, widths[1:])) and widths[0] < widths[-1]
        for line, w in zip(edges, weights):
            assert to_hex(line.get_color()) == (POSITIVE if w > 0 else NEGATIVE).lower()
            dashed = line.get_linestyle() not in ("-", "solid")
            assert dashed == (w < 0)  # told apart in greyscale too
    assert any(v < 0 for v in weights) and any(v > 0 for v in weights)


@pytest.mark.slow
def test_a_frame_is_a_slide_with_text_readable_when_projected(small) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    _, pg = small
    fig = pg.figure(len(pg.frames) - 1)
    assert tuple(round(v * fig.dpi) for v in fig.get_size_inches()) == FRAME_SIZE == (1600, 900)
    canvas = FigureCanvasAgg(fig)  # as savefig draws it
    canvas.draw()  # lays out the tick labels
    ticks = [label for ax in fig.axes if ax.axison for label in ax.get_xticklabels() + ax.get_yticklabels()]
    texts = [t for t in fig.findobj(Text) + ticks if t.get_visible() and t.get_text().strip()]
    assert len(texts) > 25 and any(t.get_text() == "0.5" for t in texts)
    for text in texts:  # points → pixels of the frame → pixels on a 1920 × 1080 projector
        assert text.get_fontsize() * fig.dpi / 72 * 1920 / 1600 >= 18, text.get_text()
    renderer = canvas.get_renderer()
    for text in texts:  # nothing runs off the slide
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= 1600 and box.y1 <= 900, text.get_text()


@pytest.mark.slow
def test_the_gif_has_the_frames_promised_and_ends_on_the_trained_network(tmp_path) -> None:
    from PIL import Image

    done = fit((2, 4, 1), XOR_DATA, steps=400)
    pg = playground(done, 6)
    written = write_playground(pg, tmp_path)
    assert [p.name for p in written] == ["training.gif", "training.html"]
    gif = Image.open(tmp_path / "training.gif")
    assert gif.n_frames == 6 == len(pg.frames)
    last = pg.frames[-1]
    xs = np.array([p[0][0] for p in XOR_DATA])
    ys = np.array([p[0][1] for p in XOR_DATA])
    trained = forward((2, 4, 1), done.run.final, "tanh", xs, ys)["ŷ₁"]
    np.testing.assert_allclose(last.predictions, trained, rtol=1e-9)
    assert pg.right(len(pg.frames) - 1) == 4 and all((trained > 0.5) == [t > 0.5 for _, t in XOR_DATA])
    X, Y = pg.plane
    for (x, y), target in XOR_DATA:  # the boundary's colour at each point is its class
        row, col = np.abs(Y[:, 0] - y).argmin(), np.abs(X[0] - x).argmin()
        assert (last.output[row, col] > 0.5) == (target > 0.5)
    # the GIF's last frame is that frame's figure (and not the first one's)
    pictures = []
    for k in (0, len(pg.frames) - 1):
        buffer = io.BytesIO()
        pg.figure(k).savefig(buffer, format="png", dpi=100)
        pictures.append(np.asarray(Image.open(buffer).convert("RGB").resize(gif.size), dtype=float))
    gif.seek(gif.n_frames - 1)
    frame = np.asarray(gif.convert("RGB"), dtype=float)
    assert np.abs(frame - pictures[1]).mean() < 3 < np.abs(frame - pictures[0]).mean()


@pytest.mark.slow
def test_the_page_plays_offline_in_chromium(tmp_path) -> None:
    done = fit((2, 4, 1), XOR_DATA, steps=200)
    pg = playground(done, 4, heading="2-4-1 on xor")
    write_playground(pg, tmp_path)
    page = (tmp_path / "training.html").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=\"(https?:)?//", page) and "<link" not in page
    with browser() as driver:
        driver.get((tmp_path / "training.html").as_uri())
        read = "var f = document.getElementById('frame'); return [f.naturalWidth, " \
               "document.getElementById('counter').textContent + ': ' + f.alt, f.src.length, " \
               "document.getElementById('slider').value]"
        width, counter, first_src, _ = driver.execute_script(read)
        fits = "return document.documentElement.scrollHeight <= window.innerHeight"  # the slide and controls in view
        assert driver.execute_script(fits)
        assert width == 1600 and counter.startswith("Frame 1 of 4: step 0 of 200")
        driver.execute_script("var s = document.getElementById('slider'); s.value = 2;"
                              "s.dispatchEvent(new Event('input'))")
        width, counter, src, value = driver.execute_script(read)
        assert width == 1600 and counter.startswith("Frame 3 of 4") and value == "2" and src != first_src
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        assert driver.execute_script(read)[1].startswith("Frame 4 of 4: step 200 of 200")
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
        assert driver.execute_script(read)[3] == "2"
        driver.find_element(By.ID, "play").click()  # from frame 3, playing reaches the last and stops
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(driver, 15).until(lambda d: "Play" in d.find_element(By.ID, "play").text)  # two ticks here;
        assert driver.execute_script(read)[3] == "3"  # polled, as a loaded machine may delay the page's timer
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors


def test_refusals_come_first_with_advice(tmp_path) -> None:
    for layers, frames, message in [((3, 4, 1), 10, "two input features"), ((2, 4, 2), 10, "one output"),
                                    ((2, 9, 1), 10, "at most 8 units"), ((2, 4, 4, 4, 4, 4, 1), 10, "4 hidden layers"),
                                    ((2, 8, 8, 8, 8, 1), 60, "--animate-frames 26"),
                                    ((2, 8, 8, 1), 60, "--animate-frames 41"), ((2, 4, 1), 61, "2 to 60 frames")]:
        with pytest.raises(GradvizError, match=message):
            check_playground(layers, frames)
    result = CliRunner().invoke(cli, ["train", "3-4-1", "--data", "xor", "--animate", "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and "two input features" in result.output and "Traceback" not in result.output
    grid = CliRunner().invoke(cli, ["train", "2-4-1", "--grid", "hidden=2,16", "--animate", "-o", str(tmp_path / "o")])
    assert grid.exit_code == 1 and "at most 8 units" in grid.output
    alone = CliRunner().invoke(cli, ["train", "2-4-1", "--animate-frames", "8", "-o", str(tmp_path / "o")])
    assert alone.exit_code == 2 and "--animate-frames goes with --animate" in alone.output
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_with_early_stopping_the_last_frame_is_the_kept_step() -> None:
    done = fit((2, 6, 1), quadrants(), val=0.25, steps=1500)
    run = done.run
    assert run.best_step is not None and run.final != run.history[-1].values
    pg = playground(done, 3)
    assert [(f.step, f.kept) for f in pg.frames] == [(0, False), (run.history[-1].step, False), (run.best_step, True)]
    assert pg.frames[-1].values == run.final and len(pg.hollow) == 6 and len(pg.points) == 18
    assert pg.title(2).startswith(f"kept: step {run.best_step} (lowest validation loss)")
    xs, ys = (np.array([p[0][i] for p in done.train]) for i in (0, 1))
    right = sum((p > 0.5) == (t > 0.5) for p, (_, t) in zip(forward((2, 6, 1), run.final, "tanh", xs, ys)["ŷ₁"],
                                                               done.train))
    assert pg.title(2).endswith(f"{right} of 18 points right")
