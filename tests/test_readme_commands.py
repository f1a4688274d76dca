"""The README's shell examples typed into a real shell: the Quickstart's main job and every
``gradviz …`` line of the bash blocks outside the training section (``test_training`` runs those),
each with the installed ``gradviz`` command on PATH, as a reader who activated the venv has it.
A --help or gallery example that is the same command writing elsewhere has its claims checked here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def bash_blocks(text: str) -> list[str]:
    """The bash blocks' commands, a backslash-continued line joined to the next."""
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    return [line.strip() for block in blocks for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def readme_examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    before_training = text.split("\n## Training", 1)[0]
    commands = []
    for line in bash_blocks(before_training):
        if ".venv/bin/gradviz " in line:  # the Quickstart: its gradviz part, the venv made by the suite's own run
            commands.append("gradviz " + line.split(".venv/bin/gradviz ", 1)[1])
        elif line.startswith("gradviz "):
            commands.append(line.split("  #")[0])
    return list(dict.fromkeys(commands))  # a command the README shows twice (the Quickstart's, again in Usage) runs once


def test_the_readme_shows_the_main_job_first() -> None:
    commands = readme_examples()
    assert commands and commands[0].startswith('gradviz render "(θ1θ2x − y)²"') and "-o out" in commands[0]


@pytest.mark.slow
@pytest.mark.parametrize("command", readme_examples())
def test_each_readme_example_runs_in_a_shell(command: str, tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
    folder = re.search(r" -o (\S+)", command)
    if folder:
        written = tmp_path / folder.group(1)
        assert written.exists(), f"{command} wrote no {written}"
        assert folder.group(1).rstrip("/") in done.stdout, f"{command} does not say where its output is"
    if "--format pptx" in command:  # the lecture's deck: a slide per frame, then the derivation's two pages
        from pptx import Presentation

        assert done.stderr == "" and "slides.pptx with 7 frames" in done.stdout, done.stdout + done.stderr
        assert len(Presentation(str(tmp_path / folder.group(1) / "slides.pptx")).slides) == 9
    from test_tangents import check_the_readme_example, readme_forward_example

    if command == readme_forward_example():  # what the forward-mode section's example writes (test_tangents)
        check_the_readme_example(done.stdout, tmp_path)
    from test_help_examples import claims_of_the_same_run, output_path, unmet_claims

    for example in claims_of_the_same_run(command):  # a --help example of this command (test_help_examples)
        assert not unmet_claims(example, done.stdout, output_path(command, tmp_path)), (example, done.stdout)
