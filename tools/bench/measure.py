#!/usr/bin/env python3
"""Run one command and report its wall time and peak resident memory as one JSON line.

usage: measure.py [--stdout FILE] -- COMMAND [ARGS...]

Peak memory is ru_maxrss over the command's process tree (RUSAGE_CHILDREN: the largest
process that ran, e.g. pwsh under the `dotnet pwsh` muxer), the figure GNU time reports
as "Maximum resident set size". The command's stdout goes to FILE (default: discarded);
the tail of its stderr is kept in the JSON so a failure can say why.
"""
import json
import resource
import subprocess
import sys
import time


def main() -> int:
    args = sys.argv[1:]
    stdout_path = None
    if args[:1] == ['--stdout']:
        stdout_path, args = args[1], args[2:]
    if args[:1] == ['--']:
        args = args[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2

    out = open(stdout_path, 'wb') if stdout_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
        wall = time.perf_counter() - start
    finally:
        if stdout_path:
            out.close()

    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    stderr_tail = proc.stderr.decode('utf-8', 'replace')[-2000:]
    print(json.dumps({
        'wall_s': round(wall, 4),
        'peak_rss_kb': peak_kb,
        'exit_code': proc.returncode,
        'stderr_tail': stderr_tail,
    }))
    return 0


if __name__ == '__main__':
    sys.exit(main())
