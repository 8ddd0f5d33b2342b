"""The bundled sample site: demo outlets served from 127.0.0.1 for `akhbar demo` and the tests."""

from __future__ import annotations

from crawler.demo.server import DemoSite, start_demo_site

__all__ = ["DemoSite", "start_demo_site"]
