"""PDF output: every PDF goes through ``render.render_pdf`` and the static-only fetcher."""
