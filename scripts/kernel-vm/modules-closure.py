#!/usr/bin/env python3
"""Prints, one per line and in a loadable order, the module files (paths relative to the kernel's
module folder) that the named modules need, resolved from modules.dep.

    modules-closure.py MODULES_DIR NAME...

busybox insmod knows nothing of dependencies, so the guest loads exactly this list in this order.
A name the kernel does not ship is reported on stderr (prefixed "missing:") and skipped.
"""

import os
import sys


def module_name(path):
    base = os.path.basename(path)
    for suffix in (".ko", ".ko.xz", ".ko.zst", ".ko.gz"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return base.replace("-", "_")


def read_dependencies(modules_dir):
    deps = {}
    paths = {}
    with open(os.path.join(modules_dir, "modules.dep")) as f:
        for line in f:
            if ":" not in line:
                continue
            path, _, rest = line.partition(":")
            name = module_name(path)
            paths[name] = path
            deps[name] = rest.split()
    return paths, deps


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    modules_dir, wanted = sys.argv[1], sys.argv[2:]
    paths, deps = read_dependencies(modules_dir)
    order = []
    seen = set()
    for raw in wanted:
        name = raw.replace("-", "_")
        if name not in paths:
            print(f"missing: {raw}", file=sys.stderr)
            continue
        # modules.dep lists every transitive dependency, the first-needed last (modprobe's order).
        for path in list(reversed(deps[name])) + [paths[name]]:
            if path not in seen:
                seen.add(path)
                order.append(path)
    print("\n".join(order))
    return 0


if __name__ == "__main__":
    sys.exit(main())
