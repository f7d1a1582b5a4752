//! The Rust SDK (sdk/rust) as a contract, for test/sdk.test.ts: the commands of test/contracts/sdk_c.c.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let c = qvm::ctx();
    match a.as_slice() {
        ["ctx"] => qvm::event!(
            "{} {} {} {} {} {} {} {} {}",
            c.sender, c.contract, c.value, c.tx_hash, c.prev_block_hash, c.block_number, c.block_timestamp, c.chain_id, c.initialized as u8
        ),
        ["valid", k, v] => qvm::event!("key {} value {}", qvm::valid_key(k) as u8, qvm::valid_value(v) as u8),
        ["get", k] => match qvm::get(k) {
            Some(v) => qvm::event!("{k}={v}"),
            None => qvm::event!("{k} missing"),
        },
        ["set", k, v] => qvm::set(k, v),
        ["del", k] => qvm::delete(k),
        ["event", t] => qvm::event(t),
        _ => qvm::fail("usage: ctx | valid KEY VAL | get KEY | set KEY VAL | del KEY | event TEXT"),
    }
}
