#!/usr/bin/env python3
"""Read Workbench configuration files back with the parsers their consumers use.

usage:
  read-config.py supervisord FILE...  programs as supervisord itself loads them (a main
                                      configuration including FILE), as JSON:
                                      {"<program>": {"command": ..., "stdout_logfile": ...}}
  read-config.py dcf FILE             records of a DCF file (python-debian), as JSON:
                                      [{"<Field>": ["<line>", ...]}]

Exit status 1 when a parser rejects a file, 2 on bad usage.
"""
import json
import os
import sys
import tempfile

PROGRAM_FIELDS = (
    "command", "uid", "autorestart", "stdout_logfile", "stdout_logfile_maxbytes",
    "stderr_logfile", "stderr_logfile_maxbytes", "environment",
)


def supervisord(files):
    from supervisor.options import ServerOptions

    with tempfile.TemporaryDirectory() as scratch:
        main = os.path.join(scratch, "supervisord.conf")
        with open(main, "w") as out:
            out.write("[supervisord]\nnodaemon=true\n[include]\nfiles = %s\n"
                      % " ".join(os.path.abspath(f) for f in files))
        options = ServerOptions()
        options.realize(args=["-c", main])
        programs = {}
        for group in options.process_group_configs:
            for process in group.process_configs:
                entry = {field: getattr(process, field) for field in PROGRAM_FIELDS}
                entry["group"] = group.name
                programs[process.name] = entry
        return programs


def dcf(path):
    from debian.deb822 import Deb822

    records = []
    with open(path) as text:
        for paragraph in Deb822.iter_paragraphs(text, use_apt_pkg=False):
            records.append({
                field: [line.strip() for line in value.split("\n")]
                for field, value in paragraph.items()
            })
    return records


def main(argv):
    if len(argv) < 3 or argv[1] not in ("supervisord", "dcf"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        result = supervisord(argv[2:]) if argv[1] == "supervisord" else dcf(argv[2])
    except (Exception, SystemExit) as error:  # the parsers report bad files this way
        print("%s: %s" % (type(error).__name__, error), file=sys.stderr)
        return 1
    # Unset settings hold supervisord's marker classes (Automatic, ...): shown by name.
    json.dump(result, sys.stdout, sort_keys=True, default=lambda marker: marker.__name__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
