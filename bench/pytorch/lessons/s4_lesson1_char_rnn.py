"""Section 4 Lesson 1 in PyTorch, for parity and speed: the same text file, vocabulary (sorted distinct
characters), batches, network (LSTM 512 x 2, dropout 0.5), optimiser, clipping and validation schedule as the
C# lesson. Prints the last validation loss as `metric validation loss X`.
  python3 -m lessons.s4_lesson1_char_rnn --seed 7                 the full run (20 epochs); it keeps its state after each epoch in
                                       artifacts/bench/char_rnn-seed7.pt and, started again, goes on from there
  python3 -m lessons.s4_lesson1_char_rnn --time-steps 5           only the speed of a training step: the lesson's path and the floor, medians
"""
import argparse
import os
import statistics
import time

import numpy as np
import torch
from torch import nn

from common import idx
from common import training

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--epochs", type=int, default=20)
parser.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "2")))
parser.add_argument("--time-steps", type=int, default=0)
args = parser.parse_args()
idx.setup(args.seed, args.threads)

with open(os.path.join(idx.REPO, "data", "anna", "anna.txt"), encoding="utf-8") as f:
    text = f.read().replace("\r\n", "\n")
chars = sorted(set(text))
char2int = {ch: i for i, ch in enumerate(chars)}
encoded = np.array([char2int[ch] for ch in text], dtype=np.int64)


def batches(arr, batch_size, seq_length):
    """Rows of consecutive text, a window of seq_length columns sliding along them; targets one ahead,
    each row's last target wrapping to its first character (the lesson's roll)."""
    n = len(arr) // (batch_size * seq_length)
    rows = torch.from_numpy(arr[: n * batch_size * seq_length].reshape(batch_size, -1))
    nxt = rows.roll(-1, 1)
    for c in range(0, rows.shape[1], seq_length):
        yield rows[:, c:c + seq_length], nxt[:, c:c + seq_length]


class CharRNN(nn.Module):
    def __init__(self, n_chars, n_hidden=512, n_layers=2, drop_prob=0.5):
        super().__init__()
        self.n_hidden, self.n_layers = n_hidden, n_layers
        self.lstm = nn.LSTM(n_chars, n_hidden, n_layers, dropout=drop_prob, batch_first=True)
        self.dropout = nn.Dropout(drop_prob)
        self.fc = nn.Linear(n_hidden, n_chars)

    def forward(self, x, hidden):
        out, hidden = self.lstm(x, hidden)
        return self.fc(self.dropout(out).contiguous().view(-1, self.n_hidden)), hidden

    def init_hidden(self, batch_size):
        return (torch.zeros(self.n_layers, batch_size, self.n_hidden), torch.zeros(self.n_layers, batch_size, self.n_hidden))


def one_hot(x, n):
    return nn.functional.one_hot(x, n).float()


n_chars = len(chars)
net = CharRNN(n_chars)
opt = torch.optim.Adam(net.parameters(), lr=0.001)
criterion = nn.CrossEntropyLoss()
batch_size, seq_length, clip, print_every = 128, 100, 5, 40
val_idx = int(len(encoded) * 0.9)
train_data, val_data = encoded[:val_idx], encoded[val_idx:]


def train_step(inputs, y, h):
    """One step on one-hot inputs; the state comes in detached, so backpropagation stops at the batch."""
    h = tuple(each.detach() for each in h)
    net.zero_grad()
    output, h = net(inputs, h)
    loss = criterion(output, y.reshape(-1))
    loss.backward()
    nn.utils.clip_grad_norm_(net.parameters(), clip)
    opt.step()
    return loss.item(), h


def validation_loss():
    net.eval()
    losses = []
    with torch.no_grad():
        h = net.init_hidden(batch_size)
        for x, y in batches(val_data, batch_size, seq_length):
            output, h = net(one_hot(x, n_chars), h)
            losses.append(criterion(output, y.reshape(-1)).item())
    net.train()
    return sum(losses) / len(losses)


print(f"{len(text):,} characters, {n_chars} distinct")
net.train()
if args.time_steps:
    # bench/run's speed table: the lesson's path (batches cut and one-hot encoded as the loop goes) and the floor
    # (the same steps over one-hot batches made before the clock starts), alternating, after one warm-up step.
    prepared = [(one_hot(x, n_chars), y) for _, (x, y) in zip(range(args.time_steps + 1), batches(train_data, batch_size, seq_length))]

    lesson_times, floor_times = [], []
    h_lesson = h_floor = net.init_hidden(batch_size)
    lesson_batches = batches(train_data, batch_size, seq_length)
    for i in range(args.time_steps + 1):
        def lesson_step():
            global h_lesson
            x, y = next(lesson_batches)
            _, h_lesson = train_step(one_hot(x, n_chars), y, h_lesson)

        def floor_step():
            global h_floor
            _, h_floor = train_step(*prepared[i], h_floor)

        lesson, floor = training.timed(lesson_step), training.timed(floor_step)
        if i > 0:
            lesson_times.append(lesson)
            floor_times.append(floor)
    med = lambda values, k: statistics.median(v[k] for v in values)
    print(f"LSTM training step (batch {batch_size} x {seq_length}): floor {med(floor_times, 0):.2f} s, lesson path {med(lesson_times, 0):.2f} s (medians of {len(floor_times)})")
    print(f"SPEED|LSTM training step (batch 128 × 100)|{torch.get_num_threads()}|{med(floor_times, 0):.2f}|{med(lesson_times, 0):.2f}|{med(floor_times, 1):.2f}|{med(lesson_times, 1):.2f}")
else:
    # A full run takes hours here, so it survives being stopped: after each epoch the network, the optimiser,
    # the random generator (dropout) and the lines printed so far go to a state file, and a run started again
    # with the same seed goes on after the last whole epoch, as if it had not been stopped.
    state_path = os.path.join(idx.REPO, "artifacts", "bench", f"char_rnn-seed{args.seed}.pt")
    os.makedirs(os.path.dirname(state_path), exist_ok=True)
    counter, val_loss, first_epoch, seconds, lines = 0, float("nan"), 0, 0.0, []
    if os.path.exists(state_path):
        state = torch.load(state_path)
        net.load_state_dict(state["net"])
        opt.load_state_dict(state["opt"])
        torch.set_rng_state(state["rng"])
        counter, val_loss, first_epoch, seconds, lines = (state[k] for k in ("counter", "val_loss", "epoch", "seconds", "lines"))
        print("\n".join(lines))
        print(f"(going on after epoch {first_epoch}, from {state_path})", flush=True)
    started = time.perf_counter() - seconds
    for e in range(first_epoch, args.epochs):
        h = net.init_hidden(batch_size)
        for x, y in batches(train_data, batch_size, seq_length):
            counter += 1
            loss, h = train_step(one_hot(x, n_chars), y, h)
            if counter % print_every == 0:
                val_loss = validation_loss()
                lines.append(f"epoch {e + 1}, step {counter}: loss {loss:.4f}, validation loss {val_loss:.4f}")
                print(lines[-1], flush=True)
        torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "rng": torch.get_rng_state(), "counter": counter,
                    "val_loss": val_loss, "epoch": e + 1, "seconds": time.perf_counter() - started, "lines": lines},
                   state_path + ".part")
        os.replace(state_path + ".part", state_path)
    os.remove(state_path)
    print(f"{time.perf_counter() - started:.1f} s")
    print(f"metric validation loss {val_loss:.4f}")
