"""datasette loads every file of --plugins-dir as a plugin module: this one is the reading room."""

from archive.reading_room.hooks import (  # noqa: F401
    extra_css_urls,
    extra_template_vars,
    prepare_connection,
    prepare_jinja2_environment,
)
