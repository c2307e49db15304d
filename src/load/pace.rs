//! Open-loop arrivals (`--rate`): requests fall due at fixed times whatever the
//! server does, as with wrk2 and oha's `-q`, and each one's latency runs from that
//! time, so a server that stalls is charged for every request it kept waiting,
//! including those that could not even be sent (no coordinated omission).
//!
//! Each thread has its share: its k-th request is the run's (k·threads + i)-th, so
//! the threads' arrivals interleave evenly. A dispatcher a thread sleeps until the
//! next request is due and hands every request then due to an idle slot (the one
//! that went idle last, so that few connections stay in use), opens a new slot
//! while the thread has fewer than its share of `--connections`, and otherwise
//! counts the request late: it waits, in order, for the first slot to finish. It is
//! never skipped; the window's end may leave some due and never started.
//!
//! Tokio's timers tick every millisecond: a request can go out up to 1 ms after its
//! intended time, and that too is in its corrected latency.
use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use super::live::{bump, Counters};
use super::stats::Arrivals;

/// One thread's arrivals.
pub struct Pace {
    start: Instant,
    end: Instant,
    rate: u64,
    stride: u64,
    offset: u64,
    max_slots: usize,
    /// Requests due so far, and taken by a slot so far: those between are late and
    /// waiting for a slot.
    released: Cell<u64>,
    taken: Cell<u64>,
    started: Cell<u64>,
    late: Cell<u64>,
    slots: Cell<usize>,
    ended: Cell<bool>,
    /// Slots waiting for their next request, the last to go idle on top.
    idle: RefCell<Vec<Rc<Mailbox>>>,
}

impl Pace {
    /// Thread `thread` of `threads` in a run of `rate` requests a second from
    /// `start` to `end`, with at most `max_slots` connections of its own.
    pub fn new(
        start: Instant,
        end: Instant,
        rate: u32,
        (thread, threads): (usize, usize),
        max_slots: usize,
    ) -> Pace {
        Pace {
            start,
            end,
            rate: u64::from(rate.max(1)),
            stride: threads.max(1) as u64,
            offset: thread as u64,
            max_slots,
            released: Cell::new(0),
            taken: Cell::new(0),
            started: Cell::new(0),
            late: Cell::new(0),
            slots: Cell::new(0),
            ended: Cell::new(false),
            idle: RefCell::new(Vec::with_capacity(max_slots)),
        }
    }

    /// When this thread's request `k` is due (at the window's end if beyond it).
    pub fn due(&self, k: u64) -> Instant {
        let nth = u128::from(k) * u128::from(self.stride) + u128::from(self.offset);
        let nanos = nth * 1_000_000_000 / u128::from(self.rate);
        u64::try_from(nanos)
            .ok()
            .and_then(|n| self.start.checked_add(Duration::from_nanos(n)))
            .map_or(self.end, |t| t.min(self.end))
    }

    /// A slot's next request: the oldest waiting, or else the next to fall due,
    /// handed over by the dispatcher. None once the window is over.
    pub async fn next(&self, mailbox: &Rc<Mailbox>, now: Instant) -> Option<u64> {
        if now >= self.end {
            return None;
        }
        if self.taken.get() < self.released.get() {
            return Some(self.take_oldest());
        }
        if self.ended.get() {
            return None;
        }
        // Within capacity: every slot is pushed at most once before it is popped.
        self.idle.borrow_mut().push(mailbox.clone());
        mailbox.wait().await
    }

    /// A slot began its request (a connect or a write) within the window.
    pub fn started(&self) {
        self.started.set(self.started.get() + 1);
    }

    /// The oldest waiting request; called only when one is waiting (taken < released).
    fn take_oldest(&self) -> u64 {
        let k = self.taken.get();
        self.taken.set(k + 1);
        k
    }

    /// Releases every request when it falls due until the window's end, then tells
    /// the idle slots to stop. `open` starts a new slot with its first request.
    pub async fn dispatch(&self, live: &Counters, mut open: impl FnMut(u64)) {
        let timer = tokio::time::sleep_until(self.start.into());
        tokio::pin!(timer);
        loop {
            let next = self.due(self.released.get());
            if next >= self.end {
                break;
            }
            if next > Instant::now() {
                timer.as_mut().reset(next.into());
                (&mut timer).await;
            }
            let now = Instant::now();
            loop {
                let k = self.released.get();
                let due = self.due(k);
                if due > now || due >= self.end {
                    break;
                }
                self.released.set(k + 1);
                let idle = self.idle.borrow_mut().pop();
                if let Some(slot) = idle {
                    slot.give(self.take_oldest());
                } else if self.slots.get() < self.max_slots {
                    self.slots.set(self.slots.get() + 1);
                    open(self.take_oldest());
                } else {
                    // Every slot is busy: the request waits for the first to finish.
                    self.late.set(self.late.get() + 1);
                    bump(&live.late);
                }
            }
        }
        self.ended.set(true);
        let idle = std::mem::take(&mut *self.idle.borrow_mut());
        for slot in idle {
            slot.close();
        }
    }

    /// What the thread's arrivals came to.
    pub fn arrivals(&self) -> Arrivals {
        Arrivals {
            due: self.released.get(),
            started: self.started.get(),
            late: self.late.get(),
        }
    }
}

/// Where an idle slot waits for its next request.
#[derive(Default)]
pub struct Mailbox {
    request: Cell<Option<u64>>,
    closed: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Mailbox {
    fn give(&self, k: u64) {
        self.request.set(Some(k));
        self.wake();
    }

    fn close(&self) {
        self.closed.set(true);
        self.wake();
    }

    fn wake(&self) {
        if let Some(w) = &*self.waker.borrow() {
            w.wake_by_ref();
        }
    }

    async fn wait(&self) -> Option<u64> {
        poll_fn(|cx| {
            if let Some(k) = self.request.take() {
                return Poll::Ready(Some(k));
            }
            if self.closed.get() {
                return Poll::Ready(None);
            }
            let mut waker = self.waker.borrow_mut();
            if !waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *waker = Some(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pace(rate: u32, thread: usize, threads: usize) -> (Instant, Pace) {
        paced_from(Instant::now(), rate, thread, threads)
    }

    /// A pace from a given start: the threads of one run share it.
    fn paced_from(start: Instant, rate: u32, thread: usize, threads: usize) -> (Instant, Pace) {
        let p = Pace::new(
            start,
            start + Duration::from_secs(2),
            rate,
            (thread, threads),
            4,
        );
        (start, p)
    }

    #[test]
    fn threads_interleave_evenly() {
        let (start, a) = pace(1000, 0, 2);
        let (_, b) = paced_from(start, 1000, 1, 2);
        let at = |p: &Pace, k| p.due(k).saturating_duration_since(start).as_micros();
        assert!(at(&a, 0) < 2 && (1999..=2001).contains(&at(&a, 1)));
        assert!((999..=1001).contains(&at(&b, 0)) && (2999..=3001).contains(&at(&b, 1)));
        let (start, one) = pace(3, 0, 1);
        assert_eq!(one.due(3) - start, Duration::from_secs(1));
        assert_eq!(one.due(6), one.end, "past the window: its end");
        assert_eq!(one.due(u64::MAX), one.end);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn an_idle_slot_takes_every_request_it_can() {
        // 20 requests 5 ms apart, room for 20 connections: the one slot that is
        // idle takes them, and a new one opens only when the dispatcher woke late
        // enough (a loaded machine) to find two due at once.
        let start = Instant::now();
        let p = Pace::new(start, start + Duration::from_millis(100), 200, (0, 1), 20);
        let live = Counters::default();
        let mut opened = Vec::new();
        let mut got = Vec::new();
        let mb = Rc::new(Mailbox::default());
        let slot = async {
            while let Some(k) = p.next(&mb, Instant::now()).await {
                got.push(k);
            }
        };
        tokio::join!(p.dispatch(&live, |k| opened.push(k)), slot);
        assert_eq!(opened.first(), Some(&0));
        assert!(
            opened.len() <= 5,
            "opened {opened:?}, the idle slot got {got:?}"
        );
        let mut all: Vec<u64> = opened.iter().chain(&got).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..20).collect::<Vec<_>>(), "each request once");
        assert_eq!((p.arrivals().due, p.arrivals().late), (20, 0));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn with_every_slot_busy_requests_are_late_and_wait_in_order() {
        let start = Instant::now();
        let p = Pace::new(start, start + Duration::from_millis(50), 1000, (0, 1), 2);
        let live = Counters::default();
        let mut opened = Vec::new();
        // No slot ever finishes: two are opened, every later request is late.
        p.dispatch(&live, |k| opened.push(k)).await;
        assert_eq!(opened, vec![0, 1]);
        let a = p.arrivals();
        assert_eq!((a.due, a.late), (50, 48));
        assert_eq!(live.late.load(std::sync::atomic::Ordering::Relaxed), 48);
        // The late ones wait in order; none after the window.
        let mb = Rc::new(Mailbox::default());
        assert_eq!(p.next(&mb, start).await, Some(2));
        assert_eq!(p.next(&mb, start).await, Some(3));
        assert_eq!(p.next(&mb, start + Duration::from_millis(50)).await, None);
    }
}
