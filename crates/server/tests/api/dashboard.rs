//! The dashboard (issue #25): sign-in and sessions, CSRF, cross-account isolation, escaping,
//! the payment timeline and its actions; and the API request logs behind its Logs page.

mod billing;
mod browser;
mod logs;
mod pages;
mod webhooks;
mod windows;

pub use browser::Browser;
