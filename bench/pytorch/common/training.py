"""The lessons' training loop (zero the gradients, forward, loss, backward, step), Parts 3 and 4's fit over
shuffled batches of 64, the evaluation pass the classifiers' lessons measure with, and Section 3's loop that keeps
the weights of the epoch with the lowest validation loss."""
import copy
import time

import torch

from common import idx


def timed(action):
    """Runs `action`; returns its wall-clock time and the CPU time of the process (all its threads), in seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def epoch(model, criterion, optimizer, batches):
    """One pass of the lessons' loop over `batches` (pairs of images and labels); returns the summed batch losses."""
    total = 0.0
    for images, labels in batches:
        optimizer.zero_grad()
        loss = criterion(model(images), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total


def fit(model, criterion, optimizer, x, y, epochs, shuffle, print_epochs=False):
    """Trains for `epochs` epochs, prints the time taken and the mean training loss of the last epoch."""
    batches = idx.batch_count(len(x), 64)
    started = time.perf_counter()
    for epoch_index in range(epochs):
        last = epoch(model, criterion, optimizer, idx.shuffled_batches(x, y, 64, shuffle)) / batches
        if print_epochs:
            print(f"epoch {epoch_index + 1}: training loss {last:.4f}")
    print(f"{time.perf_counter() - started:.1f} s")
    print(f"metric training loss {last:.4f}")


def evaluate(model, criterion, batches):
    """Evaluation mode (dropout off), no gradients: the mean loss per sample and the accuracy in percent over
    `batches`. The model is left in evaluation mode."""
    model.eval()
    loss_sum, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for images, labels in batches:
            output = model(images)
            loss_sum += criterion(output, labels).item() * len(labels)
            correct += (output.argmax(1) == labels).sum().item()
            seen += len(labels)
    return loss_sum / seen, 100.0 * correct / seen


def fit_keeping_best(model, criterion, optimizer, train_batches, batch_count, valid_batches, epochs, keep_ties=False):
    """Section 3's loop: each epoch trains over `train_batches()` (a fresh epoch of `batch_count` batches per call) in
    training mode, then measures the validation loss per sample over `valid_batches()`; a copy of the weights is kept
    whenever that loss is the lowest so far (or equals it, with keep_ties). Prints each epoch; loads the kept weights
    at the end and returns their epoch."""
    best_loss, best_state, best_epoch = float("inf"), None, 0
    started = time.perf_counter()
    for epoch_number in range(1, epochs + 1):
        model.train()
        train_loss = epoch(model, criterion, optimizer, train_batches()) / batch_count
        valid_loss, _ = evaluate(model, criterion, valid_batches())
        kept = valid_loss < best_loss or (keep_ties and valid_loss == best_loss)
        if kept:
            best_loss, best_state, best_epoch = valid_loss, copy.deepcopy(model.state_dict()), epoch_number
        print(f"epoch {epoch_number}: training loss {train_loss:.4f} (mean over batches), validation loss {valid_loss:.4f}"
              f"{'  <- kept' if kept else ''}  ({time.perf_counter() - started:.0f} s)", flush=True)
    model.load_state_dict(best_state)
    return best_epoch
