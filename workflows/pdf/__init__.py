"""PDF output: every PDF goes through ``render.render_pdf`` and the static-only fetcher."""
import logging

# WeasyPrint logs every rendering step (even at import) at INFO; keep logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
