import socketserver

from django.core.servers.basehttp import WSGIServer

# Django's test server listens with a backlog of 10 (socketserver's default is 5): fifty clients
# connecting at the same instant would be reset by the kernel before the server sees them. A real
# deployment's gunicorn listens with a backlog of 2048.
WSGIServer.request_queue_size = 128
assert issubclass(WSGIServer, socketserver.TCPServer)
