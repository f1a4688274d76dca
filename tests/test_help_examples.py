"""Examples that are true: every example line of every command's --help and of gallery/README.md
runs as typed (a shell in a fresh folder, ``gradviz`` on PATH) and does what its comment says:
``# prints "…"`` is checked in its output, ``# writes a.png, b.png`` in the folder it names with -o."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradviz.cli import cli

ROOT = Path(__file__).resolve().parent.parent
COMMAND = re.compile(r"^\s*(gradviz (?:" + "|".join(map(re.escape, cli.commands)) + r")\b.*)$")


def help_examples() -> list[str]:
    """Every example line of ``gradviz --help`` and of each command's."""
    lines = []
    for args in [[]] + [[name] for name in sorted(cli.commands)]:
        text = CliRunner().invoke(cli, [*args, "--help"]).output
        lines += [m.group(1).strip() for line in text.splitlines() if (m := COMMAND.match(line))]
    return lines


def gallery_examples() -> list[str]:
    """Every command line of gallery/README.md's code blocks."""
    text = (ROOT / "gallery" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\n(.*?)```", text, re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if COMMAND.match(line)]


def _claims(line: str) -> tuple[str, list[str], list[str]]:
    """The command, what its comment says it prints and the files it says it writes."""
    command, _, comment = line.partition("  #")
    prints = re.findall(r'"([^"]+)"', comment) if "prints" in comment else []
    writes = re.findall(r"[\w.-]+\.[a-z]{2,4}\b", comment.split("writes", 1)[1]) if "writes" in comment else []
    return command.strip(), prints, writes


def _output_at(words: list[str]) -> int | None:
    """Which of a command's words names what it writes: the one after -o, or ``site``'s folder."""
    for option in ("-o", "--output"):
        if option in words[:-1]:
            return words.index(option) + 1
    if words[1:2] == ["site"]:
        return next((k for k, word in enumerate(words[2:], 2) if not word.startswith("-")), None)
    return None


def _output(command: str) -> str | None:
    words = shlex.split(command.split("&&")[0])
    at = _output_at(words)
    return None if at is None else words[at]


def run_example(line: str, folder: Path) -> str:
    """Run one example as typed; an empty string, or what went wrong."""
    command, prints, writes = _claims(line)
    if "pdflatex" in command and not shutil.which("pdflatex"):
        return ""  # the one example that needs TeX: checked where TeX is installed
    folder.mkdir()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run(["bash", "-c", line], cwd=folder, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                         text=True, timeout=600)
    if run.returncode != 0:
        return f"{line}\n  exit {run.returncode}: {run.stderr[-500:]}{run.stdout[-500:]}"
    problems = unmet_claims(line, run.stdout, output_path(command, folder))
    if "pdflatex" in command:
        problems += [] if (folder / _output(command) / "slides.pdf").is_file() else ["made no slides.pdf"]
    return f"{line}\n  " + "; ".join(problems) if problems else ""


def output_path(command: str, folder: Path) -> Path | None:
    """What ``command``, run in ``folder``, writes (a file or folder), if it names one."""
    out = _output(command)
    return None if out is None else folder / out


def unmet_claims(line: str, stdout: str, target: Path | None) -> list[str]:
    """What an example's run (its standard output, the file or folder it wrote) does not do of what
    its comment says: print each quoted text, write something at ``target``, each named file there."""
    _, prints, writes = _claims(line)
    problems = [f'does not print "{p}"' for p in prints if p not in stdout]
    if target is not None:
        if not (target.is_file() or (target.is_dir() and any(target.iterdir()))):
            problems.append(f"wrote nothing to {target.name}")
        problems += [f"did not write {name}" for name in writes if not (target / name).is_file()]
    return problems


def the_run(command: str) -> list[str]:
    """A command's words with the name of what it writes left out: what makes two examples the same run."""
    words = shlex.split(command.partition("  #")[0])
    at = _output_at(words)
    return ["…" if k == at else "-o" if word == "--output" else word for k, word in enumerate(words)]


def run_elsewhere(lines: list[str]) -> list[str]:
    """The examples that are one of the README's commands, perhaps writing to another name: the
    README's tests run that command as a real process (``test_readme_commands`` in a shell, the
    training section's in ``test_training``) and check these examples' claims on its run."""
    from test_readme_commands import readme_examples
    from test_training import readme_commands

    readme = [the_run(command) for command in readme_examples() + readme_commands()]
    return [line for line in lines if the_run(line) in readme]


def claims_of_the_same_run(command: str) -> list[str]:
    """The --help and gallery examples that are ``command`` writing to another name (``run_elsewhere``)."""
    return [line for line in help_examples() + gallery_examples() if the_run(line) == the_run(command)]


def _run_all(lines: list[str], tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time: the machine's cores
        failures = [f for f in pool.map(lambda k: run_example(lines[k], tmp_path / f"example-{k}"), range(len(lines)))
                    if f]
    assert not failures, "\n".join(failures)


def test_examples_are_found_with_their_claims() -> None:
    helps, gallery = help_examples(), gallery_examples()
    assert len(helps) >= 20 and len(gallery) >= 10
    assert all(_output(_claims(line)[0]) for line in gallery)  # every gallery example names its folder
    claimed = [_claims(line) for line in helps + gallery]
    assert sum(bool(p) for _, p, _ in claimed) >= 8 and sum(bool(w) for _, _, w in claimed) >= 6
    assert _claims('gradviz train 2-4-1 -o x/  # prints "accuracy 100%"; writes a.png, b.gif') == \
        ("gradviz train 2-4-1 -o x/", ["accuracy 100%"], ["a.png", "b.gif"])


def test_examples_of_a_readme_command_are_left_to_the_readme_tests() -> None:
    assert the_run('gradviz train 2-4-1 --seed 3 -o a/   # prints "x"') == the_run("gradviz train 2-4-1 --seed 3 --output b")
    assert the_run("gradviz train 2-4-1 -o a/") != the_run("gradviz train 2-4-1 --steps 3 -o a/")
    assert the_run("gradviz params 2-4-1") != the_run("gradviz params 2-4-1 -o a/")
    assert the_run('gradviz site lite/ --notebooks  # prints "x"') == the_run("gradviz site public/ --notebooks ")
    assert the_run("gradviz site public/") != the_run("gradviz site public/ --notebooks")
    assert len(run_elsewhere(gallery_examples())) >= 3 and len(run_elsewhere(help_examples())) >= 3
    assert run_elsewhere(["gradviz train 2-4-1 --seed 12345 -o a/", "gradviz grad x --at x=12345"]) == []
    assert claims_of_the_same_run("gradviz train 4-2-4 --autoencoder -o autoencoder") == \
        [line for line in gallery_examples() if line.startswith("gradviz train 4-2-4 --autoencoder -o ")]


@pytest.mark.slow
def test_every_help_example_runs_as_typed_and_does_what_it_says(tmp_path: Path) -> None:
    lines = list(dict.fromkeys(help_examples()))
    _run_all([line for line in lines if line not in run_elsewhere(lines)], tmp_path)


@pytest.mark.slow
def test_every_gallery_example_runs_as_typed_and_does_what_it_says(tmp_path: Path) -> None:
    helps = [_claims(line) for line in help_examples()]  # run with the help examples: the same command and claims
    lines = [line for line in gallery_examples() if _claims(line) not in helps]
    _run_all([line for line in lines if line not in run_elsewhere(lines)], tmp_path)
