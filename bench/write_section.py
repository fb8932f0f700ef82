#!/usr/bin/env python3
"""Writes one "## " section into a markdown file: replaces the section with the same heading, or
inserts it before "## Diagnostics" (or at the end).

    write_section.py FILE < section.md
"""
import re
import sys


def main():
    path = sys.argv[1]
    section = sys.stdin.read().strip("\n")
    heading = section.splitlines()[0]
    with open(path) as f:
        doc = f.read()
    match = re.search(r"^" + re.escape(heading) + r"\n.*?(?=^## |\Z)", doc, flags=re.S | re.M)
    if match:
        doc = doc[:match.start()] + section + "\n\n" + doc[match.end():]
    else:
        at = doc.find("\n## Diagnostics")
        doc = doc[:at] + "\n\n" + section + "\n" + doc[at:] if at >= 0 else doc.rstrip("\n") + "\n\n" + section + "\n"
    with open(path, "w") as f:
        f.write(re.sub(r"\n{3,}", "\n\n", doc).rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
