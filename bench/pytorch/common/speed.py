"""What the speed scripts share: a workload's two ways timed alternately, their medians, and the SPEED line that
bench/run matches with TrainingBench's by name."""
import statistics

import torch

from common import idx
from common import training


def compare(name, floor, course, runs, per="epoch"):
    """Runs `floor` (the tight loop over data made beforehand) and `course` (the way the PyTorch lesson does it), each
    doing one epoch, step or forward pass, once each to warm up, then `runs` times each, alternating which goes first;
    prints every time, the medians, the BLAS that ran, and `SPEED|name|threads|floor|course|floor CPU|course CPU`."""
    floor()
    course()
    floor_times, course_times = [], []
    for run in range(1, runs + 1):
        # odd runs start with the floor, even runs with the course's way
        if run % 2 == 0:
            course_times.append(training.timed(course))
        floor_times.append(training.timed(floor))
        if run % 2 == 1:
            course_times.append(training.timed(course))
        print(f"run {run}: floor {floor_times[-1][0]:.2f} s ({floor_times[-1][1]:.2f} s of CPU), "
              f"course loader {course_times[-1][0]:.2f} s ({course_times[-1][1]:.2f} s of CPU)")
    print(f"BLAS: {idx.blas_in_use()}")
    medians = [statistics.median(t[i] for t in times) for i in (0, 1) for times in (floor_times, course_times)]
    print(f"median {per}: floor {medians[0]:.2f} s, course loader {medians[1]:.2f} s")
    print(f"median CPU time per {per}: floor {medians[2]:.2f} s, course loader {medians[3]:.2f} s")
    print(f"SPEED|{name}|{torch.get_num_threads()}|" + "|".join(f"{m:.3f}" for m in medians))
