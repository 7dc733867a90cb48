//! The live loop: a build that remembers its inputs ([`session`]), reruns
//! the pipeline after each change to the files ([`watch`]), and serves the
//! result with live reload ([`serve`]).

pub mod serve;
pub mod session;
pub mod users;
pub mod watch;
