//! A throwaway S3 server on loopback for trying `pressroom deploy` and for
//! `bench/deploy.sh`: the tests' in-process `s3s-fs` server, as a program.
//!
//! ```sh
//! cargo run --release --example pressroom-s3-server -- DIR
//! ```
//!
//! serves the folder DIR (bucket `press`) on 127.0.0.1 and a free port,
//! prints `endpoint http://127.0.0.1:PORT` once it listens, and stops when its
//! standard input closes. Credentials: `AWS_ACCESS_KEY_ID=pressroom-test`,
//! `AWS_SECRET_ACCESS_KEY=pressroom-test-secret`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

#[allow(dead_code)]
#[path = "../tests/integration/s3.rs"]
mod s3;

use std::io::{Read, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!(
            "usage: pressroom-s3-server DIR\n  help: DIR is the folder the bucket is kept in"
        );
        return ExitCode::from(2);
    };
    let server = s3::S3Server::start(std::path::Path::new(&dir));
    println!("endpoint {}", server.endpoint());
    let _ = std::io::stdout().flush();
    // Serve until whoever started us closes our standard input.
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(server);
    ExitCode::SUCCESS
}
