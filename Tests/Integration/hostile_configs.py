"""Our own reproductions of the keepalived.conf inputs that once crashed or hung vigild's reader.

Each case writes its files next to a main file (the caller's config path) and names the diagnostic
`vigild -t` must give, with the line it must point at (counted in the main file, or None when the
diagnostic points into an included file). The base text is a working configuration, so a case
differs from a good file only by its hostile part.
"""

import os

INT_MAX = "9223372036854775807"
INT_MIN = "-9223372036854775808"


def _append(base, line):
    return base + line + "\n", base.count("\n") + 1


def seq_int_max(main, base):
    text, line = _append(base, f"~SEQ(i, 0, 1, {INT_MAX}) real_server 198.51.100.20 $i")
    return text, line, "~SEQ produces more than 9223372036854775807 values"


def seq_int_range(main, base):
    text, line = _append(base, f"~SEQ(i, {INT_MIN}, {INT_MAX}) real_server 198.51.100.20 $i")
    return text, line, "~SEQ produces more than 9223372036854775807 values"


def seq_millions(main, base):
    text, line = _append(base, "~SEQ(i, 5000000) real_server 198.51.100.20 $i")
    return text, line, "~SEQ produces 5000000 values"


def seq_nested(main, base):
    text, line = _append(base, "~SEQ(a, 2000) ~SEQ(b, 2000) real_server 198.51.100.20 $a")
    return text, line, "~SEQ produces 2000 values"


def include_fan_out(main, base):
    """Two includes of the next file on each of 30 levels: 2^30 reads without a budget."""
    directory = os.path.dirname(main)
    for level in range(1, 30):
        with open(os.path.join(directory, f"fan{level}.conf"), "w") as f:
            f.write(f"include fan{level + 1}.conf\ninclude fan{level + 1}.conf\n")
    with open(os.path.join(directory, "fan30.conf"), "w") as f:
        f.write("# the last level\n")
    text = base + "include fan1.conf\ninclude fan1.conf\n"
    return text, None, "includes read more than 10000 files in all"


def brace_glob(main, base):
    text, line = _append(base, "include " + "{a,b}" * 30 + ".conf")
    return text, line, "has more than 1024 brace alternatives"


# Name → builder; each returns (main text, expected line or None, expected message fragment).
CASES = {
    "seq-int-max": seq_int_max,
    "seq-int-range": seq_int_range,
    "seq-millions": seq_millions,
    "seq-nested": seq_nested,
    "include-fan-out": include_fan_out,
    "brace-glob": brace_glob,
}

# Once a crash (`${_RANDOM 0 INT_MAX}` trapped on overflow); now a valid file.
RANDOM_EXTREMES = f"$ID=${{_RANDOM 0 {INT_MAX}}}\nglobal_defs {{\n    router_id r$ID\n}}\n"


def write(path, text):
    """Write then rename, so a reload never reads a half-written file."""
    with open(path + ".new", "w") as f:
        f.write(text)
    os.replace(path + ".new", path)
