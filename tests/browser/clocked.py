"""Run a module as `python -m` would, its clock set to a given instant and running on from there:
what the browser journeys start their server, worker and seeding with, so that the application
lives on the journeys' day, whatever day the tests run.

    python -m tests.browser.clocked 2026-12-21T10:00+08:00 gunicorn repairflow.wsgi --bind …

time-machine moves every clock Python reads (time.time, datetime.now, …) in this process and in
the processes it forks (gunicorn's workers, Celery's pool and beat); `tick=True` lets it run."""

import runpy
import sys
from datetime import datetime

import time_machine


def main() -> None:
    instant, module, *arguments = sys.argv[1:]
    time_machine.travel(datetime.fromisoformat(instant), tick=True).start()
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
