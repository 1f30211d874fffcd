//! The result of moving an intent: the same shape for a PaymentIntent and a SetupIntent, so
//! that the server writes both the same way.

use tender_wire::ApiError;

use crate::charge::Charge;
use crate::event_kind::EventKind;

/// Which object an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventSubject {
    Intent,
    Charge,
}

/// What a transition of an intent `I` did: the next intent, the charge it created or changed
/// (a SetupIntent moves no money and has none), its events in order, and the error to answer
/// with (a 402 decline; the caller embeds the intent).
#[derive(Clone, Debug)]
pub struct Transition<I> {
    pub intent: I,
    pub charge: Option<Charge>,
    pub events: Vec<(EventKind, EventSubject)>,
    pub error: Option<ApiError>,
    /// The payment succeeded with `setup_future_usage`: save the payment method to the
    /// intent's customer for future use.
    pub save_payment_method: bool,
    /// The customer authenticated a manually confirmed intent: remember it, so that the
    /// server's next confirmation does not ask again.
    pub record_authentication: bool,
    /// The payment is `processing` and the bank answers later, after a delay of this kind:
    /// the server schedules its settlement in the same unit of work.
    pub settles_later: Option<crate::debit::Timing>,
}

impl<I> Transition<I> {
    /// The intent moved, nothing else happened yet.
    pub fn new(intent: I) -> Transition<I> {
        Transition {
            intent,
            charge: None,
            events: Vec::new(),
            error: None,
            save_payment_method: false,
            record_authentication: false,
            settles_later: None,
        }
    }

    /// The intent moved with one event about it.
    pub fn with_event(intent: I, kind: EventKind) -> Transition<I> {
        let mut transition = Transition::new(intent);
        transition.events.push((kind, EventSubject::Intent));
        transition
    }

    /// The kinds of its events, in order.
    pub fn event_kinds(&self) -> Vec<EventKind> {
        self.events.iter().map(|(kind, _)| *kind).collect()
    }
}
