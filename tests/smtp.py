"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, and can refuse on demand,
offer SMTPUTF8 or not, and take its time before it answers a message."""
from __future__ import annotations

import asyncio
import email
import socket
from email.message import Message
from email.policy import default

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, delay: float = 0.0):
        self.received: list[tuple[str, list[str], Message]] = []
        self.refuse: dict[str, str] = {}  # recipient -> SMTP reply, e.g. "550 5.1.1 No such user"
        self.delay = delay  # seconds between receiving a message and answering for it
        self.options: list[list[str]] = []  # the MAIL FROM options of each message received

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if "SMTPUTF8" in envelope.mail_options:  # headers in UTF-8 (RFC 6532)
            parsed = email.message_from_string(envelope.content.decode("utf-8"), policy=default)
        else:
            parsed = email.message_from_bytes(envelope.content, policy=default)
        # Kept before the answer: a client that dies meanwhile has still had its message delivered.
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        self.options.append(list(envelope.mail_options))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for _, rcpts, m in self.received if address in rcpts]

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for _, _, m in self.received]

    def duplicates(self) -> int:
        """Messages received more than once (by Message-ID): each extra copy counts."""
        ids = self.message_ids()
        return len(ids) - len(set(ids))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int | None = None, *, smtputf8: bool = False, delay: float = 0.0):
        self.port = port or free_port()
        self.recorder = Recorder(delay)
        self.smtputf8 = smtputf8  # advertise SMTPUTF8 after EHLO
        self.controller: Controller | None = None

    def start(self) -> "SmtpServer":
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port,
                                     enable_SMTPUTF8=self.smtputf8)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
