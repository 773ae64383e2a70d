//! The drive loop: inputs wait in the inbox; one loop at a time feeds them to the session, collects
//! what the session asks for, and carries it out with no borrow of the driver's state held (a
//! socket, a factory, a callback is user code and may call the driver back). See the module
//! documentation of the driver for the order guarantees.

use alloc::rc::{Rc, Weak};
use alloc::string::String;
use alloc::vec::Vec;

use crate::session::{Action, CloseInfo, CloseReason, Event};
use crate::text::concat;

use super::super::debug::describe_js;
use super::super::hooks::{Hook, Hooks};
use super::super::timer::DeadlineTimer;
use super::super::transport::{self, Kind, SocketEvent, Transport};
use super::outgoing::{self, Outgoing};
use super::{Core, Driver, Handler, Input, Notice, Shared};

/// What the drive loop does with no borrow held.
pub(super) enum Work {
    Open {
        generation: u64,
        url: String,
        versions: Vec<crate::frame::Version>,
        kind: Kind,
    },
    Close(Rc<dyn Transport>, bool),
    Send(Rc<dyn Transport>, Vec<Outgoing>, bool),
    Notice(Notice),
}

/// Queues an input and drives — unless a command called from outside the loop is running and the
/// input is a socket's: then it waits for the microtask after the command.
pub(super) fn push_input(shared: &Rc<Shared>, input: Input) {
    if shared.commanding.get() && matches!(input, Input::Socket(..)) {
        let first = match shared.later.try_borrow_mut() {
            Ok(mut later) => {
                later.push_back(input);
                later.len() == 1
            }
            Err(_) => false,
        };
        if first {
            schedule_later(shared);
        }
        return;
    }
    if let Ok(mut inbox) = shared.inbox.try_borrow_mut() {
        inbox.push_back(input);
    }
    drive(shared);
}

/// After a command: the whole loop when called from outside it; the actions and frames alone when
/// called back from inside it (the running loop delivers the events).
pub(super) fn after_command(shared: &Rc<Shared>) {
    if shared.driving.get() {
        write_outputs(shared);
        return;
    }
    let was = shared.commanding.replace(true);
    drive(shared);
    shared.commanding.set(was);
}

/// A microtask that moves the socket events that waited for a command into the inbox and drives.
fn schedule_later(shared: &Rc<Shared>) {
    let poll = {
        let Ok(mut core) = shared.core.try_borrow_mut() else {
            return;
        };
        let weak = Rc::downgrade(shared);
        core.later_poll
            .get_or_insert_with(|| {
                wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                    if let Some(shared) = weak.upgrade() {
                        run_later(&shared);
                    }
                })
                .into_js_value()
                .into()
            })
            .clone()
    };
    let _ = crate::web::shims::soon(&poll);
}

fn run_later(shared: &Rc<Shared>) {
    let waiting = match shared.later.try_borrow_mut() {
        Ok(mut later) => core::mem::take(&mut *later),
        Err(_) => return,
    };
    if let Ok(mut inbox) = shared.inbox.try_borrow_mut() {
        inbox.extend(waiting);
    }
    drive(shared);
}

/// Drains the inbox and the session's outputs until both are empty, running user and transport code
/// with no borrow held. Re-entrant calls return at once: the running loop picks up what they queued.
pub(super) fn drive(shared: &Rc<Shared>) {
    if shared.driving.replace(true) {
        return;
    }
    let weak = Rc::downgrade(shared);
    let driver = Driver {
        shared: shared.clone(),
    };
    let mut work = Vec::new();
    loop {
        let input = shared
            .inbox
            .try_borrow_mut()
            .ok()
            .and_then(|mut inbox| inbox.pop_front());
        let had_input = input.is_some();
        {
            let Ok(mut core) = shared.core.try_borrow_mut() else {
                break;
            };
            if let Some(input) = input {
                core.feed(input, &weak, &mut work);
            }
            core.collect(&weak, &mut work);
        }
        let had_work = !work.is_empty();
        for item in work.drain(..) {
            run(shared, &driver, item);
        }
        let inbox_empty = shared.inbox.try_borrow().map_or(true, |i| i.is_empty());
        if !had_input && !had_work && inbox_empty {
            break;
        }
    }
    let lines = match shared.core.try_borrow_mut() {
        Ok(mut core) => {
            core.arm_timer(&weak);
            core.log.take()
        }
        Err(_) => Vec::new(),
    };
    for line in lines {
        run(shared, &driver, Work::Notice(Notice::Debug(line)));
    }
    shared.driving.set(false);
    if let Some(handler) = handler(shared) {
        handler.idle(&driver);
    }
}

/// Carries out the session's actions and writes its frames (with their debug lines), and nothing
/// else: what a command called back from inside the loop does before it returns.
fn write_outputs(shared: &Rc<Shared>) {
    let weak = Rc::downgrade(shared);
    let driver = Driver {
        shared: shared.clone(),
    };
    loop {
        let mut work = Vec::new();
        {
            let Ok(mut core) = shared.core.try_borrow_mut() else {
                return;
            };
            core.collect_outputs(&weak, &mut work);
        }
        if work.is_empty() {
            return;
        }
        for item in work {
            run(shared, &driver, item);
        }
    }
}

pub(super) fn handler(shared: &Shared) -> Option<Rc<dyn Handler>> {
    shared.handler.try_borrow().ok().and_then(|h| h.clone())
}

/// One piece of work, with no borrow held.
fn run(shared: &Rc<Shared>, driver: &Driver, work: Work) {
    match work {
        Work::Notice(notice) => {
            if let Some(handler) = handler(shared) {
                handler.notice(driver, notice);
            }
        }
        Work::Close(transport, discard) => transport.close(discard),
        Work::Send(transport, batch, force_binary) => {
            outgoing::send_batch(shared, driver, &transport, batch, force_binary)
        }
        Work::Open {
            generation,
            url,
            versions,
            kind,
        } => {
            let weak = Rc::downgrade(shared);
            let sink: transport::Sink = Rc::new(move |event| {
                if let Some(shared) = weak.upgrade() {
                    push_input(&shared, Input::Socket(generation, event));
                }
            });
            // Events a socket reports while it is being opened queue behind its `Opened`.
            let before = shared.inbox.try_borrow().map_or(0, |i| i.len());
            // Described here, with no borrow held: a thrown value's `toString` is user code too.
            let opened = transport::open(&url, &versions, kind, sink)
                .map_err(|error| (describe_js(&error), error));
            if let Ok(mut inbox) = shared.inbox.try_borrow_mut() {
                let at = before.min(inbox.len());
                inbox.insert(at, Input::Opened(generation, opened));
            }
        }
    }
}

impl Core {
    /// Feeds one input to the session.
    fn feed(&mut self, input: Input, shared: &Weak<Shared>, work: &mut Vec<Work>) {
        let now = self.clock.now();
        match input {
            Input::Timer => {
                if let Some(timer) = &mut self.timer {
                    timer.fired();
                }
                self.session.handle_timeout(now);
            }
            Input::Hook(Hook::Resume) => {
                let _ = self.session.reconnect_now(now);
            }
            Input::Hook(Hook::AppHide) => {
                self.log.say(&["app hidden"]);
                self.session.handle_app_hidden(now);
            }
            Input::Hook(Hook::AppShow) => {
                self.log.say(&["app shown"]);
                self.session.handle_app_shown(now);
            }
            Input::Opened(generation, opened) if generation == self.generation => match opened {
                Ok(transport) => self.transport = Some(transport),
                Err((described, error)) => {
                    let message = concat(&["cannot open the socket: ", &described]);
                    self.socket_event = error;
                    self.open_failed(now, message, work);
                }
            },
            Input::Opened(_, opened) => {
                // Superseded while it opened (deactivated, or a newer attempt): close it.
                if let Ok(transport) = opened {
                    work.push(Work::Close(transport, false));
                }
            }
            Input::Socket(generation, event) if generation == self.generation => {
                self.socket_event(now, event, work);
            }
            Input::Socket(..) => {}
            Input::BeforeConnectDone(generation, result) if generation == self.generation => {
                match result {
                    Ok(()) => self.open_request(now, generation, work),
                    Err(error) => {
                        let message = concat(&["beforeConnect failed: ", &error]);
                        self.log.log(|| message.clone());
                        self.session.handle_close(now, dropped(message));
                    }
                }
            }
            Input::BeforeConnectDone(..) => {}
            Input::Drained(amount) => self.drained(now, amount, shared),
        }
    }

    fn open_failed(&mut self, now: u64, message: String, work: &mut Vec<Work>) {
        self.log.log(|| message.clone());
        work.push(Work::Notice(Notice::SocketError(message.clone())));
        self.session.handle_close(now, dropped(message));
    }

    fn socket_event(&mut self, now: u64, event: SocketEvent, work: &mut Vec<Work>) {
        match event {
            SocketEvent::Open => self.session.handle_open(now),
            SocketEvent::Message(mut bytes, text) => {
                if text && self.config.append_missing_nul {
                    outgoing::append_missing_nul(&mut bytes);
                }
                self.log.frame_in(&bytes);
                self.session.handle_bytes(now, &bytes);
            }
            SocketEvent::Close(info, event) => {
                self.transport = None;
                self.socket_event = event;
                self.session.handle_close(now, info);
            }
            SocketEvent::OpenFailed { message, suspended } => {
                self.transport = None;
                if suspended {
                    self.log.log(|| message.clone());
                    work.push(Work::Notice(Notice::SocketError(message)));
                    self.session.handle_suspend(now);
                } else {
                    self.open_failed(now, message, work);
                }
            }
            SocketEvent::Error(message, event) => {
                self.socket_event = event;
                work.push(Work::Notice(Notice::SocketError(message)));
            }
        }
    }

    /// Opens the transport for this attempt — the broker URL is read now, after `beforeConnect`
    /// (as stompjs reads `brokerURL`); without one (and no factory) the attempt fails, said.
    fn open_request(&mut self, now: u64, generation: u64, work: &mut Vec<Work>) {
        let url: String = self.session.current_url().unwrap_or_default().into();
        let kind = self.config.kind();
        if url.is_empty() && !matches!(kind, Kind::Factory(_)) {
            let message = String::from(
                "cannot open the socket: no brokerURL (set it, or webSocketFactory, before activate() or in beforeConnect)",
            );
            return self.open_failed(now, message, work);
        }
        let shown = crate::session::redacted_url(&url);
        self.log.say(&["opening ", &shown]);
        work.push(Work::Open {
            generation,
            url,
            versions: self.session.config().accept_versions.clone(),
            kind,
        });
    }

    /// Collects what the session asks for — actions, frames, debug lines — and then one event.
    fn collect(&mut self, shared: &Weak<Shared>, work: &mut Vec<Work>) {
        self.collect_outputs(shared, work);
        if let Some(event) = self.session.poll_event() {
            if let Event::StateChanged { from, to } = &event {
                self.log
                    .say(&["state: ", from.as_str(), " -> ", to.as_str()]);
                for line in self.log.take() {
                    work.push(Work::Notice(Notice::Debug(line)));
                }
            }
            work.push(Work::Notice(Notice::Event(event)));
        }
        self.sync_hooks(shared);
    }

    /// Collects the session's actions and frames, and the debug lines so far.
    fn collect_outputs(&mut self, _shared: &Weak<Shared>, work: &mut Vec<Work>) {
        let now = self.clock.now();
        // The transmits first: they belong to the transport open now, which an `Action::Close` of
        // the same step closes after they are written (the session's call contract).
        if let Some(transport) = self.transport.clone() {
            let batch = outgoing::take_transmits(self);
            if !batch.is_empty() {
                work.push(Work::Send(transport, batch, self.config.force_binary));
            }
        }
        while let Some(action) = self.session.poll_action() {
            match action {
                Action::Open { .. } => {
                    // A new attempt: the session dropped whatever it had not handed over.
                    self.bodies.clear();
                    self.generation += 1;
                    if self.config.before_connect {
                        work.push(Work::Notice(Notice::BeforeConnect(self.generation)));
                    } else {
                        self.open_request(now, self.generation, work);
                    }
                }
                Action::Close(reason) => {
                    self.generation += 1;
                    let discard = match reason {
                        CloseReason::Forced => true,
                        CloseReason::CommunicationFailure => self.config.discard_on_comm_failure,
                        CloseReason::Normal => false,
                    };
                    if let Some(transport) = self.transport.take() {
                        work.push(Work::Close(transport, discard));
                    }
                }
            }
        }
        for line in self.log.take() {
            work.push(Work::Notice(Notice::Debug(line)));
        }
    }

    /// Page and app hooks exist while the session wants to be connected.
    fn sync_hooks(&mut self, shared: &Weak<Shared>) {
        let wanted = self.session.wants_active();
        if wanted == self.hooks.is_some() {
            return;
        }
        self.hooks = wanted.then(|| {
            let weak = shared.clone();
            let report = Rc::new(move |hook| {
                if let Some(shared) = weak.upgrade() {
                    push_input(&shared, Input::Hook(hook));
                }
            });
            Hooks::install(
                self.config.reconnect_on_resume,
                self.config.app_api(),
                report,
            )
        });
    }

    /// Arms the timer for the session's next deadline (creating the timer when first needed).
    fn arm_timer(&mut self, shared: &Weak<Shared>) {
        let deadline = self.session.poll_timeout();
        if self.timer.is_none() {
            if deadline.is_none() {
                return;
            }
            let weak = shared.clone();
            let on_fire = Rc::new(move || {
                if let Some(shared) = weak.upgrade() {
                    push_input(&shared, Input::Timer);
                }
            });
            self.timer = Some(DeadlineTimer::new(self.config.timer, on_fire));
        }
        let now = self.clock.now();
        if let Some(timer) = &mut self.timer {
            timer.schedule(deadline, now);
            if let Some(note) = timer.take_note() {
                self.log.log(|| note);
            }
        }
    }
}

fn dropped(reason: String) -> CloseInfo {
    CloseInfo {
        code: 1006,
        reason,
        clean: false,
    }
}
