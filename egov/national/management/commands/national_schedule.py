import signal
import time

from django.core.management.base import BaseCommand
from django.db import connection

from egov.national import catalogue, conf, services


class Command(BaseCommand):
    help = (
        "The national sync's periodic work on one machine (started by `serve`): the "
        "sweeper of stuck deliveries every EGOV_NATIONAL_SWEEP_SECONDS and the catalogue "
        "pull every EGOV_NATIONAL_CATALOGUE_SECONDS (0: never). On several machines, run "
        "national_sweep and national_pull_catalogue from cron instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one round of each, then exit")

    def handle(self, *args, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        next_sweep = next_pull = 0.0
        while not stopping:
            now = time.monotonic()
            if now >= next_sweep:
                self._run("sweep", services.sweep_stuck)
                next_sweep = now + max(conf.sweep_seconds(), 1)
            if conf.catalogue_seconds() and now >= next_pull:
                done = self._run("catalogue pull", catalogue.pull_catalogue)
                # A portal that is down (or not started yet) is asked again soon.
                next_pull = now + (conf.catalogue_seconds() if done else 60)
            if options["once"]:
                return
            connection.close()  # not kept idle between rounds
            time.sleep(1)

    def _run(self, name, work) -> bool:
        try:
            result = work()
        except Exception as error:  # keep going; the next round tries again
            self.stderr.write(f"national {name} failed: {error}")
            return False
        else:
            if result:
                self.stdout.write(f"national {name}: {result}")
            return True
