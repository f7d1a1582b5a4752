//! The QVM contract SDK for Rust (std only). A contract is a static Linux program
//! (`RUSTFLAGS='-C target-feature=+crt-static' cargo build --release`); this wraps its ABI
//! (SPEC §2, docs/chain.md):
//!
//! - [`get`]: `DB_<KEY>` when the call declared the key (`--read`), else the file `/qvm/db/<KEY>`
//!   (read lazily, metered); `None` when the key is not set
//! - [`set`] prints `DBW=KEY=VALUE`; [`delete`] prints `DBP=KEY`
//! - [`event`] (or the [`event!`] macro) prints `OUT=<text>`
//! - [`fail`] (or [`fail!`]) writes the message to stderr and exits 1: the call fails and none of
//!   its writes or events are kept
//! - [`ctx`] gives the call's context: sender, contract, value, block, chain
//!
//! Keys are 1–128 bytes of `[A-Za-z0-9_]`; values up to 65536 bytes without `\n` or NUL; event
//! texts up to 65536 bytes without `\n`. Bad ones fail the call, so a contract never prints a
//! broken protocol line.

use std::io::{Read, Write};

pub const MAX_KEY: usize = 128;
pub const MAX_VALUE: usize = 65536;
pub const MAX_EVENT: usize = 65536;

/// Writes the message to stderr and exits 1: the call fails.
pub fn fail(message: &str) -> ! {
    let _ = std::io::stdout().flush();
    eprintln!("{message}");
    std::process::exit(1)
}

/// `fail!("format", args…)`.
#[macro_export]
macro_rules! fail {
    ($($arg:tt)*) => { $crate::fail(&format!($($arg)*)) };
}

/// `event!("format", args…)`.
#[macro_export]
macro_rules! event {
    ($($arg:tt)*) => { $crate::event(&format!($($arg)*)) };
}

/// Is `key` 1–128 bytes of `[A-Za-z0-9_]`?
pub fn valid_key(key: &str) -> bool {
    (1..=MAX_KEY).contains(&key.len()) && key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Can `value` be stored: at most 65536 bytes, no newline or NUL?
pub fn valid_value(value: &str) -> bool {
    value.len() <= MAX_VALUE && !value.contains('\n') && !value.contains('\0')
}

/// The value of `key` before the call, or `None` when it is not set.
pub fn get(key: &str) -> Option<String> {
    if !valid_key(key) {
        fail!("qvm::get: invalid key {key:?}");
    }
    if let Ok(v) = std::env::var(format!("DB_{key}")) {
        return Some(v);
    }
    let f = std::fs::File::open(format!("/qvm/db/{key}")).ok()?;
    let mut s = String::new();
    if let Err(e) = f.take(MAX_VALUE as u64).read_to_string(&mut s) {
        fail!("qvm::get: reading {key}: {e}");
    }
    Some(s)
}

/// Sets `key` to `value` when the call succeeds.
pub fn set(key: &str, value: &str) {
    if !valid_key(key) {
        fail!("qvm::set: invalid key {key:?}");
    }
    if !valid_value(value) {
        fail!("qvm::set: invalid value for {key} (a newline or NUL, or longer than {MAX_VALUE} bytes)");
    }
    println!("DBW={key}={value}");
}

/// Deletes `key` when the call succeeds.
pub fn delete(key: &str) {
    if !valid_key(key) {
        fail!("qvm::delete: invalid key {key:?}");
    }
    println!("DBP={key}");
}

/// Emits an event (a log of the transaction) when the call succeeds.
pub fn event(text: &str) {
    if text.len() > MAX_EVENT || text.contains('\n') {
        fail!("qvm::event: an event is at most {MAX_EVENT} bytes, without a newline");
    }
    println!("OUT={text}");
}

/// The call's context (SPEC §2).
#[derive(Debug, Clone)]
pub struct Context {
    /// 0x + 40 lowercase hex digits.
    pub sender: String,
    pub contract: String,
    /// wei, decimal (may exceed 64 bits).
    pub value: String,
    /// 0x + 64 hex digits.
    pub tx_hash: String,
    pub prev_block_hash: String,
    pub block_number: u64,
    pub block_timestamp: u64,
    pub chain_id: u64,
    /// A successful deploy set QVM_INITIALIZED=true.
    pub initialized: bool,
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}

fn num(name: &str) -> u64 {
    var(name).parse().unwrap_or(0)
}

/// Reads the call's context from the environment.
pub fn ctx() -> Context {
    Context {
        sender: var("QVM_SENDER"),
        contract: var("QVM_CONTRACT"),
        value: var("QVM_VALUE"),
        tx_hash: var("QVM_TX_HASH"),
        prev_block_hash: var("QVM_PREV_BLOCK_HASH"),
        block_number: num("QVM_BLOCK_NUMBER"),
        block_timestamp: num("QVM_BLOCK_TIMESTAMP"),
        chain_id: num("QVM_CHAIN_ID"),
        initialized: var("DB_QVM_INITIALIZED") == "true",
    }
}
