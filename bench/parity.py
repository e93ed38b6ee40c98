"""bench/run's parity table: each lesson's own metric from the C# lesson and from its PyTorch reference,
over the same seeds, read from the runs bench/run left in artifacts/bench/parity/ (one folder per lesson:
pytorch-seed<N>.txt is the script's output, csharp-seed<N>.txt the C# lesson's Result line).

Prints the table and writes artifacts/bench/parity.tsv, which tools/results reads to judge lessons that
ran on stand-in data against PyTorch on the same data (RESULTS.md).

Usage: parity.py SEEDS < lessons   (lines "lesson|notebook|script", as in bench/run)
       parity.py result NOTEBOOK   (prints the Result line a lesson's outputs hold)"""
import json
import os
import re
import statistics
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
RESULTS = os.path.join(ROOT, "artifacts", "bench", "parity")


def value_of(path, pattern):
    """The number the first line matching `pattern` ends with, as text, or None when the run is missing or unfinished."""
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        for line in f:
            match = re.match(pattern, line.strip())
            if match:
                return match.group(1)
    return None


def half_last_digit(text):
    """Half a unit of the last digit printed: how far a rounded figure can be from the value it stands for."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10 ** -decimals


def pytorch_value(lesson, seed):
    return value_of(os.path.join(RESULTS, lesson, f"pytorch-seed{seed}.txt"), r"^metric .* (-?[0-9.eE+-]+)$")


def csharp_value(lesson, seed):
    # "Result | Section 2 Part 5 - Inference and Validation | test accuracy 87.6% | target >= 86.0% | ... | full mode"
    return value_of(os.path.join(RESULTS, lesson, f"csharp-seed{seed}.txt"), r"^Result \| [^|]+ \| [^|]* (-?[0-9.eE+-]+)%? \|")


def higher_is_better(lesson):
    """From the lesson's target in its last csharp-seed file (">= ..." or "<= ...")."""
    for name in sorted(os.listdir(os.path.join(RESULTS, lesson))):
        if name.startswith("csharp-seed"):
            with open(os.path.join(RESULTS, lesson, name), encoding="utf-8") as f:
                text = f.read()
            if "| target >=" in text:
                return True
            if "| target <=" in text:
                return False
    return None


def summary(values):
    if not values:
        return "not run", None, None
    mean = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else None
    spread = f" ± {sd:.3f}" if sd is not None else ""
    return f"{mean:.3f}{spread} ({len(values)})", mean, sd


def verdict(cs, py, better_high, rounding):
    """Same: the means differ by no more than the two standard deviations together, plus what rounding the
    lesson's printed figure can hide. With one seed on a side the spread is unknown; then 2% of the PyTorch
    value stands in for it (said in the table)."""
    (cmean, csd), (pmean, psd) = cs, py
    if cmean is None or pmean is None:
        return "n/a", None
    guessed = csd is None or psd is None
    spread = abs(pmean) * 0.02 if guessed else csd + psd + rounding
    diff = cmean - pmean
    if abs(diff) <= spread:
        word = "same"
    elif (diff > 0) == better_high:
        word = "C# better"
    else:
        word = "C# worse"
    return word + (" (one seed: 2% allowance)" if guessed else ""), word != "C# worse"


def result_line(notebook):
    """The lesson's "Result | ..." line from the outputs stored in the notebook, or an explanation on stderr."""
    with open(notebook, encoding="utf-8") as f:
        cells = json.load(f)["cells"]
    for cell in cells:
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain") or ""
            for line in ("".join(text) if isinstance(text, list) else text).splitlines():
                if line.startswith("Result | "):
                    return line
    sys.exit(f"{notebook}: no Result line in its outputs (did the run finish?)")


def main():
    if sys.argv[1] == "result":
        print(result_line(sys.argv[2]))
        return
    seeds = [7 + i for i in range(int(sys.argv[1]))]
    rows = []
    print("| Lesson | C# mean ± sd (seeds) | PyTorch mean ± sd (seeds) | C# − PyTorch | verdict |")
    print("|---|---|---|---|---|")
    for line in sys.stdin:
        lesson = line.split("|")[0].strip()
        if not lesson:
            continue
        cs_texts = [v for v in (csharp_value(lesson, s) for s in seeds) if v is not None]
        cs_values = [float(v) for v in cs_texts]
        py_values = [float(v) for v in (pytorch_value(lesson, s) for s in seeds) if v is not None]
        cs_text, cmean, csd = summary(cs_values)
        py_text, pmean, psd = summary(py_values)
        better_high = higher_is_better(lesson) if cs_values else None
        word, as_good = verdict((cmean, csd), (pmean, psd), better_high, max(map(half_last_digit, cs_texts), default=0))
        diff = f"{cmean - pmean:+.3f}" if cmean is not None and pmean is not None else "n/a"
        print(f"| {lesson} | {cs_text} | {py_text} | {diff} | {word} |")
        if as_good is not None:
            rows.append((lesson, cs_text, py_text, word, "met" if as_good else "not met"))
    with open(os.path.join(ROOT, "artifacts", "bench", "parity.tsv"), "w", encoding="utf-8") as f:
        f.write(f"# written by bench/run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
        for row in rows:
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
