//! Whole datasets, chunk by chunk: the members in chunks of [`CHUNK_MEMBERS`], each chunk
//! with the records its members received, decided in parallel with one state (one
//! evaluation's memo) per thread, so that memory follows the chunk.

use rayon::prelude::*;

/// Members decided together when a whole dataset is evaluated chunk by chunk: with the
/// records they received, their memo slots stay within the processor's caches.
pub const CHUNK_MEMBERS: usize = 256;

/// What a whole-dataset evaluation tells as it goes: how many members a finished chunk held.
pub type Progress<'a> = &'a (dyn Fn(usize) + Sync);

/// No progress to tell.
pub fn quietly(_: usize) {}

/// Runs `work` on every chunk of the first `members` member indices, in parallel, each
/// thread with a state made by `init` (an evaluation, or two); the results in chunk order.
pub fn over_chunks<S, T: Send>(
    members: usize,
    progress: Progress,
    init: impl Fn() -> S + Sync + Send,
    work: impl Fn(&mut S, &[usize]) -> T + Sync + Send,
) -> Vec<T> {
    let indices: Vec<usize> = (0..members).collect();
    indices
        .par_chunks(CHUNK_MEMBERS)
        .map_init(init, |state, chunk| {
            let result = work(state, chunk);
            progress(chunk.len());
            result
        })
        .collect()
}

/// Runs `work` on every chunk of the first `members` member indices on as many threads as
/// rayon's pool has, each with a state made by `init`, and hands each result to `sink` in
/// chunk order, as soon as it and every chunk before it are done. At most a few chunks per
/// thread are done and not yet handed over, so that memory holds a window of chunks, not
/// the whole dataset's results. The first error of `sink` stops the work and is returned.
pub fn over_chunks_in_order<S, T: Send, E>(
    members: usize,
    progress: Progress,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &[usize]) -> T + Sync,
    mut sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex, PoisonError};

    let chunks: Vec<(usize, usize)> = (0..members)
        .step_by(CHUNK_MEMBERS)
        .map(|start| (start, (start + CHUNK_MEMBERS).min(members)))
        .collect();
    let threads = rayon::current_num_threads().max(1);
    let window = threads * 4;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // How many chunks have been handed to `sink`, and a signal when it grows.
    let handed = (Mutex::new(0usize), Condvar::new());
    let (sender, receiver) = std::sync::mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let sender = sender.clone();
            let (chunks, next, stop, handed) = (&chunks, &next, &stop, &handed);
            let (init, work) = (&init, &work);
            scope.spawn(move || {
                let mut state = init();
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&(start, end)) = chunks.get(index) else {
                        return;
                    };
                    let (count, signal) = handed;
                    let mut done = count.lock().unwrap_or_else(PoisonError::into_inner);
                    while index >= *done + window && !stop.load(Ordering::SeqCst) {
                        done = signal.wait(done).unwrap_or_else(PoisonError::into_inner);
                    }
                    drop(done);
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let chunk: Vec<usize> = (start..end).collect();
                    let result = work(&mut state, &chunk);
                    progress(chunk.len());
                    if sender.send((index, result)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        let mut pending = BTreeMap::new();
        let mut expected = 0;
        let mut outcome = Ok(());
        for (index, result) in receiver {
            pending.insert(index, result);
            while let Some(result) = pending.remove(&expected) {
                if outcome.is_ok() {
                    outcome = sink(result);
                    if outcome.is_err() {
                        stop.store(true, Ordering::SeqCst);
                    }
                }
                expected += 1;
                let (count, signal) = &handed;
                *count.lock().unwrap_or_else(PoisonError::into_inner) = expected;
                signal.notify_all();
            }
        }
        outcome
    })
}
