"""bench/run's speed and fast-mode tables.

Usage: tables.py speed < lines   (TrainingBench's SPEED| and MEMORY| lines prefixed CS, the PyTorch
                                   scripts' SPEED| lines prefixed PY, as bench/run passes them)
       tables.py fast FOLDER     (wall and ready time per notebook, from the executed fast-mode copies
                                   in FOLDER, which tools/test leaves in artifacts/notebooks/fast)"""
import glob
import json
import os
import sys


def speed():
    cs, py, memory = {}, {}, []
    for line in sys.stdin:
        kind, *fields = line.rstrip("\n").split("|")
        if kind == "CSSPEED": cs[fields[0]] = fields[1:]
        elif kind == "PYSPEED": py[fields[0]] = fields[1:]
        elif kind == "CSMEMORY": memory.append(fields)
    fmt = lambda v: "not measured" if v is None else f"{v:.3f}"
    two = lambda v: "n/a" if v is None else f"{v:.2f}"
    ratio = lambda a, b: two(None if a is None or b is None else a / b)
    # fields after the name: threads, then wall medians (C#: library, floor; PyTorch: floor, loader), then CPU-time
    # medians; C# then gives library/floor as the median of the ratios of its runs, wall and CPU
    for title, first, second, paired in (("Median wall time per run", 1, 2, 5),
                                         ("Median CPU time per run (all threads of the process; steadier than wall time on a shared machine)", 3, 4, 6)):
        print(f"{title}, seconds:")
        print("| Workload | threads | library | floor | library/floor | PyTorch floor | PyTorch course loader | library/PyTorch loader |")
        print("|---|---|---|---|---|---|---|---|")
        for name in list(cs) + [n for n in py if n not in cs]:
            c, p = cs.get(name), py.get(name)
            if c and p and p[0] != c[0]: sys.exit(f"{name}: C# ran {c[0]} threads, PyTorch {p[0]}")
            lib, floor = (float(c[first]), float(c[second])) if c else (None, None)
            pfloor, ploader = (float(p[first]), float(p[second])) if p else (None, None)
            print(f"| {name} | {(c or p)[0]} | {fmt(lib)} | {fmt(floor)} | {two(float(c[paired]) if c else None)} | {fmt(pfloor)} | {fmt(ploader)} | {ratio(lib, ploader)} |")
        print()
    print("library/floor: the median of the C# runs' own ratios, each library run against the floor run made beside it.")
    print("Targets: library within 1.05x of its floor on in-memory data, 1.10x on photo folders (the transfer epoch); at or below PyTorch with its course loader.")
    print("The PyTorch course loader column is the PyTorch lesson's own path: for the LSTM, batches cut and one-hot encoded as the loop goes;")
    print("for the style step, the image prepared for the network every step; for the backbone forward, the call with frozen parameters and autograd on.")
    print()
    print("Memory: peak RSS of the C# process after each of 5 library runs (MB; the peak is reset before each workload); target: growth from run 2 to 5 under 5%")
    print("| Workload | run | runs 1-5 | growth 2 to 5 | check |")
    print("|---|---|---|---|---|")
    for name, per, peaks, growth, check in memory:
        print(f"| {name} | {per} | {peaks} | {growth}% | {check} |")


def fast(root):
    rows = []
    for path in sorted(glob.glob(os.path.join(root, "**", "*.ipynb"), recursive=True)):
        if path.endswith(" - solved.ipynb"):
            continue
        run = json.load(open(path, encoding="utf-8")).get("metadata", {}).get("course", {}).get("run", {})
        if run.get("mode") == "fast" and run.get("wall_seconds") is not None:
            rows.append((os.path.relpath(path, root)[:-6], run["wall_seconds"], run.get("ready_seconds"), run.get("started", "")))
    if not rows:
        print("none found: run tools/test (or tools/run-course --fast) first")
        return
    print("| Notebook | wall (s) | ready (s) | started |")
    print("|---|---|---|---|")
    for name, wall, ready, started in rows:
        print(f"| {name} | {wall:.1f} | {'n/a' if ready is None else f'{ready:.1f}'} | {started} |")
    print(f"| all {len(rows)} notebooks (sum; exercises notebooks counted once, as given) | {sum(r[1] for r in rows):.1f} | | |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["speed"]:
        speed()
    elif len(sys.argv) == 3 and sys.argv[1] == "fast":
        fast(sys.argv[2])
    else:
        sys.exit(__doc__)
