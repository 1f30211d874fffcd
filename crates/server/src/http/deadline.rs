//! A deadline on reading a request body, so that a client that sends its headers and then
//! stalls or trickles the body cannot hold a request (and its connection) open.
//!
//! The deadline covers the whole body, not each chunk: a client sending one byte every few
//! seconds is cut off as surely as one that sends nothing.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use http_body::{Frame, SizeHint};
use tokio::time::Sleep;

/// Reading the body took longer than the body timeout.
#[derive(Debug)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

/// Puts a deadline `timeout` from now on reading `request`'s body. Requests without a body
/// (most GETs) are passed through untouched.
pub fn with_body_deadline(request: Request, timeout: Duration) -> Request {
    if request.body().is_end_stream() {
        return request;
    }
    request.map(|body| {
        Body::new(DeadlineBody {
            body,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        })
    })
}

/// Whether reading a body failed because of its deadline (the error arrives wrapped by the
/// layers that buffer the body).
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<BodyTimedOut>() {
            return true;
        }
        cause = error.source();
    }
    false
}

struct DeadlineBody {
    body: Body,
    deadline: Pin<Box<Sleep>>,
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        // Both fields are `Unpin` (boxed), so no pin projection is needed.
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        if this.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    /// A body whose client never sends another byte.
    struct Stalled;

    impl HttpBody for Stalled {
        type Data = Bytes;
        type Error = axum::Error;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
            Poll::Pending
        }
    }

    #[tokio::test]
    async fn a_stalled_body_times_out_and_is_recognised() {
        let request = Request::new(Body::new(Stalled));
        let request = with_body_deadline(request, Duration::from_millis(20));
        let Err(error) = to_bytes(request.into_body(), 1024).await else {
            panic!("the body cannot complete");
        };
        assert!(is_body_timeout(&error));
    }

    #[tokio::test]
    async fn a_complete_body_is_read_whole() {
        let request = Request::new(Body::from("amount=100"));
        let request = with_body_deadline(request, Duration::from_millis(20));
        let Ok(bytes) = to_bytes(request.into_body(), 1024).await else {
            panic!("the body is complete");
        };
        assert_eq!(&bytes[..], b"amount=100");
    }
}
