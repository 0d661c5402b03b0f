import os
import signal
import socket
import time

from django.core.management.base import BaseCommand

from egov.core import outbox


class Command(BaseCommand):
    help = "Deliver outbox events to their handlers (run by the worker; several may run at once)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to sleep when nothing is due (default 1)",
        )
        parser.add_argument("--name", default="", help="relay name in the attempt log")
        parser.add_argument(
            "--max-seconds",
            type=float,
            default=0,
            help="stop after this many seconds (0 = run until stopped)",
        )

    def handle(self, *args, **options):
        relay = options["name"] or f"{socket.gethostname()}:{os.getpid()}"
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        started = last_beat = time.monotonic()
        outbox.beat("relay", relay=relay)
        while not stopping:
            handled = outbox.relay_once(relay=relay)
            if time.monotonic() - last_beat > 10:
                outbox.beat("relay", relay=relay)
                last_beat = time.monotonic()
            if options["once"]:
                self.stdout.write(f"{handled} event(s) handled")
                return
            if options["max_seconds"] and time.monotonic() - started > options["max_seconds"]:
                return
            if not handled:
                time.sleep(options["interval"])
