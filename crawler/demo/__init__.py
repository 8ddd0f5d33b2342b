"""The bundled sample site: demo outlets served from 127.0.0.1 for `akhbar demo` and the tests.

`python -m crawler.demo.server` serves it until Ctrl-C. The names below are imported lazily, so
running the server module with `-m` does not import it twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.demo.server import DemoSite, start_demo_site

__all__ = ["DemoSite", "start_demo_site"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from crawler.demo import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
