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
