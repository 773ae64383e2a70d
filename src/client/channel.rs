//! The hand-over between the driver's notices and the API's futures and streams, on one thread: a
//! bounded [`Queue`] (one reader) and a one-shot [`Sender`]/[`Receiver`] pair. `Rc` and `RefCell`,
//! no atomics and no `unsafe`; a waker is woken only after every borrow is released.
//!
//! Not `futures-channel`: its channels are built for threads (atomics, `Send`), and its bounded
//! sender waits when full — which a socket callback cannot. A [`Queue`] is bounded by a weight
//! (a count of events, the bytes of messages); what does not fit is either dropped and counted,
//! with a gap marker standing where it was ([`Next::Gap`]), or — for items that must not be lost
//! — kept past the bound and reported as an overflow.

use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::task::{Context, Poll, Waker};

/// What a [`Queue`] yields.
pub(crate) enum Next<T> {
    /// The next item.
    Item(T),
    /// This many items were dropped here, the queue being full.
    Gap(u64),
    /// Closed, and nothing left.
    End,
}

/// What [`Queue::push`] did. `first` is true for the first item over the bound since the reader
/// last emptied the queue (so that an overflow is reported once, not once per item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pushed {
    /// Queued, within the bound.
    Added,
    /// Queued past the bound (the queue keeps what must not be dropped).
    Kept { first: bool },
    /// Dropped and counted: it did not fit.
    Dropped { first: bool },
    /// Dropped: the queue is closed.
    Closed,
}

impl Pushed {
    /// Whether this push began an overflow (the first item over the bound since the queue was
    /// last emptied).
    pub(crate) fn overflow_started(self) -> bool {
        matches!(
            self,
            Pushed::Kept { first: true } | Pushed::Dropped { first: true }
        )
    }
}

/// What to do with an item that does not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Full {
    /// Drop it (counted; a gap marker stands where it would have been).
    Drop,
    /// Keep it anyway: the bound is exceeded, nothing is lost.
    Keep,
}

/// A queue with one reader, bounded by the total weight of what it holds.
pub(crate) struct Queue<T> {
    state: RefCell<QueueState<T>>,
}

enum Entry<T> {
    Item {
        item: T,
        weight: usize,
    },
    /// Items dropped at this place (consecutive drops share one marker).
    Gap(u64),
}

struct QueueState<T> {
    entries: VecDeque<Entry<T>>,
    full: Full,
    /// The bound, in the unit of the weights given to `push`.
    limit: usize,
    /// Total weight of the items held.
    held: usize,
    /// Items held.
    items: usize,
    /// Items dropped in all.
    dropped: u64,
    /// An overflow was reported and the reader has not emptied the queue since.
    overflowing: bool,
    /// Items dropped before the next item, for a reader that takes gaps with the item after
    /// them ([`Queue::try_take_item`]).
    missed: u64,
    closed: bool,
    waker: Option<Waker>,
}

impl<T> Queue<T> {
    /// A queue holding at most `limit` (at least 1) of weight; `full` says what happens past it.
    pub(crate) fn new(limit: usize, full: Full) -> Queue<T> {
        Queue {
            state: RefCell::new(QueueState {
                entries: VecDeque::new(),
                full,
                limit: limit.max(1),
                held: 0,
                items: 0,
                dropped: 0,
                overflowing: false,
                missed: 0,
                closed: false,
                waker: None,
            }),
        }
    }

    /// Adds `item` of `weight` if it fits: within the bound, or alone in the queue (an item
    /// heavier than the whole bound still gets through an empty queue). One that does not fit is
    /// kept or dropped, as the queue was made. Room made by the reader is used at once: a gap does
    /// not make later items wait, its marker keeps its place ahead of them.
    pub(crate) fn push(&self, item: T, weight: usize) -> Pushed {
        let (pushed, waker) = {
            let Ok(mut state) = self.state.try_borrow_mut() else {
                return Pushed::Closed;
            };
            if state.closed {
                return Pushed::Closed;
            }
            let fits = state.items == 0 || state.held.saturating_add(weight) <= state.limit;
            let first = !fits && !core::mem::replace(&mut state.overflowing, true);
            let pushed = match (fits, state.full) {
                (true, _) => Pushed::Added,
                (false, Full::Keep) => Pushed::Kept { first },
                (false, Full::Drop) => Pushed::Dropped { first },
            };
            if let Pushed::Dropped { .. } = pushed {
                state.dropped += 1;
                match state.entries.back_mut() {
                    Some(Entry::Gap(count)) => *count += 1,
                    _ => state.entries.push_back(Entry::Gap(1)),
                }
            } else {
                state.held = state.held.saturating_add(weight);
                state.items += 1;
                state.entries.push_back(Entry::Item { item, weight });
            }
            (pushed, state.waker.take())
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        pushed
    }

    /// No more items: the reader gets what is queued (gaps included), then [`Next::End`].
    pub(crate) fn close(&self) {
        let waker = match self.state.try_borrow_mut() {
            Ok(mut state) => {
                state.closed = true;
                state.waker.take()
            }
            Err(_) => None,
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Closes the queue and takes out every item still in it, in order (gaps left out).
    pub(crate) fn close_and_take_all(&self) -> Vec<T> {
        self.close();
        let Ok(mut state) = self.state.try_borrow_mut() else {
            return Vec::new();
        };
        let entries = core::mem::take(&mut state.entries);
        state.held = 0;
        state.items = 0;
        state.overflowing = false;
        entries
            .into_iter()
            .filter_map(|entry| match entry {
                Entry::Item { item, .. } => Some(item),
                Entry::Gap(_) => None,
            })
            .collect()
    }

    pub(crate) fn set_limit(&self, limit: usize) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            state.limit = limit.max(1);
        }
    }

    /// Items dropped in all.
    pub(crate) fn dropped(&self) -> u64 {
        self.state.try_borrow().map_or(0, |state| state.dropped)
    }

    /// Items waiting, and their total weight.
    pub(crate) fn held(&self) -> (usize, usize) {
        self.state
            .try_borrow()
            .map_or((0, 0), |state| (state.items, state.held))
    }

    /// Closed and emptied: the reader has seen [`Next::End`] or will next.
    pub(crate) fn is_finished(&self) -> bool {
        self.state
            .try_borrow()
            .map_or(true, |s| s.closed && s.entries.is_empty())
    }

    /// Without waiting: the next item, gap or end; `None` when the reader must wait.
    pub(crate) fn try_take(&self) -> Option<Next<T>> {
        let mut state = self.state.try_borrow_mut().ok()?;
        let next = match state.entries.pop_front() {
            Some(Entry::Item { item, weight }) => {
                state.held = state.held.saturating_sub(weight);
                state.items -= 1;
                Next::Item(item)
            }
            Some(Entry::Gap(count)) => Next::Gap(count),
            None => return state.closed.then_some(Next::End),
        };
        if state.entries.is_empty() {
            // Caught up: the next overflow is a new one.
            state.overflowing = false;
        }
        Some(next)
    }

    pub(crate) fn poll(&self, cx: &mut Context<'_>) -> Poll<Next<T>> {
        match self.try_take() {
            Some(next) => Poll::Ready(next),
            None => self.wait(cx),
        }
    }

    /// Without waiting: the next item and how many were dropped just before it (a gap is told
    /// by the item after it, not yielded); `Some(None)` at the end; `None` when the reader must
    /// wait. A reader uses this or [`try_take`](Queue::try_take), not both.
    pub(crate) fn try_take_item(&self) -> Option<Option<(T, u64)>> {
        loop {
            let next = self.try_take()?;
            let mut state = self.state.try_borrow_mut().ok()?;
            match next {
                Next::Item(item) => return Some(Some((item, core::mem::take(&mut state.missed)))),
                Next::Gap(count) => state.missed += count,
                Next::End => return Some(None),
            }
        }
    }

    /// [`try_take_item`](Queue::try_take_item), waiting.
    pub(crate) fn poll_item(&self, cx: &mut Context<'_>) -> Poll<Option<(T, u64)>> {
        match self.try_take_item() {
            Some(next) => Poll::Ready(next),
            None => self.wait(cx),
        }
    }

    fn wait<R>(&self, cx: &mut Context<'_>) -> Poll<R> {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            match &state.waker {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                _ => state.waker = Some(cx.waker().clone()),
            }
        }
        Poll::Pending
    }
}

/// A one-shot slot shared by a [`Sender`] and a [`Receiver`].
struct Slot<T> {
    state: RefCell<SlotState<T>>,
}

enum SlotState<T> {
    Empty(Option<Waker>),
    Full(T),
    /// Taken, or the sender went away without sending.
    Done,
}

/// Completes one [`Receiver`]; dropping it unsent completes the receiver with `None`.
pub(crate) struct Sender<T> {
    slot: Rc<Slot<T>>,
}

/// Waits for one value from its [`Sender`].
pub(crate) struct Receiver<T> {
    slot: Rc<Slot<T>>,
}

pub(crate) fn oneshot<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Rc::new(Slot {
        state: RefCell::new(SlotState::Empty(None)),
    });
    (Sender { slot: slot.clone() }, Receiver { slot })
}

impl<T> Sender<T> {
    pub(crate) fn send(self, value: T) {
        self.finish(Some(value));
    }

    fn finish(&self, value: Option<T>) {
        let waker = match self.slot.state.try_borrow_mut() {
            Ok(mut state) => match &mut *state {
                SlotState::Empty(waker) => {
                    let waker = waker.take();
                    *state = match value {
                        Some(value) => SlotState::Full(value),
                        None => SlotState::Done,
                    };
                    waker
                }
                _ => None,
            },
            Err(_) => None,
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.finish(None);
    }
}

impl<T> Receiver<T> {
    /// The value, or `None` if the sender went away without one.
    pub(crate) fn poll(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let Ok(mut state) = self.slot.state.try_borrow_mut() else {
            return Poll::Pending;
        };
        match &mut *state {
            SlotState::Empty(waker) => {
                match waker {
                    Some(waker) if waker.will_wake(cx.waker()) => {}
                    _ => *waker = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
            SlotState::Full(_) => match core::mem::replace(&mut *state, SlotState::Done) {
                SlotState::Full(value) => Poll::Ready(Some(value)),
                _ => Poll::Ready(None),
            },
            SlotState::Done => Poll::Ready(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::sync::Arc;
    use alloc::task::Wake;
    use core::sync::atomic::{AtomicUsize, Ordering};

    /// A waker that counts its wakes.
    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counting() -> (Arc<Count>, Waker) {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        (count.clone(), Waker::from(count))
    }

    #[test]
    fn a_reader_of_items_is_told_a_gap_by_the_item_after_it_even_across_a_wait() {
        let queue = Queue::new(2, Full::Drop);
        let (wakes, waker) = counting();
        let mut cx = Context::from_waker(&waker);
        for n in 1..=4 {
            queue.push(n, 1);
        }
        assert_eq!(queue.poll_item(&mut cx), Poll::Ready(Some((1, 0))));
        assert_eq!(queue.poll_item(&mut cx), Poll::Ready(Some((2, 0))));
        // The gap is taken, nothing follows yet: the reader waits, and is woken by the next item.
        assert_eq!(queue.poll_item(&mut cx), Poll::Pending);
        assert_eq!(wakes.0.load(Ordering::SeqCst), 0);
        assert_eq!(queue.push(5, 1), Pushed::Added);
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
        assert_eq!(queue.poll_item(&mut cx), Poll::Ready(Some((5, 2))));
        queue.close();
        assert_eq!(queue.poll_item(&mut cx), Poll::Ready(None));
        assert!(queue.is_finished());
        assert_eq!(queue.push(6, 1), Pushed::Closed);
    }

    #[test]
    fn a_keeping_queue_goes_past_its_bound_and_reports_it_once_until_emptied() {
        let queue = Queue::new(10, Full::Keep);
        assert_eq!(queue.push("a", 6), Pushed::Added);
        assert_eq!(queue.push("b", 6), Pushed::Kept { first: true });
        assert_eq!(queue.push("c", 6), Pushed::Kept { first: false });
        assert_eq!((queue.held(), queue.dropped()), ((3, 18), 0));
        assert_eq!(queue.try_take_item(), Some(Some(("a", 0))));
        assert_eq!(queue.push("d", 1), Pushed::Kept { first: false });
        assert_eq!(queue.try_take_item(), Some(Some(("b", 0))));
        assert_eq!(queue.try_take_item(), Some(Some(("c", 0))));
        assert_eq!(queue.try_take_item(), Some(Some(("d", 0))));
        assert_eq!(queue.try_take_item(), None, "empty: wait");
        assert_eq!(
            queue.push("e", 20),
            Pushed::Added,
            "alone, whatever its weight"
        );
        assert_eq!(queue.push("f", 1), Pushed::Kept { first: true });
        assert!(Pushed::Kept { first: true }.overflow_started());
        assert!(Pushed::Dropped { first: true }.overflow_started());
        assert!(!Pushed::Kept { first: false }.overflow_started());
        assert!(!Pushed::Added.overflow_started());
    }

    #[test]
    fn closing_and_taking_all_leaves_gaps_out_and_ends_the_reader() {
        let queue = Queue::new(2, Full::Drop);
        for n in 1..=3 {
            queue.push(n, 1);
        }
        queue.try_take();
        queue.push(4, 1);
        assert_eq!(queue.close_and_take_all(), [2, 4]);
        assert_eq!(queue.held(), (0, 0));
        assert!(queue.is_finished());
        assert_eq!(queue.try_take_item(), Some(None));
        assert_eq!(queue.dropped(), 1);
    }

    #[test]
    fn a_new_limit_applies_to_the_next_push() {
        let queue = Queue::new(1, Full::Drop);
        queue.push(1, 1);
        assert_eq!(queue.push(2, 1), Pushed::Dropped { first: true });
        queue.set_limit(3);
        assert_eq!(queue.push(3, 1), Pushed::Added);
        queue.set_limit(0);
        assert_eq!(queue.push(4, 1), Pushed::Dropped { first: false });
    }
}
