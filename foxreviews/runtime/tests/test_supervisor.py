"""The supervisor knows the pid of each process honcho started (`foxreviews status` shows them)."""

import io
import signal

import pytest
from honcho.manager import Manager

from foxreviews.runtime.supervisor import PidRecordingPrinter

pytestmark = pytest.mark.slow  # starts processes


def test_the_printer_records_the_pid_of_each_process_honcho_starts():
    output = io.StringIO()
    printer = PidRecordingPrinter(output, colour=False)
    manager = Manager(printer)
    for name in ("first", "second"):
        manager.add_process(name, "echo pid=$$")  # the shell honcho starts prints its own pid
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        manager.loop()  # runs both until they exit; takes SIGINT and SIGTERM meanwhile
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)

    printed = {
        line.split("| ")[0].split()[-1]: int(line.split("pid=")[1])
        for line in output.getvalue().splitlines()
        if "| pid=" in line
    }
    assert printed.keys() == {"first", "second"}
    assert printer.pids == printed
