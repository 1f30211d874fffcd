//! Which of the deliveries a dispatcher holds may be sent now.
//!
//! Deliveries are held per endpoint, in creation order (delivery ids are time-ordered, and the
//! deliveries of one request are numbered in the order of its events). Per endpoint:
//! - at most `per_endpoint` are in flight: a receiver with a small accept queue (Python's
//!   `http.server` listens with a backlog of 5) drops connection attempts beyond it, and each
//!   dropped one costs a second-long SYN retransmission;
//! - a delivery waits until every earlier one that shares an ordering key with it has been
//!   answered. Its keys are its event's request and its event's object, so the events of one
//!   request, and of one object, reach the receiver in the order they were created, while
//!   unrelated events go out side by side.
//!
//! A delivery that could not start before `start_by_ms` is given back: its lease would run
//! out while it is attempted, and another dispatcher could send it at the same time. The
//! later ones of its endpoint go with it, so none of them overtakes it; all are claimed again
//! once their leases end.

use std::collections::HashMap;

/// One held delivery, waiting or in flight.
struct Held<T> {
    id: String,
    keys: Vec<String>,
    start_by_ms: i64,
    /// `None` once started.
    waiting: Option<T>,
}

/// The deliveries of one endpoint, in creation order.
struct Lane<T> {
    held: Vec<Held<T>>,
    in_flight: usize,
}

/// What [`Lanes::ready`] decided.
pub struct Ready<T> {
    /// To send now, in creation order per endpoint.
    pub start: Vec<T>,
    /// Given back unsent: their start came too late for their lease.
    pub given_back: Vec<T>,
}

pub struct Lanes<T> {
    per_endpoint: usize,
    lanes: HashMap<String, Lane<T>>,
}

impl<T> Lanes<T> {
    pub fn new(per_endpoint: usize) -> Lanes<T> {
        Lanes {
            per_endpoint: per_endpoint.max(1),
            lanes: HashMap::new(),
        }
    }

    /// Holds a delivery until [`Lanes::ready`] starts it. `id` orders it within its endpoint.
    pub fn push(
        &mut self,
        endpoint: &str,
        id: String,
        keys: Vec<String>,
        start_by_ms: i64,
        item: T,
    ) {
        let lane = self
            .lanes
            .entry(endpoint.to_owned())
            .or_insert_with(|| Lane {
                held: Vec::new(),
                in_flight: 0,
            });
        let at = lane.held.partition_point(|held| held.id < id);
        lane.held.insert(
            at,
            Held {
                id,
                keys,
                start_by_ms,
                waiting: Some(item),
            },
        );
    }

    /// Starts what may start at `now_ms`; gives back what started too late.
    pub fn ready(&mut self, now_ms: i64) -> Ready<T> {
        let mut ready = Ready {
            start: Vec::new(),
            given_back: Vec::new(),
        };
        for lane in self.lanes.values_mut() {
            lane.ready(self.per_endpoint, now_ms, &mut ready);
        }
        self.lanes.retain(|_, lane| !lane.held.is_empty());
        ready
    }

    /// An in-flight delivery got its answer (or none): its slot and keys are free.
    pub fn done(&mut self, endpoint: &str, id: &str) {
        if let Some(lane) = self.lanes.get_mut(endpoint) {
            if let Some(at) = lane
                .held
                .iter()
                .position(|h| h.id == id && h.waiting.is_none())
            {
                lane.held.remove(at);
                lane.in_flight = lane.in_flight.saturating_sub(1);
            }
            if lane.held.is_empty() {
                self.lanes.remove(endpoint);
            }
        }
    }

    /// Gives back every delivery not yet started (at shutdown).
    pub fn give_back_waiting(&mut self) -> Vec<T> {
        let mut given_back = Vec::new();
        for lane in self.lanes.values_mut() {
            given_back.extend(lane.take_waiting(0));
        }
        self.lanes.retain(|_, lane| !lane.held.is_empty());
        given_back
    }
}

impl<T> Lane<T> {
    fn ready(&mut self, per_endpoint: usize, now_ms: i64, ready: &mut Ready<T>) {
        let mut index = 0;
        while index < self.held.len() && self.in_flight < per_endpoint {
            let blocked = self.held[index].waiting.is_none()
                || self.held[..index]
                    .iter()
                    .any(|earlier| shares_key(&earlier.keys, &self.held[index].keys));
            if blocked {
                index += 1;
                continue;
            }
            if self.held[index].start_by_ms < now_ms {
                ready.given_back.extend(self.take_waiting(index));
                return;
            }
            if let Some(item) = self.held[index].waiting.take() {
                ready.start.push(item);
                self.in_flight += 1;
            }
            index += 1;
        }
    }

    /// Removes the waiting deliveries from `from` on.
    fn take_waiting(&mut self, from: usize) -> Vec<T> {
        let mut taken = Vec::new();
        let mut index = from;
        while index < self.held.len() {
            if self.held[index].waiting.is_some() {
                let held = self.held.remove(index);
                taken.extend(held.waiting);
            } else {
                index += 1;
            }
        }
        taken
    }
}

fn shares_key(a: &[String], b: &[String]) -> bool {
    a.iter().any(|key| b.contains(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn deliveries_sharing_a_key_go_one_after_the_other_in_id_order() {
        let mut lanes = Lanes::new(4);
        // Pushed out of order: the id decides.
        lanes.push(
            "we_1",
            "whdel_2".into(),
            keys(&["req_a", "pi_1"]),
            100,
            "succeeded",
        );
        lanes.push(
            "we_1",
            "whdel_1".into(),
            keys(&["req_a", "pi_1"]),
            100,
            "created",
        );
        lanes.push(
            "we_1",
            "whdel_3".into(),
            keys(&["req_b", "cus_1"]),
            100,
            "other",
        );
        let ready = lanes.ready(0);
        assert_eq!(ready.start, vec!["created", "other"]);
        assert!(
            lanes.ready(0).start.is_empty(),
            "succeeded waits for created"
        );
        lanes.done("we_1", "whdel_1");
        assert_eq!(lanes.ready(0).start, vec!["succeeded"]);
    }

    #[test]
    fn at_most_per_endpoint_are_in_flight_per_endpoint() {
        let mut lanes = Lanes::new(2);
        for n in 0..5 {
            lanes.push(
                "we_1",
                format!("whdel_{n}"),
                keys(&[&format!("k{n}")]),
                100,
                n,
            );
        }
        lanes.push("we_2", "whdel_9".into(), keys(&["k9"]), 100, 9);
        let mut started = lanes.ready(0).start;
        started.sort_unstable();
        assert_eq!(started, vec![0, 1, 9]);
        lanes.done("we_1", "whdel_0");
        assert_eq!(lanes.ready(0).start, vec![2]);
    }

    #[test]
    fn a_late_start_gives_back_the_rest_of_its_endpoint() {
        let mut lanes = Lanes::new(1);
        lanes.push("we_1", "whdel_1".into(), keys(&["a"]), 100, 1);
        lanes.push("we_1", "whdel_2".into(), keys(&["b"]), 500, 2);
        lanes.push("we_1", "whdel_3".into(), keys(&["c"]), 500, 3);
        assert_eq!(lanes.ready(50).start, vec![1]);
        lanes.done("we_1", "whdel_1");
        lanes.push("we_1", "whdel_0".into(), keys(&["d"]), 150, 0);
        let ready = lanes.ready(200);
        assert!(ready.start.is_empty());
        assert_eq!(ready.given_back, vec![0, 2, 3]);
        assert!(lanes.lanes.is_empty());
    }

    #[test]
    fn shutdown_gives_back_only_what_waits() {
        let mut lanes = Lanes::new(1);
        lanes.push("we_1", "whdel_1".into(), keys(&["a"]), 100, 1);
        lanes.push("we_1", "whdel_2".into(), keys(&["b"]), 100, 2);
        assert_eq!(lanes.ready(0).start, vec![1]);
        assert_eq!(lanes.give_back_waiting(), vec![2]);
        lanes.done("we_1", "whdel_1");
        assert!(lanes.lanes.is_empty());
    }
}
