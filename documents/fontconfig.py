"""Finding a face of fonts-noto-cjk through fontconfig, as WeasyPrint itself finds it."""

import logging
import os
import subprocess

logger = logging.getLogger(__name__)


def find_face(query: str, family: str) -> tuple[str, int] | None:
    """The face fontconfig matches to ``query``, as (file, face index), if it belongs to
    ``family`` and its file exists; None otherwise (fontconfig falls back to any face
    rather than fail, and a fallback is not the face asked for)."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n%{family}", query],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        logger.warning("fc-match could not be asked for %s", query)
        return None
    if len(found) < 3 or family not in found[2].split(",") or not found[1].isdigit():
        logger.warning("fontconfig has no %s face for %s", family, query)
        return None
    return (found[0], int(found[1])) if os.path.exists(found[0]) else None
