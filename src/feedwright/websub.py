"""WebSub: tell the hub which feeds changed, so subscribers get them within seconds."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlencode

from . import __version__
from .model import Problem


def ping_hub(hub: str, urls: Sequence[str], timeout: float) -> tuple[list[Problem], list[str]]:
    """POST hub.mode=publish for each changed feed URL; failures are warnings, never errors.

    One request per URL, as the WebSub spec describes; a hub that cannot be reached
    at all is reported once and not asked again for the rest of the run. Returns the
    warnings and the URLs still to announce: those the hub could not take now (not
    reached, or a server error), for the next run to try again. A URL the hub refused
    (a 4xx answer) is not tried again: asking again would be refused again.
    """
    problems: list[Problem] = []
    left: list[str] = []
    for number, url in enumerate(urls):
        body = urlencode({"hub.mode": "publish", "hub.url": url}).encode("ascii")
        request = urllib.request.Request(
            hub,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": f"feedwright/{__version__}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read(1024)
        except urllib.error.HTTPError as exc:
            later = exc.code >= 500
            if later:
                left.append(url)
            note = "; kept for the next run" if later else ""
            problems.append(Problem(hub, f"WebSub hub refused the ping for {url}: HTTP {exc.code}{note}", "warning"))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            left.extend(urls[number:])
            problems.append(
                Problem(
                    hub,
                    f"WebSub hub not reachable ({reason}); {len(urls) - number} feed(s) not pinged,"
                    " kept for the next run",
                    "warning",
                )
            )
            break
    return problems, left
