#!/usr/bin/env python3
"""A TLS front for tests: accepts TLS connections on a free loopback port
with the given certificate and relays their bytes, both ways, to a plain
TCP port (a mock worker), so that the router sees an https:// worker.

    tls_front.py --cert cert.pem --key key.pem --upstream-port PORT

Prints "tls-front listening on 127.0.0.1:PORT" once it accepts."""
import argparse
import socket
import ssl
import sys
import threading


def pump(source, destination):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            destination.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, destination):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, context, upstream_port):
    try:
        tls = context.wrap_socket(client, server_side=True)
    except (ssl.SSLError, OSError):
        client.close()  # a client that refused our certificate
        return
    upstream = socket.create_connection(("127.0.0.1", upstream_port))
    threading.Thread(target=pump, args=(upstream, tls), daemon=True).start()
    pump(tls, upstream)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--upstream-port", type=int, required=True)
    args = parser.parse_args()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    listener = socket.create_server(("127.0.0.1", 0))
    print(f"tls-front listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, context, args.upstream_port), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
