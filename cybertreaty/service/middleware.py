"""ASGI middleware of our own: the request body size limit, and nosniff on every response."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cybertreaty.errors import PayloadTooLarge


class BodyLimit:
    """413 for bodies over ``max_bytes``: at once from Content-Length, or while a chunked body
    streams in (the route's ``await request.body()`` then raises PayloadTooLarge)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _reject(send, self.max_bytes)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise PayloadTooLarge(_message(self.max_bytes))
            return message

        await self.app(scope, limited, send)


def _message(max_bytes: int) -> str:
    return f"The request body is larger than the limit of {max_bytes} bytes."


async def _reject(send: Send, max_bytes: int) -> None:
    body = (_message(max_bytes) + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class NoSniff:
    """``X-Content-Type-Options: nosniff`` on every response, so a browser treats each body as the
    type we send: error messages (text/plain), CSV and JSON echo request text and data values, and
    none of them may ever be read as HTML or script."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"x-content-type-options" for name, _ in headers):
                    headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)
