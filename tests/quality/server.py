"""A local HTTPS server for a built site, bound before the build so the site can be built for its address.

``site_url`` must be an https:// address (site_config.yml is validated), so the server speaks TLS with
a throw-away self-signed certificate made by ``openssl`` (the browser contexts ignore certificate
errors); nothing here ever leaves 127.0.0.1."""

from __future__ import annotations

import contextlib
import http.server
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1, valid for a day."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("openssl is not installed (Debian: apt-get install openssl): the quality tests "
                           "serve the site over HTTPS with a self-signed certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser that moves on to the next page drops connections in mid-answer: not worth a traceback.
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError, TimeoutError)):
            super().handle_error(request, client_address)


class SiteServer:
    """Serves one folder at ``url`` (``https://127.0.0.1:<port>``, no trailing slash).

    The port is taken when the server is made, so the site can be built with ``site_url`` set to this
    address before anything is served; :meth:`serving` swaps the folder for a while (a copy of the
    site broken on purpose is then served at the same origin as the real one)."""

    def __init__(self) -> None:
        self._root: Path | None = None
        self._httpd = _Server(("127.0.0.1", 0), self._handler)
        with tempfile.TemporaryDirectory() as folder:
            cert, key = self_signed_certificate(Path(folder))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread: threading.Thread | None = None

    def _handler(self, *args, **kwargs):
        return _Quiet(*args, directory=str(self._root), **kwargs)

    def start(self, root: Path) -> None:
        self._root = root
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @contextlib.contextmanager
    def serving(self, root: Path) -> Iterator[None]:
        previous, self._root = self._root, root
        try:
            yield
        finally:
            self._root = previous

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
