#!/usr/bin/env python3
"""The two set-up commands of the README, with nothing but Python 3.11+ and the package registries.

    python3 tasks.py demo    # create/reuse .venv, install zerocarbon, run the main job (zerocarbon demo)
    python3 tasks.py test    # create/reuse .venv, install zerocarbon with test extras, run every test

The virtual environment is reinstalled only when pyproject.toml or constraints.txt changed (a stamp
in .venv records their hash). Versions are pinned by constraints.txt, resolved on Python 3.11.
Extra arguments after the command are passed on (to `zerocarbon demo` or to pytest).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("ZEROCARBON_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def _stamp() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        path = ROOT / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"zerocarbon needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    stamp_file = VENV / ".zerocarbon-stamp"
    if PY.exists() and stamp_file.exists() and stamp_file.read_text() == _stamp():
        return
    if not PY.exists():
        print(f"[tasks] creating virtual environment {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("[tasks] installing zerocarbon and its pinned dependencies (first run only)", flush=True)
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip>=24"], check=True)
    constraints = ["-c", str(ROOT / "constraints.txt")] if (ROOT / "constraints.txt").exists() else []
    subprocess.run([*pip, *constraints, "-e", f"{ROOT}[test]"], check=True)
    stamp_file.write_text(_stamp())


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test", "setup"):
        print(__doc__)
        return 2
    ensure_venv()
    command, rest = argv[0], argv[1:]
    if command == "setup":
        return 0
    if command == "demo":
        return subprocess.run([str(BIN / "zerocarbon"), "demo", *rest], cwd=ROOT).returncode
    return subprocess.run([str(PY), "-m", "pytest", *rest], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
