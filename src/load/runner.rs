//! The threads of a run: one OS thread a core, each with its own single-threaded
//! tokio runtime running its share of the connection slots (and, in an open-loop
//! run, its share of the arrivals), so nothing the hot loop touches is shared or
//! locked. Counts come back once, at the end, and are merged.
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::conn::{connection, Plan, Worker};
use super::live::Counters;
use super::pace::Pace;
use super::stats::Stats;
use super::LoadError;

/// What one thread hands back.
pub struct ThreadResult {
    pub stats: Stats,
    pub finished: Instant,
    pub cancelled: bool,
}

/// A run in progress: its live counters, and the threads' results to await.
pub struct Running {
    pub plan: Arc<Plan>,
    pub counters: Vec<Arc<Counters>>,
    results: Vec<oneshot::Receiver<ThreadResult>>,
}

/// How many slots each thread gets: as even as can be, no thread without one.
pub fn split(connections: usize, threads: usize) -> Vec<usize> {
    let threads = threads.clamp(1, connections.max(1));
    (0..threads)
        .map(|i| connections / threads + usize::from(i < connections % threads))
        .collect()
}

/// How a thread's slots are driven.
#[derive(Debug, Clone, Copy)]
pub enum Drive {
    /// Every slot sends its next request as soon as the last is answered.
    Closed,
    /// Requests fall due at this many a second, on slots opened as needed.
    Rate(u32),
}

pub fn start(
    plan: Arc<Plan>,
    connections: usize,
    threads: usize,
    drive: Drive,
    cancel: &CancellationToken,
) -> Result<Running, LoadError> {
    let mut counters = Vec::new();
    let mut results = Vec::new();
    let shares = split(connections, threads);
    let threads = shares.len();
    for (i, slots) in shares.into_iter().enumerate() {
        let live = Arc::new(Counters::default());
        let (tx, rx) = oneshot::channel();
        let (plan, live2, cancel) = (plan.clone(), live.clone(), cancel.clone());
        std::thread::Builder::new()
            .name(format!("perflab-load-{i}"))
            .spawn(move || {
                // Built on its thread: a pace holds the thread's own slots.
                let pace = match drive {
                    Drive::Closed => None,
                    Drive::Rate(rate) => {
                        Some(Pace::new(plan.start, plan.end, rate, (i, threads), slots))
                    }
                };
                if let Some(result) = thread_main(plan, live2, slots, pace, cancel) {
                    let _ = tx.send(result);
                }
            })
            .map_err(|e| LoadError::Runtime(format!("cannot start load thread {i}: {e}")))?;
        counters.push(live);
        results.push(rx);
    }
    Ok(Running {
        plan,
        counters,
        results,
    })
}

impl Running {
    /// Waits for every thread and merges their counts.
    pub async fn finish(self) -> Result<(Stats, Instant, bool), LoadError> {
        let mut total = Stats::default();
        let mut last = self.plan.start;
        let mut cancelled = false;
        for rx in self.results {
            let r = rx
                .await
                .map_err(|_| LoadError::Runtime("a load thread stopped unexpectedly".into()))?;
            total.merge(&r.stats);
            last = last.max(r.finished);
            cancelled |= r.cancelled;
        }
        Ok((total, last, cancelled))
    }
}

fn thread_main(
    plan: Arc<Plan>,
    live: Arc<Counters>,
    slots: usize,
    pace: Option<Pace>,
    cancel: CancellationToken,
) -> Option<ThreadResult> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    let local = tokio::task::LocalSet::new();
    let worker = Rc::new(Worker::new(plan.clone(), live, pace));
    // Every slot settles by `hard` on its own timers; the extra second is a backstop.
    let backstop = plan.hard + Duration::from_secs(1);
    let cancelled = local.block_on(&rt, async {
        let all = async {
            let mut handles = Vec::with_capacity(slots);
            match &worker.pace {
                None => handles.extend(
                    (0..slots).map(|_| tokio::task::spawn_local(connection(worker.clone(), None))),
                ),
                Some(pace) => {
                    pace.dispatch(&worker.live, |first| {
                        handles.push(tokio::task::spawn_local(connection(
                            worker.clone(),
                            Some(first),
                        )));
                    })
                    .await
                }
            }
            for h in handles {
                let _ = h.await;
            }
        };
        tokio::select! {
            () = all => false,
            () = cancel.cancelled() => true,
            () = tokio::time::sleep_until(backstop.into()) => false,
        }
    });
    let finished = Instant::now();
    drop(local); // aborts whatever is still in flight
    let mut stats = worker.stats.take();
    if let Some(pace) = &worker.pace {
        stats.arrivals = pace.arrivals();
    }
    Some(ThreadResult {
        stats,
        finished,
        cancelled,
    })
}

/// Raises the soft open-files limit to what the connections need, up to the hard limit.
pub fn ensure_file_limit(connections: usize) -> Result<(), LoadError> {
    let needed = connections as u64 + 256;
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Ok(()); // cannot tell: let connects report EMFILE if it comes to that
    }
    if lim.rlim_cur >= needed {
        return Ok(());
    }
    if lim.rlim_max < needed {
        return Err(LoadError::FileLimit {
            connections,
            needed,
            limit: lim.rlim_max,
        });
    }
    lim.rlim_cur = needed.max(lim.rlim_cur);
    // SAFETY: as above.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
        return Err(LoadError::FileLimit {
            connections,
            needed,
            limit: lim.rlim_cur,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn slots_are_split_evenly() {
        assert_eq!(split(1000, 2), vec![500, 500]);
        assert_eq!(split(5, 2), vec![3, 2]);
        assert_eq!(split(1, 4), vec![1]);
        assert_eq!(split(7, 3).iter().sum::<usize>(), 7);
    }
}
