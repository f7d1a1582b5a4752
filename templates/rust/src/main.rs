//! __NAME__: a counter contract (see README.md). Build: ./build.sh

fn parse_count(what: &str, s: &str) -> u64 {
    s.parse().unwrap_or_else(|_| qvm::fail!("{what}: {s:?} is not a non-negative integer"))
}

fn count() -> u64 {
    qvm::get("COUNT").map_or(0, |v| parse_count("COUNT", &v))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ctx = qvm::ctx();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["construct", rest @ ..] => {
            if ctx.initialized {
                qvm::fail("already constructed");
            }
            let start = rest.first().map_or(0, |s| parse_count("construct", s));
            qvm::set("COUNT", &start.to_string());
            qvm::set("OWNER", &ctx.sender);
            qvm::event!("created {start} by {}", ctx.sender);
        }
        ["add", n] => {
            let total = count().checked_add(parse_count("add", n)).unwrap_or_else(|| qvm::fail("add: the count would overflow"));
            qvm::set("COUNT", &total.to_string());
            qvm::event!("count {total}");
        }
        ["get"] => qvm::event!("count {}", count()),
        ["reset"] => {
            let owner = qvm::get("OWNER").unwrap_or_default();
            if owner != ctx.sender {
                qvm::fail!("reset: only the owner ({owner}) can reset");
            }
            qvm::delete("COUNT");
            qvm::event("reset");
        }
        ["whoami"] => qvm::event!("sender {} block {}", ctx.sender, ctx.block_number),
        _ => qvm::fail("usage: construct [START] | add N | get | reset | whoami"),
    }
}
