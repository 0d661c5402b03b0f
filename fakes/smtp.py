"""A local SMTP catcher (aiosmtpd): accepts every message on loopback, keeps it as an
.eml file in a folder and prints one line per message. ``make run`` starts it (through
``manage.py serve``) so that password-reset e-mails can be read on one machine; tests
start it in-process (``Catcher``) and read the messages back.

    python fakes/smtp.py --port 8025 --dir var/mail
"""

from __future__ import annotations

import argparse
import email
import email.policy
import signal
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, folder: Path | None, echo: bool):
        self.folder = folder
        self.echo = echo
        self.messages: list[EmailMessage] = []
        self.arrived = threading.Condition()

    # aiosmtpd calls its handler's method by this name.
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(message)
            number = len(self.messages)
            self.arrived.notify_all()
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{number:04d}.eml"
            (self.folder / name).write_bytes(envelope.content)
        if self.echo:
            print(
                f"smtp: message to {', '.join(envelope.rcpt_tos)}: {message['Subject']}", flush=True
            )
        return "250 Message accepted"


class Catcher:
    """The catcher on ``host:port`` (0: a free port) until ``stop``."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, folder: Path | None = None, echo: bool = False
    ):
        self.handler = _Handler(folder, echo)
        self.controller = Controller(self.handler, hostname=host, port=port or _free_port(host))

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self.handler.messages)

    def start(self) -> Catcher:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, count: int = 1, timeout: float = 30) -> list[EmailMessage]:
        """The messages once at least ``count`` arrived (AssertionError after ``timeout``)."""
        with self.handler.arrived:
            if not self.handler.arrived.wait_for(
                lambda: len(self.handler.messages) >= count, timeout
            ):
                raise AssertionError(
                    f"{count} message(s) expected, {len(self.handler.messages)} came"
                )
        return self.messages

    def __enter__(self) -> Catcher:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", default="var/mail", help="folder for the .eml files")
    args = parser.parse_args()
    catcher = Catcher(args.host, args.port, Path(args.dir), echo=True).start()
    print(
        f"SMTP catcher at smtp://{args.host}:{catcher.port}/, messages in {args.dir}/",
        flush=True,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    catcher.stop()


if __name__ == "__main__":
    main()
