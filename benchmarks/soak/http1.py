"""A strict HTTP/1.1 client on asyncio streams, for the soak.

Unlike a general-purpose client it never reconnects or retries on its own:
every connection that breaks under a request is reported to the caller, who
counts it. Standard library only.
"""
import asyncio
import json
import time


class ConnectionBroken(Exception):
    """The connection failed, closed or timed out before a whole answer."""


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # {lower-case name: value}
        self.body = body
        self.sent_at = None  # time.monotonic() when its request left, if known

    def json(self):
        return json.loads(self.body)

    @property
    def closes(self):
        return "close" in self.headers.get("connection", "").lower()


def request_bytes(method, path, body=b"", headers=()):
    """One request, Content-Length framed, as bytes."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body or method in ("POST", "PUT"):
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_head(reader):
    """Status and headers of the next answer on `reader`."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        raise ConnectionBroken(f"not an HTTP/1.1 status line: {lines[0]!r}")
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers


async def read_chunk(reader):
    """The next chunk of a chunked body; b"" after the last one."""
    size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
    if size == 0:
        await reader.readuntil(b"\r\n")  # no trailers are sent
        return b""
    data = await reader.readexactly(size)
    await reader.readexactly(2)
    return data


async def read_response(reader):
    status, headers = await read_head(reader)
    if "chunked" in headers.get("transfer-encoding", "").lower():
        parts = []
        while chunk := await read_chunk(reader):
            parts.append(chunk)
        body = b"".join(parts)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:
        body = await reader.read()
    return Response(status, headers, body)


class Connection:
    """One keep-alive connection to host:port; requests on it are sequential."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self, timeout=10.0):
        try:
            self.reader, self.writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port, limit=1 << 24), timeout)
        except (OSError, asyncio.TimeoutError) as e:
            raise ConnectionBroken(f"connect: {e!r}") from None

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = self.reader = None

    async def request(self, method, path, body=b"", timeout=60.0):
        """Sends one request (opening the connection if needed) and returns
        its Response; raises ConnectionBroken on any failure."""
        if self.writer is None:
            await self.open()
        sent_at = time.monotonic()
        try:
            self.writer.write(request_bytes(method, path, body))
            response = await asyncio.wait_for(read_response(self.reader), timeout)
        except asyncio.TimeoutError:
            self.close()
            raise ConnectionBroken(f"no answer within {timeout} s to {method} {path}") from None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as e:
            self.close()
            raise ConnectionBroken(f"{method} {path}: {e!r}") from None
        response.sent_at = sent_at
        if response.closes:
            self.close()
        return response

    async def post_json(self, path, obj, timeout=60.0):
        return await self.request("POST", path, json.dumps(obj).encode(), timeout)
