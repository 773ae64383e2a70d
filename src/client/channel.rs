//! The hand-over between the driver's notices and the API's futures and streams, on one thread: a
//! bounded [`Queue`] (one reader) and a one-shot [`Sender`]/[`Receiver`] pair. `Rc` and `RefCell`,
//! no atomics and no `unsafe`; a waker is woken only after every borrow is released.
//!
//! Not `futures-channel`: its channels are built for threads (atomics, `Send`), and its bounded
//! sender waits when full — which a socket callback cannot. A full [`Queue`] drops what comes next
//! and counts it until its reader has emptied it, so that the reader learns exactly where the gap
//! is ([`Next::Gap`]).

use alloc::collections::VecDeque;
use alloc::rc::Rc;
use core::cell::RefCell;
use core::task::{Context, Poll, Waker};

/// What a [`Queue`] yields.
pub(crate) enum Next<T> {
    /// The next item.
    Item(T),
    /// This many items were dropped here, the queue being full.
    Gap(usize),
    /// Closed, and nothing left.
    End,
}

/// What [`Queue::push`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pushed {
    /// Queued.
    Added,
    /// Dropped: the queue is full, and this is the first item of a new gap.
    GapStarted,
    /// Dropped: the queue is in a gap (full, or not yet emptied since it was).
    Dropped,
    /// Dropped: the queue is closed.
    Closed,
}

/// A bounded queue with one reader.
pub(crate) struct Queue<T> {
    state: RefCell<QueueState<T>>,
}

struct QueueState<T> {
    items: VecDeque<T>,
    limit: usize,
    /// Items dropped since the gap began (0: no gap).
    gap: usize,
    /// Items dropped in all.
    dropped: usize,
    closed: bool,
    waker: Option<Waker>,
}

impl<T> Queue<T> {
    pub(crate) fn new(limit: usize) -> Queue<T> {
        Queue {
            state: RefCell::new(QueueState {
                items: VecDeque::new(),
                limit: limit.max(1),
                gap: 0,
                dropped: 0,
                closed: false,
                waker: None,
            }),
        }
    }

    /// Adds `item` unless the queue is closed, full, or in a gap: a gap lasts until the reader has
    /// taken everything queued before it, so that what follows a gap never overtakes it.
    pub(crate) fn push(&self, item: T) -> Pushed {
        let (pushed, waker) = {
            let Ok(mut state) = self.state.try_borrow_mut() else {
                return Pushed::Closed;
            };
            let pushed = if state.closed {
                Pushed::Closed
            } else if state.gap > 0 || state.items.len() >= state.limit {
                state.gap += 1;
                state.dropped += 1;
                match state.gap {
                    1 => Pushed::GapStarted,
                    _ => Pushed::Dropped,
                }
            } else {
                state.items.push_back(item);
                Pushed::Added
            };
            let waker = match pushed {
                Pushed::Added | Pushed::GapStarted => state.waker.take(),
                _ => None,
            };
            (pushed, waker)
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        pushed
    }

    /// No more items: the reader gets what is queued (and a last gap), then [`Next::End`].
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

    pub(crate) fn set_limit(&self, limit: usize) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            state.limit = limit.max(1);
        }
    }

    /// Items dropped in all.
    pub(crate) fn dropped(&self) -> usize {
        self.state.try_borrow().map_or(0, |state| state.dropped)
    }

    /// Closed and emptied: the reader has seen [`Next::End`] or will next.
    pub(crate) fn is_finished(&self) -> bool {
        self.state
            .try_borrow()
            .map_or(true, |s| s.closed && s.items.is_empty() && s.gap == 0)
    }

    /// Without waiting: the next item, gap or end; `None` when the reader must wait.
    pub(crate) fn try_take(&self) -> Option<Next<T>> {
        let mut state = self.state.try_borrow_mut().ok()?;
        if let Some(item) = state.items.pop_front() {
            return Some(Next::Item(item));
        }
        if state.gap > 0 {
            return Some(Next::Gap(core::mem::take(&mut state.gap)));
        }
        state.closed.then_some(Next::End)
    }

    pub(crate) fn poll(&self, cx: &mut Context<'_>) -> Poll<Next<T>> {
        if let Some(next) = self.try_take() {
            return Poll::Ready(next);
        }
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
