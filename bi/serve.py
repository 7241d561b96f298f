"""Serve the built BI site (a static folder) on 127.0.0.1: /coverage answers with coverage.html, a folder with its
index.html, as the static build's links expect.

Usage: python bi/serve.py SITE_DIR [PORT]   (make bi-serve)
"""

import functools
import http.server
import sys
import threading
from pathlib import Path
from typing import ClassVar


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, with extensionless routes mapped to their .html page."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".parquet": "application/octet-stream",
        ".html": "text/html; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".json": "application/json",
    }

    def translate_path(self, path: str) -> str:
        """The file for a URL path: as is, else <path>.html, else <path>/index.html."""
        local = Path(super().translate_path(path))
        if local.is_file():
            return str(local)
        page = local.with_name(local.name + ".html")
        if local.name and page.is_file():
            return str(page)
        return str(local)

    def log_message(self, format, *args):
        """Quiet: one line per error only."""
        if args and str(args[1] if len(args) > 1 else "").startswith(("4", "5")):
            super().log_message(format, *args)


def make_server(site: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    """A server on 127.0.0.1 (port 0: any free port) for the site folder."""
    handler = functools.partial(SiteHandler, directory=str(site))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve_in_thread(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start a server in a daemon thread; returns it and its base URL (call .shutdown() to stop)."""
    server = make_server(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


if __name__ == "__main__":
    site_dir = Path(sys.argv[1])
    if not (site_dir / "index.html").is_file():
        sys.exit(f"bi-serve: no built site at {site_dir} (run `make bi` first)")
    srv = make_server(site_dir, int(sys.argv[2]) if len(sys.argv) > 2 else 3001)
    print(f"BI site: http://127.0.0.1:{srv.server_address[1]}/  (Ctrl-C stops)", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
