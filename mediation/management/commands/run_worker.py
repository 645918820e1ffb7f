import fcntl
import os
import signal
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mediation import jobs


class Command(BaseCommand):
    help = (
        "Fire the timers and run the tasks. Embedded: an in-process loop. With "
        "CELERY_BROKER_URL: a Celery worker with beat. Only one may run at a time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between ticks")
        parser.add_argument("--once", action="store_true", help="fire due jobs once and exit")

    def handle(self, *args, interval, once, **options):
        if settings.CELERY_BROKER_URL and not once:
            # One worker with an embedded beat: exactly one dispatcher of timers.
            argv = ["celery", "-A", "mediation", "worker", "--beat", "--loglevel=INFO"]
            argv += ["--concurrency=2", f"--schedule={settings.VAR_DIR / 'celerybeat-schedule'}"]
            self.stdout.write("Starting Celery worker with beat: " + " ".join(argv))
            os.execvp(sys.executable, [sys.executable, "-m", *argv])

        lock = open(settings.VAR_DIR / "worker.lock", "w")  # held open for the life of the worker
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CommandError("Another worker is already running on this machine.") from None

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        dispatcher = jobs.Dispatcher(now=timezone.now)
        names = ", ".join(jobs.registered()) or "none"
        self.stdout.write(f"Worker running in-process; jobs: {names}")
        while not stopping:
            for name in dispatcher.tick():
                self.stdout.write(f"{timezone.localtime():%H:%M:%S} ran {name}")
            if once:
                break
            time.sleep(interval)
