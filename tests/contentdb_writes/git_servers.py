"""Real network peers for the git import tests, all on loopback.

- `Listener`: a TCP socket that accepts connections and never answers (a hung or hostile server);
  it tells whether anything connected at all.
- `GitHttpServer`: git's smart HTTP protocol served by the real `git http-backend`, and optionally a
  redirect instead of an answer; it records every request line and Host header it gets.
"""

import socket
import subprocess
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


def git(*args: str, cwd) -> str:
    """Run git in `cwd` as a test author and return its output (the tests' one way to make repositories)."""
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


class Listener:
    """Accepts TCP connections on an ephemeral loopback port and never sends a byte."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.bind((host, 0))
        self.socket.listen(8)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []

    def connections_waiting(self) -> int:
        """Accept whatever completed a TCP handshake so far, without waiting."""
        self.socket.setblocking(False)
        try:
            while True:
                connection, _ = self.socket.accept()
                self.accepted.append(connection)
        except BlockingIOError:
            pass
        return len(self.accepted)

    def wait_for_connection(self, timeout: float = 10.0) -> socket.socket:
        self.socket.settimeout(timeout)
        connection, _ = self.socket.accept()
        self.accepted.append(connection)
        return connection

    def close(self) -> None:
        for connection in self.accepted:
            connection.close()
        self.socket.close()


def is_closed_by_peer(connection: socket.socket, timeout: float = 10.0) -> bool:
    """True once the client end is gone: reads hit EOF (the timeout only bounds a broken test)."""
    connection.settimeout(timeout)
    try:
        while connection.recv(65536):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return True


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


class GitHttpServer:
    """`git http-backend` behind a small WSGI app: repositories under `root`, served over http."""

    def __init__(self, root: Path, *, redirect_to: str | None = None) -> None:
        self.root = root
        self.redirect_to = redirect_to
        self.requests: list[tuple[str, str, str]] = []  # (method, path, Host header)
        self.server = make_server(
            "127.0.0.1", 0, self.app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def app(self, environ, start_response):
        self.requests.append(
            (environ["REQUEST_METHOD"], environ["PATH_INFO"], environ.get("HTTP_HOST", ""))
        )
        if self.redirect_to is not None:
            start_response("302 Found", [("Location", self.redirect_to)])
            return [b""]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        cgi = {
            "PATH": "/usr/bin:/bin",
            "GIT_PROJECT_ROOT": str(self.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REQUEST_METHOD": environ["REQUEST_METHOD"],
            "PATH_INFO": environ["PATH_INFO"],
            "QUERY_STRING": environ.get("QUERY_STRING", ""),
            "CONTENT_TYPE": environ.get("CONTENT_TYPE", ""),
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_CONTENT_ENCODING": environ.get("HTTP_CONTENT_ENCODING", ""),
            "GIT_PROTOCOL": environ.get("HTTP_GIT_PROTOCOL", ""),
            "REMOTE_ADDR": "127.0.0.1",
        }
        output = subprocess.run(
            ["git", "http-backend"], input=body, env=cgi, capture_output=True, check=True
        ).stdout
        head, _, payload = output.partition(b"\r\n\r\n")
        status, headers = "200 OK", []
        for line in head.decode("latin-1").split("\r\n"):
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = value.strip()
            elif key:
                headers.append((key, value.strip()))
        start_response(status, headers)
        return [payload]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
